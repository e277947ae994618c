/**
 * A SRC value (`--cert`, `--key`, `--ca`, a PATH, AITOSS_CERT/AITOSS_KEY, a configuration
 * file's cert/key/ca) is a path, `-`, `env:NAME`, or sometimes the certificate or key
 * itself (`--key "$(cat app.key)"`, a secret store's variable). Users put key material
 * where a path was expected, so a value is echoed in a message only when it is a short,
 * plausible path; otherwise messages name where it came from (`--key`,
 * `AITOSS_KEY (environment)`, `key in .aitossrc.yaml`) and nothing of its contents.
 */
import { isAbsolute, relative } from 'node:path';
import { isWholeDer } from '../core/pem.js';

/** Where a SRC value came from: a flag, an environment variable, a configuration file, a PATH argument. */
export interface SrcOrigin {
  /** The setting: `cert`, `key`, `ca`, or `path` for a positional PATH. */
  setting: 'cert' | 'key' | 'ca' | 'path';
  /** `flag`, `env:NAME`, the configuration file's absolute path, or `argument`. */
  origin: string;
  /** The working directory, to show a configuration file's path relative to it. */
  cwd?: string;
  /** How a `flag` or `argument` origin is named, when not `--SETTING` or `a PATH argument` (the library's `options.cert`). */
  option?: string;
}

/** Longer values are never echoed (and are no path on any system aitoss runs on). */
const MAX_SHOWN_LENGTH = 1024;
/** Control characters (newlines included), C1 controls, a BOM, bidirectional and zero-width marks. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Whether a value is a certificate or key rather than the name of one: PEM markers
 * anywhere, text only PEM tools write (`openssl pkcs12 -nodes`'s `Bag Attributes`, a
 * legacy key's `Proc-Type`), a line break or a BOM (no path has one), or base64 of PEM
 * or of a whole DER structure (an Ed25519 key is just `MC4CAQAw…`, 64 characters).
 */
export function looksLikeContent(value: string): boolean {
  if (/-----(?:BEGIN|END)[ -]/.test(value)) return true;
  if (/[\r\n\ufeff]/.test(value)) return true;
  const text = value.trim();
  if (/^(?:Bag Attributes|Key Attributes|Proc-Type:|DEK-Info:)/i.test(text)) return true;
  const compact = text.replace(/\s+/g, '');
  if (compact.length >= 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    const bytes = Buffer.from(compact, 'base64');
    if (bytes.subarray(0, 5).toString('latin1') === '-----' || isWholeDer(bytes)) return true;
  }
  return false;
}

/**
 * Whether a value may be shown in a message: a short path of printable characters with
 * no run that reads as base64. A path's parts are words (`Project2024`, `certs`); base64
 * switches between lower case, upper case, digits and `+/=` at almost every character
 * (~65% of neighbours differ; in words, under 25%), so a run of 16 or more such
 * characters switching at 30% or more (an unbroken part of 32 or more: 20%) is taken for key
 * material. Hex parts of up to 64 characters (a folder named by a SHA-1 or SHA-256 hash)
 * are path parts, not secrets; a longer hex run is the DER of a key or certificate in
 * hex (an Ed25519 key is 96 characters) and is judged like any other run.
 */
export function isShowablePath(value: string): boolean {
  if (value.length === 0 || value.length > MAX_SHOWN_LENGTH || UNPRINTABLE.test(value)) return false;
  if (looksLikeContent(value)) return false;
  return !(value.match(/[A-Za-z0-9+/=]{16,}/g) ?? []).some(readsAsBase64);
}

const HEX_PART = /^[0-9a-fA-F]{8,64}$/;

/**
 * Base64 every DER key or certificate carries: a SEQUENCE's start (`MII…`, `MC4C`, `MHcC`),
 * the RSA and EC algorithm identifiers, an EC public point's prefix.
 */
const DER_BASE64_MARKERS = /MII[A-Za-z]|MC4C|MHcC|MIGH|BgkqhkiG9w0|KoZIhvcN|BggqhkjOPQ|CCqGSM49|AwEHoUQDQgAE|K2VwBCIE/;

function readsAsBase64(run: string): boolean {
  if (DER_BASE64_MARKERS.test(run)) return true;
  const parts = run.split('/').filter((part) => part !== '' && !HEX_PART.test(part));
  // A long unbroken part need switch less: a 33-character word such as ApplicationCertificatesProduction switches at 16%.
  if (parts.some((part) => part.length >= 32 && switchRate(part) >= 0.2)) return true;
  const chars = parts.join('');
  return chars.length >= 16 && switchRate(chars) >= 0.3;
}

/** How often neighbouring characters differ in kind (lower case, upper case, digit, other). */
function switchRate(chars: string): number {
  const kind = (c: string) => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);
  let switches = 0;
  for (let i = 1; i < chars.length; i++) if (kind(chars[i] as string) !== kind(chars[i - 1] as string)) switches++;
  return switches / (chars.length - 1);
}

/**
 * A setting's value quoted in an error line (a number of days, a duration, a URL, an HTTP
 * method: not a SRC), in JSON quotes: only when it may be shown (isShowablePath), so a
 * key pasted into the wrong variable or flag is not repeated either.
 */
export function quotedValue(value: string): string {
  if (value.trim() === '' || isShowablePath(value)) return JSON.stringify(value);
  return looksLikeContent(value) ? '<key or certificate content, not shown>' : '<a value that is not shown>';
}

/**
 * Where the value came from, in words: `--key`, `AITOSS_KEY (environment)`,
 * `key in .aitossrc.yaml`, `a PATH argument`.
 */
export function originLabel(from: SrcOrigin): string {
  const { setting, origin } = from;
  if (origin === 'flag') return from.option ?? `--${setting}`;
  if (origin === 'argument' || setting === 'path') return from.option ?? 'a PATH argument';
  if (origin.startsWith('env:')) return `${origin.slice(4)} (environment)`;
  return `${setting} in ${shownFile(origin, from.cwd)}`;
}

/**
 * How a SRC naming a file is named in messages: `--ca nope.pem`,
 * `AITOSS_CERT=certs/app.crt (environment)`, `cert: certs/app.crt in .aitossrc.yaml`, or a
 * PATH as given. When the value is not a showable path, only where it came from.
 */
export function sourceLabel(value: string, from: SrcOrigin): string {
  if (!isShowablePath(value)) return originLabel(from);
  const { setting, origin } = from;
  if (origin === 'argument' || setting === 'path') return value;
  if (origin === 'flag') return `${from.option ?? `--${setting}`} ${value}`;
  if (origin.startsWith('env:')) return `${origin.slice(4)}=${value} (environment)`;
  return `${setting}: ${value} in ${shownFile(origin, from.cwd)}`;
}

/**
 * A SRC value as `aitoss config` shows it: the path, `-` or `env:NAME` itself, or what
 * kind of content it holds and its size (`<PEM content, 1,704 bytes>`), never the bytes.
 */
export function describeSrcValue(value: string): string {
  if (value === '-' || /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  if (isShowablePath(value)) return value;
  const bytes = Buffer.byteLength(value, 'utf8').toLocaleString('en-US');
  if (looksLikeContent(value)) {
    const kind = /-----BEGIN/.test(value) || /^\s*(?:Bag Attributes|Key Attributes)/i.test(value) ? 'PEM' : 'base64';
    return `<${kind} content, ${bytes} bytes>`;
  }
  return `<not shown: ${bytes} bytes that do not look like a file path>`;
}

/** A configuration file's path, relative to the working directory when below it. */
export function shownFile(file: string, cwd: string | undefined): string {
  if (cwd === undefined || !isAbsolute(file)) return file;
  const fromCwd = relative(cwd, file);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : file;
}
