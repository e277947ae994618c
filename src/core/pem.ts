/**
 * Decoding of what a user may hold: PEM (with CRLF, a BOM, a text preamble such as
 * `openssl x509 -text` output, several blocks), PEM whose newlines were escaped as a
 * literal `\n` (secret stores), base64 of a PEM or of DER, and raw DER.
 * Pure: bytes in, blocks out; broken input raises an AitossError naming the source.
 */
import { fileProblem } from './errors.js';

export interface PemBlock {
  /** The label between BEGIN and END, e.g. `CERTIFICATE`, `RSA PRIVATE KEY`. */
  label: string;
  /** RFC 1421 headers of legacy encrypted keys (`Proc-Type`, `DEK-Info`). */
  headers: Record<string, string>;
  der: Buffer;
  /** The block re-assembled as canonical PEM text (LF, 64-column body); made on first use. */
  readonly pem: string;
  /** 1-based position of the block in its source, for messages. */
  position: number;
}

/** How the bytes were wrapped, reported so a user knows what was detected. */
export type InputEncoding = 'pem' | 'escaped-pem' | 'base64-pem' | 'der' | 'base64-der';

export type DecodedInput =
  | { kind: 'pem'; encoding: InputEncoding; blocks: PemBlock[] }
  | { kind: 'der'; encoding: InputEncoding; der: Buffer }
  | { kind: 'unrecognized' };

const BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 #._-]*)-----/g;
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;
const MAX_BLOCKS = 10_000;

/** Decode a source's bytes. Throws for input that claims to be PEM but is broken. */
export function decodeInput(bytes: Uint8Array, source: string): DecodedInput {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isWholeDer(buffer)) return { kind: 'der', encoding: 'der', der: buffer };

  let text = buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = stripQuotes(text.trim());

  if (text.includes('-----BEGIN')) {
    if (/-----BEGIN [^-\n]+-----\\[rn]/.test(text)) {
      return { kind: 'pem', encoding: 'escaped-pem', blocks: parsePem(unescapeNewlines(text), source) };
    }
    return { kind: 'pem', encoding: 'pem', blocks: parsePem(text, source) };
  }

  if (text.length >= 16 && BASE64_TEXT.test(text)) {
    const inner = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (isWholeDer(inner)) return { kind: 'der', encoding: 'base64-der', der: inner };
    let innerText = inner.toString('utf8');
    if (innerText.charCodeAt(0) === 0xfeff) innerText = innerText.slice(1);
    if (innerText.includes('-----BEGIN')) {
      return { kind: 'pem', encoding: 'base64-pem', blocks: parsePem(innerText, source) };
    }
  }
  return { kind: 'unrecognized' };
}

/** Split PEM text into blocks; text outside blocks (preambles, comments) is ignored. */
export function parsePem(input: string, source: string): PemBlock[] {
  const text = input.replace(/\r\n?/g, '\n');
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = BEGIN.exec(text)) !== null) {
    const label = match[1] as string;
    const position = blocks.length + 1;
    if (position > MAX_BLOCKS) {
      throw fileProblem('damaged', source, `more than ${MAX_BLOCKS} PEM blocks`, 'split the file');
    }
    const bodyStart = match.index + match[0].length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, bodyStart);
    const nextBegin = text.indexOf('-----BEGIN', bodyStart);
    if (end === -1) {
      throw fileProblem(
        'damaged',
        source,
        `the PEM block ${position} (${label}) has no END line: the file is truncated`,
        'download or copy it again',
      );
    }
    if (nextBegin !== -1 && nextBegin < end) {
      throw fileProblem(
        'damaged',
        source,
        `the PEM block ${position} (${label}) is not closed before the next BEGIN line`,
        'the file is damaged; download or copy it again',
      );
    }
    const { headers, body } = splitHeaders(text.slice(bodyStart, end));
    const compact = body.replace(/\s+/g, '');
    if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw fileProblem('damaged', source, `the PEM block ${position} (${label}) is not valid base64`, 'the file is damaged; download or copy it again');
    }
    const der = Buffer.from(compact, 'base64');
    let pem: string | undefined;
    blocks.push({
      label,
      headers,
      der,
      position,
      get pem() {
        return (pem ??= toPem(label, der, headers));
      },
    });
    BEGIN.lastIndex = end + endMarker.length;
  }
  return blocks;
}

export function toPem(label: string, der: Uint8Array, headers: Record<string, string> = {}): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  const headerText = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\n`)
    .join('');
  return `-----BEGIN ${label}-----\n${headerText}${headerText ? '\n' : ''}${body}\n-----END ${label}-----\n`;
}

/** True when the bytes are exactly one DER SEQUENCE (the whole of a DER certificate or key). */
export function isWholeDer(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x30) return false;
  const first = bytes[1] as number;
  if (first < 0x80) return 2 + first === bytes.length;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes.length < 2 + count) return false;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (bytes[2 + i] as number);
  return 2 + count + length === bytes.length;
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  const lines = raw.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i] as string).trim() === '') i++;
  if (!(lines[i] ?? '').includes(':')) return { headers, body: raw };
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    if (colon === -1) break;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers, body: lines.slice(i).join('\n') };
}

function unescapeNewlines(text: string): string {
  return text.replace(/\\r\\n|\\n|\\r/g, '\n');
}

function stripQuotes(text: string): string {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0]) {
    return text.slice(1, -1).trim();
  }
  return text;
}
