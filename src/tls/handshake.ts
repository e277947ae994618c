// What happened on the wire during the handshake. Node and OpenSSL don't tell a client whether
// the server sent a CertificateRequest (no event; `SSL_get_client_CA_list` is not exposed) nor
// whether OpenSSL actually sent the configured certificate (`getCertificate()` returns the
// configured one either way, and OpenSSL silently sends an EMPTY Certificate message when the
// key type or issuer does not fit what the server asked for). So we read the bytes ourselves:
// - the TCP stream is wrapped in a pass-through Duplex that copies both directions
//   (`HandshakeRecorder.tap`); Node then runs TLS over it unchanged (same errors, same alerts);
// - TLS 1.2: the handshake up to ChangeCipherSpec is plaintext in both directions: the
//   server's CertificateRequest, and the client's Certificate message (empty or not);
// - TLS 1.3: those messages are encrypted with the handshake traffic secrets, which Node hands
//   out in the `keylog` event; we decrypt the handshake records (AES-GCM or
//   ChaCha20-Poly1305) of both sides. The server's first application records are decrypted
//   too (SERVER_TRAFFIC_SECRET_0), so an alert sent after the client's Finished (a TLS 1.3
//   server refusing the certificate) is read from the wire even when the socket reports
//   ECONNRESET/EPIPE first.
// Anything unexpected gives `null` (unknown), never an exception.
import { createDecipheriv, createHmac } from 'node:crypto';
import { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { formatDerName } from '../core/der.js';

const MAX_CAPTURE = 256 * 1024;
/** Application records of the server decrypted after the handshake, looking for an alert. */
const MAX_APPLICATION_RECORDS = 8;

export interface HandshakeObservation {
  /** true: CertificateRequest seen; false: the server's flight ended without one; null: unknown. */
  requested: boolean | null;
  /** Distinguished names from certificate_authorities, when the server sent the extension/list. */
  acceptableCAs?: string[];
  /** The same names as DER (hex), to compare with the client chain's issuers. */
  acceptableCAsDer?: string[];
  /** SignatureScheme code points the server accepts for the client's CertificateVerify. */
  signatureAlgorithms?: number[];
  /** TLS 1.3 signature_algorithms_cert: the schemes accepted in the client's certificates. */
  certificateSignatureAlgorithms?: number[];
  /** Negotiated version as read from ServerHello ('TLSv1.2' | 'TLSv1.3'), if one arrived. */
  version?: string;
  /** The server answered the first ClientHello with a HelloRetryRequest. */
  helloRetry?: boolean;
  /**
   * The client's Certificate message as it went out: the number of certificates in it
   * (0: an empty message, OpenSSL withheld the certificate); undefined when not seen.
   */
  clientCertificatesSent?: number;
  /** TLS 1.2: a handshake record after the first handshake finished (renegotiation, encrypted: unreadable). */
  renegotiated?: boolean;
  /** TLS 1.3: an alert the server sent after the handshake (decrypted from the wire). */
  postHandshakeAlert?: number;
  /** TLS 1.3: a CertificateRequest after the handshake (post-handshake authentication). */
  postHandshakeCertificateRequest?: boolean;
}

type SecretLabel = 'SERVER_HANDSHAKE_TRAFFIC_SECRET' | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' | 'SERVER_TRAFFIC_SECRET_0';
type Secrets = Partial<Record<SecretLabel, Buffer>>;

/** Collects both directions' bytes and the TLS 1.3 secrets for one connection. */
export class HandshakeRecorder {
  private readonly chunks: Buffer[] = [];
  private readonly clientChunks: Buffer[] = [];
  private captured = 0;
  private clientCaptured = 0;
  private readonly secrets: Secrets = {};

  /** A Duplex that forwards to `socket` and records what each side sends. */
  tap(socket: Socket): Duplex {
    return new TapStream(socket, (chunk) => this.record(chunk), (chunk) => this.recordClient(chunk));
  }

  /** Bytes from the server. */
  record(chunk: Buffer): void {
    if (this.captured >= MAX_CAPTURE) return;
    this.chunks.push(chunk);
    this.captured += chunk.length;
  }

  /** Bytes from the client (us). */
  recordClient(chunk: Buffer): void {
    if (this.clientCaptured >= MAX_CAPTURE) return;
    this.clientChunks.push(Buffer.from(chunk));
    this.clientCaptured += chunk.length;
  }

  /** Feed each line of the TLS socket's `keylog` event. */
  keylog(line: Buffer): void {
    const text = line.toString('latin1').trim();
    const match = /^(SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_TRAFFIC_SECRET_0) [0-9a-fA-F]+ ([0-9a-fA-F]+)$/.exec(text);
    if (match?.[1] && match[2]) this.secrets[match[1] as SecretLabel] = Buffer.from(match[2], 'hex');
  }

  /** Milliseconds spent in `observe` (decrypting and parsing), for the bench. */
  analysisMs = 0;
  private cached: { at: string; observation: HandshakeObservation } | undefined;

  /** What the recorded bytes show; computed again only when more bytes or secrets came. */
  observe(): HandshakeObservation {
    const at = `${this.captured}/${this.clientCaptured}/${Object.keys(this.secrets).length}`;
    if (this.cached?.at === at) return this.cached.observation;
    const started = performance.now();
    const observation = this.analyse();
    this.analysisMs += performance.now() - started;
    this.cached = { at, observation };
    return observation;
  }

  private analyse(): HandshakeObservation {
    let observation: HandshakeObservation & { suite?: Tls13Suite } = { requested: null };
    try {
      observation = analyseServerFlight(Buffer.concat(this.chunks), this.secrets);
    } catch {
      return observation;
    }
    try {
      analyseClientFlight(Buffer.concat(this.clientChunks), this.secrets, observation);
    } catch {
      // The client side stays unknown.
    }
    delete (observation as { suite?: unknown }).suite;
    return observation;
  }
}

/**
 * Pass-through Duplex over a connected socket, reporting every chunk each way. An error of
 * the socket (ECONNRESET after a TLS alert) is passed on only after the bytes read before it
 * reached TLS, so the alert is decoded before the reset is reported.
 */
class TapStream extends Duplex {
  constructor(
    private readonly inner: Socket,
    onData: (chunk: Buffer) => void,
    private readonly onWrite: (chunk: Buffer) => void,
  ) {
    super();
    inner.on('data', (chunk: Buffer) => {
      onData(chunk);
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => setImmediate(() => this.destroy(err)));
    inner.on('close', () => setImmediate(() => this.destroy()));
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.onWrite(chunk);
    this.inner.write(chunk, encoding, callback);
  }

  // A flight TLS hands over in pieces goes out in one write, as it would on a plain socket: a
  // server that rejects our Certificate closes at once, and a second write would meet the reset
  // (EPIPE) before its alert is read.
  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    const data = Buffer.concat(chunks.map(({ chunk }) => chunk));
    this.onWrite(data);
    this.inner.write(data, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }
}

// --- TLS record and handshake parsing -------------------------------------------------------

const CONTENT_CCS = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION = 23;

const HS_SERVER_HELLO = 2;
const HS_CERTIFICATE = 11;
const HS_CERTIFICATE_REQUEST = 13;
const HS_SERVER_HELLO_DONE = 14;
const HS_FINISHED = 20;

const HELLO_RETRY_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

interface Tls13Suite {
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyLength: number;
  hash: 'sha256' | 'sha384';
}

const TLS13_SUITES: ReadonlyMap<number, Tls13Suite> = new Map([
  [0x1301, { cipher: 'aes-128-gcm', keyLength: 16, hash: 'sha256' }],
  [0x1302, { cipher: 'aes-256-gcm', keyLength: 32, hash: 'sha384' }],
  [0x1303, { cipher: 'chacha20-poly1305', keyLength: 32, hash: 'sha256' }],
]);

interface TlsRecord {
  type: number;
  header: Buffer;
  payload: Buffer;
}

function* records(data: Buffer): Generator<TlsRecord> {
  let offset = 0;
  while (offset + 5 <= data.length) {
    const length = data.readUInt16BE(offset + 3);
    if (offset + 5 + length > data.length) return;
    yield {
      type: data[offset] ?? 0,
      header: data.subarray(offset, offset + 5),
      payload: data.subarray(offset + 5, offset + 5 + length),
    };
    offset += 5 + length;
  }
}

/** Reassembles handshake messages that may span records or share one. */
class HandshakeReader {
  private buffer = Buffer.alloc(0);

  push(bytes: Buffer): Array<{ type: number; body: Buffer }> {
    this.buffer = Buffer.concat([this.buffer, bytes]);
    const messages: Array<{ type: number; body: Buffer }> = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUIntBE(1, 3);
      if (this.buffer.length < 4 + length) break;
      messages.push({ type: this.buffer[0] ?? 0, body: this.buffer.subarray(4, 4 + length) });
      this.buffer = this.buffer.subarray(4 + length);
    }
    return messages;
  }
}

interface ServerHello {
  version: 'TLSv1.2' | 'TLSv1.3' | 'other';
  suite: number;
  retry: boolean;
}

function parseServerHello(body: Buffer): ServerHello {
  const legacyVersion = body.readUInt16BE(0);
  const random = body.subarray(2, 34);
  let offset = 34;
  const sessionIdLength = body[offset] ?? 0;
  offset += 1 + sessionIdLength;
  const suite = body.readUInt16BE(offset);
  offset += 3; // suite + compression method
  let version: ServerHello['version'] = legacyVersion === 0x0303 ? 'TLSv1.2' : 'other';
  if (offset + 2 <= body.length) {
    const end = Math.min(body.length, offset + 2 + body.readUInt16BE(offset));
    offset += 2;
    while (offset + 4 <= end) {
      const type = body.readUInt16BE(offset);
      const length = body.readUInt16BE(offset + 2);
      if (type === 43 && length === 2 && body.readUInt16BE(offset + 4) === 0x0304) version = 'TLSv1.3';
      offset += 4 + length;
    }
  }
  return { version, suite, retry: random.equals(HELLO_RETRY_RANDOM) };
}

interface CertificateRequestInfo {
  names: string[];
  namesDer: string[];
  signatureAlgorithms?: number[];
  certificateSignatureAlgorithms?: number[];
}

function u16List(body: Buffer, offset: number): number[] {
  const end = offset + 2 + body.readUInt16BE(offset);
  const list: number[] = [];
  for (let cursor = offset + 2; cursor + 2 <= end; cursor += 2) list.push(body.readUInt16BE(cursor));
  return list;
}

/** TLS 1.2 CertificateRequest: types, signature algorithms, certificate_authorities. */
function parseCertificateRequest12(body: Buffer): CertificateRequestInfo {
  let offset = 1 + (body[0] ?? 0);
  const signatureAlgorithms = u16List(body, offset);
  offset += 2 + body.readUInt16BE(offset);
  return { ...distinguishedNames(body, offset), signatureAlgorithms };
}

/** TLS 1.3 CertificateRequest: context, extensions (signature_algorithms 13, certificate_authorities 47, signature_algorithms_cert 50). */
function parseCertificateRequest13(body: Buffer): CertificateRequestInfo {
  let offset = 1 + (body[0] ?? 0);
  const end = offset + 2 + body.readUInt16BE(offset);
  offset += 2;
  const info: CertificateRequestInfo = { names: [], namesDer: [] };
  while (offset + 4 <= end) {
    const type = body.readUInt16BE(offset);
    const length = body.readUInt16BE(offset + 2);
    if (type === 47) Object.assign(info, distinguishedNames(body, offset + 4));
    if (type === 13) info.signatureAlgorithms = u16List(body, offset + 4);
    if (type === 50) info.certificateSignatureAlgorithms = u16List(body, offset + 4);
    offset += 4 + length;
  }
  return info;
}

/** A `DistinguishedName certificate_authorities<0..2^16-1>` list at `offset`. */
function distinguishedNames(body: Buffer, offset: number): { names: string[]; namesDer: string[] } {
  const end = offset + 2 + body.readUInt16BE(offset);
  const names: string[] = [];
  const namesDer: string[] = [];
  let cursor = offset + 2;
  while (cursor + 2 <= end) {
    const length = body.readUInt16BE(cursor);
    const der = body.subarray(cursor + 2, cursor + 2 + length);
    names.push(formatDerName(der));
    namesDer.push(der.toString('hex'));
    cursor += 2 + length;
  }
  return { names, namesDer };
}

interface CipherState {
  suite: Tls13Suite;
  key: Buffer;
  iv: Buffer;
  sequence: bigint;
}

function cipherState(suite: Tls13Suite, secret: Buffer): CipherState {
  return { suite, key: expandLabel(suite.hash, secret, 'key', suite.keyLength), iv: expandLabel(suite.hash, secret, 'iv', 12), sequence: 0n };
}

/** Decrypt a TLS 1.3 record: the inner content type and the content without padding. */
function openRecord(state: CipherState, record: TlsRecord): { type: number; content: Buffer } {
  const inner = decryptRecord(state, state.sequence++, record);
  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end--;
  return { type: inner[end - 1] ?? 0, content: inner.subarray(0, Math.max(0, end - 1)) };
}

function analyseServerFlight(data: Buffer, secrets: Secrets): HandshakeObservation & { suite?: Tls13Suite } {
  const observation: HandshakeObservation & { suite?: Tls13Suite } = { requested: null };
  const plain = new HandshakeReader();
  let handshakeKeys: CipherState | undefined;
  let applicationKeys: CipherState | undefined;
  let encrypted: HandshakeReader | undefined;
  let retried = false;
  let finished = false; // the server's handshake flight is complete
  let applicationRecords = 0;
  let tls12Encrypted = false;
  let tls12HandshakeRecordsAfterCcs = 0;

  const onMessage = (type: number, body: Buffer): void => {
    if (type === HS_SERVER_HELLO && observation.version === undefined) {
      const hello = parseServerHello(body);
      if (hello.retry) {
        retried = true; // HelloRetryRequest: the real ServerHello follows
        observation.helloRetry = true;
        return;
      }
      observation.version = hello.version === 'other' ? undefined : hello.version;
      if (hello.version === 'TLSv1.3') {
        const suite = TLS13_SUITES.get(hello.suite);
        if (!suite) return;
        observation.suite = suite;
        const secret = secrets.SERVER_HANDSHAKE_TRAFFIC_SECRET;
        if (secret) handshakeKeys = cipherState(suite, secret);
        encrypted = new HandshakeReader();
      }
      return;
    }
    if (type === HS_CERTIFICATE_REQUEST) {
      if (finished) {
        observation.postHandshakeCertificateRequest = true;
        return;
      }
      observation.requested = true;
      const info = observation.version === 'TLSv1.3' ? parseCertificateRequest13(body) : parseCertificateRequest12(body);
      if (info.names.length > 0) {
        observation.acceptableCAs = info.names;
        observation.acceptableCAsDer = info.namesDer;
      }
      if (info.signatureAlgorithms) observation.signatureAlgorithms = info.signatureAlgorithms;
      if (info.certificateSignatureAlgorithms) observation.certificateSignatureAlgorithms = info.certificateSignatureAlgorithms;
      return;
    }
    // The server's flight ended (or went past where a CertificateRequest belongs) without one.
    if (type === HS_SERVER_HELLO_DONE || (observation.version === 'TLSv1.3' && (type === HS_CERTIFICATE || type === HS_FINISHED))) {
      if (observation.requested === null) observation.requested = false;
      if (type !== HS_CERTIFICATE) finished = true;
    }
  };

  for (const record of records(data)) {
    if (observation.version !== 'TLSv1.3') {
      if (record.type === CONTENT_CCS) {
        if (retried && observation.version === undefined) continue; // TLS 1.3 compatibility record after a HelloRetryRequest
        tls12Encrypted = true; // TLS 1.2: encrypted from here on
        continue;
      }
      if (tls12Encrypted) {
        // The first handshake record is the server's Finished; any later one is a renegotiation.
        if (record.type === CONTENT_HANDSHAKE && ++tls12HandshakeRecordsAfterCcs > 1) {
          observation.renegotiated = true;
          break;
        }
        continue;
      }
      if (record.type === CONTENT_ALERT) break;
      if (record.type !== CONTENT_HANDSHAKE) break;
      for (const message of plain.push(record.payload)) onMessage(message.type, message.body);
      continue;
    }
    if (record.type === CONTENT_CCS) continue; // middlebox-compatibility record
    if (record.type !== CONTENT_APPLICATION || !encrypted) break;
    if (!finished) {
      if (!handshakeKeys) break; // no secret: unknown
      const inner = openRecord(handshakeKeys, record);
      if (inner.type !== CONTENT_HANDSHAKE) break;
      for (const message of encrypted.push(inner.content)) onMessage(message.type, message.body);
      continue;
    }
    // After the server's Finished: its application traffic (alerts, tickets, post-handshake auth).
    if (!applicationKeys) {
      const secret = secrets.SERVER_TRAFFIC_SECRET_0;
      if (!secret || !observation.suite) break;
      applicationKeys = cipherState(observation.suite, secret);
      encrypted = new HandshakeReader();
    }
    if (++applicationRecords > MAX_APPLICATION_RECORDS) break;
    const inner = openRecord(applicationKeys, record);
    if (inner.type === CONTENT_ALERT) {
      const description = inner.content[1];
      if (description !== undefined && description !== 0) observation.postHandshakeAlert = description;
      break;
    }
    if (inner.type === CONTENT_HANDSHAKE) {
      for (const message of encrypted.push(inner.content)) onMessage(message.type, message.body);
      continue;
    }
    break; // application data: the answer came, nothing more to learn
  }
  return observation;
}

/** The client's Certificate message, from our own bytes (plaintext in TLS 1.2, decrypted in 1.3). */
function analyseClientFlight(data: Buffer, secrets: Secrets, observation: HandshakeObservation & { suite?: Tls13Suite }): void {
  const plain = new HandshakeReader();
  let keys: CipherState | undefined;
  let encrypted: HandshakeReader | undefined;
  let tls12Encrypted = false;
  let tls12HandshakeRecordsAfterCcs = 0;
  const certificateCount = (body: Buffer, tls13: boolean): number => {
    let offset = tls13 ? 1 + (body[0] ?? 0) : 0;
    const end = offset + 3 + body.readUIntBE(offset, 3);
    offset += 3;
    let count = 0;
    while (offset + 3 <= end) {
      offset += 3 + body.readUIntBE(offset, 3);
      if (tls13) offset += 2 + body.readUInt16BE(offset); // per-certificate extensions
      count++;
    }
    return count;
  };
  for (const record of records(data)) {
    if (observation.version === 'TLSv1.3') {
      if (record.type === CONTENT_CCS) continue;
      if (record.type === CONTENT_HANDSHAKE) continue; // ClientHello (twice after a HelloRetryRequest)
      if (record.type !== CONTENT_APPLICATION) return;
      if (!keys) {
        const secret = secrets.CLIENT_HANDSHAKE_TRAFFIC_SECRET;
        if (!secret || !observation.suite) return;
        keys = cipherState(observation.suite, secret);
        encrypted = new HandshakeReader();
      }
      const inner = openRecord(keys, record);
      if (inner.type !== CONTENT_HANDSHAKE || !encrypted) return;
      for (const message of encrypted.push(inner.content)) {
        if (message.type === HS_CERTIFICATE) {
          observation.clientCertificatesSent = certificateCount(message.body, true);
          return;
        }
        if (message.type === HS_FINISHED) return; // the client's flight ended without a Certificate
      }
      continue;
    }
    if (record.type === CONTENT_CCS) {
      tls12Encrypted = true;
      continue;
    }
    if (tls12Encrypted) {
      if (record.type === CONTENT_HANDSHAKE && ++tls12HandshakeRecordsAfterCcs > 1) observation.renegotiated = true;
      continue;
    }
    if (record.type !== CONTENT_HANDSHAKE) return;
    for (const message of plain.push(record.payload)) {
      if (message.type === HS_CERTIFICATE) observation.clientCertificatesSent = certificateCount(message.body, false);
    }
  }
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context; `length` ≤ one hash block. */
function expandLabel(hash: 'sha256' | 'sha384', secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([0]),
  ]);
  return createHmac(hash, secret).update(info).update(Buffer.from([1])).digest().subarray(0, length);
}

function decryptRecord(state: CipherState, sequence: bigint, record: TlsRecord): Buffer {
  const nonce = Buffer.from(state.iv);
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(sequence);
  for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] ?? 0) ^ (seq[i] ?? 0);
  const ciphertext = record.payload.subarray(0, record.payload.length - 16);
  const tag = record.payload.subarray(record.payload.length - 16);
  // The same call in both branches: TypeScript picks createDecipheriv's overload (GCM or
  // ChaCha20-Poly1305) from the narrowed cipher name.
  const decipher =
    state.suite.cipher === 'chacha20-poly1305'
      ? createDecipheriv(state.suite.cipher, state.key, nonce, { authTagLength: 16 })
      : createDecipheriv(state.suite.cipher, state.key, nonce, { authTagLength: 16 });
  decipher.setAAD(record.header, { plaintextLength: ciphertext.length });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

