// One mTLS attempt: DNS, TCP, optional CONNECT tunnel, TLS handshake presenting the client
// certificate, one HTTP/1.1 request. Returns plain data; never prints, never throws for network
// problems (only for misuse: a non-https URL, a certificate without a key).
//
// Everything is done on fresh sockets we own (no agent, no keep-alive), so every phase emits
// its events and is timed. The deadline is ours (Node has no handshake timeout).
import { readFileSync } from 'node:fs';
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
// Named imports: a default import of a built-in is bundled as __toESM(require()), which copies every export.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import {
  checkServerIdentity,
  connect as tlsConnect,
  createSecureContext,
  rootCertificates,
  type DetailedPeerCertificate,
  type PeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { performance } from 'node:perf_hooks';
import { alertName } from './alerts.js';
import { clientChainFacts, issuerListed, signatureFits, signatureSchemeName, keyKind, type ClientChainFacts } from './client-fit.js';
import { abortedFailure, classifyError, judgeAnswer, timeoutFailure, type DiagnosisContext, type WireFacts } from './diagnose.js';
import { HandshakeRecorder, type HandshakeObservation } from './handshake.js';
import { hostOf, openTunnel, redactProxy, redactUrl } from './proxy.js';
import type { ChainCertificate, LookupFunction, ProbeAddress, ProbeFailure, ProbeOptions, ProbePhase, ProbeResult } from './types.js';

export { proxyFor, redactUrl, ProxySettingError } from './proxy.js';

const BODY_LIMIT = 4096;

/** The attempt's own deadline or the caller's signal fired. */
class Interrupt extends Error {
  constructor(readonly kind: 'timeout' | 'aborted') {
    super(kind);
  }
}

// node:dns loads on first use (~1 ms): an IP address needs no lookup. Every address, in the
// resolver's order (IPv6 and IPv4), as curl and Node's autoSelectFamily try them.
const defaultLookup: LookupFunction = async (hostname) => {
  const { lookup } = await import('node:dns/promises');
  return lookup(hostname, { all: true });
};

/** How long a reset or EPIPE waits for the TLS alert that may explain it. */
const CLOSE_GRACE_MS = 30;
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** While more addresses remain, how long one may take to accept before the next is tried. */
const ADDRESS_ATTEMPT_MS = 1000;

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function isoDate(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** The server chain from the one `getPeerCertificate(true)` read, leaf first, without the root's self-loop. */
function chainFrom(peer: DetailedPeerCertificate | undefined): ChainCertificate[] {
  const chain: ChainCertificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    try {
      const x = new X509Certificate(current.raw);
      chain.push({
        subject: oneLineName(x.subject),
        issuer: oneLineName(x.issuer),
        notBefore: isoDate(x.validFrom),
        notAfter: isoDate(x.validTo),
        fingerprintSha256: x.fingerprint256,
      });
    } catch {
      break;
    }
    current = current.issuerCertificate;
  }
  return chain;
}

function altNames(peer: PeerCertificate | undefined): string[] {
  return (peer?.subjectaltname ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
}

interface ClientCredentials {
  cert: string;
  key: string;
  facts: ClientChainFacts | undefined;
  keyObject: KeyObject;
  passphrase?: string;
  chainLength: number;
  leafSelfIssued: boolean;
}

/** Load and pair-check the client certificate and key; throws Node's errors, or KEY_MISMATCH. */
function loadCredentials(options: ProbeOptions): ClientCredentials | undefined {
  if (options.cert === undefined && options.key === undefined) return undefined;
  if (options.cert === undefined || options.key === undefined) {
    throw new TypeError('probe: cert and key go together');
  }
  const privateKey =
    typeof options.key === 'string'
      ? createPrivateKey({ key: options.key, passphrase: options.passphrase })
      : options.key;
  if (privateKey.type !== 'private') throw new TypeError('probe: key must be a private key');
  const leaf = new X509Certificate(options.cert);
  // Different key types don't make OpenSSL fail: it silently sends no certificate. Check first.
  if (!leaf.checkPrivateKey(privateKey)) {
    throw Object.assign(new Error('the private key does not match the certificate'), { code: 'KEY_MISMATCH' });
  }
  return {
    cert: options.cert,
    // tls.connect takes no KeyObject in Node 20: PEM text, as given when it needs no passphrase.
    key:
      typeof options.key === 'string' && options.passphrase === undefined
        ? options.key
        : privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    facts: clientChainFacts(options.cert, privateKey),
    keyObject: privateKey,
    chainLength: (options.cert.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length,
    leafSelfIssued: leaf.subject === leaf.issuer,
  };
}

/**
 * The TLS context: the client certificate and key, and the default roots plus `extraCa`.
 * `ca: [...tls.rootCertificates, ...extraCa]` would re-parse ~145 PEM roots on every
 * connection (~50 ms measured, inside the handshake timing); adding to a copy of Node's
 * root store costs ~3 ms and also keeps NODE_EXTRA_CA_CERTS and --use-openssl-ca roots.
 * `addCACert` on the native context is what `createSecureContext({ ca })` calls; should it
 * be missing, the full list is the fallback.
 */
const contexts = new Map<string, SecureContext>();

/**
 * One context per credentials and roots for the whole process: building one costs up to
 * tens of ms (roots added one by one), and `--count N` would pay it in every handshake.
 * Client contexts keep no session cache in Node, so every attempt still does a full
 * handshake. Keyed by a digest: the key itself is no map key.
 */
function secureContextFor(credentials: ClientCredentials | undefined, extraCa: string[] | undefined): SecureContext {
  const id = createHash('sha256')
    .update(JSON.stringify([credentials?.cert ?? '', credentials?.key ?? '', extraCa ?? []]))
    .digest('base64');
  let context = contexts.get(id);
  if (!context) contexts.set(id, (context = buildSecureContext(credentials, extraCa)));
  return context;
}

function buildSecureContext(credentials: ClientCredentials | undefined, extraCa: string[] | undefined): SecureContext {
  const base = { cert: credentials?.cert, key: credentials?.key };
  if (!extraCa || extraCa.length === 0) return createSecureContext(base);
  // The context's own store starts from the bundled roots only: the roots the process
  // was given with NODE_EXTRA_CA_CERTS are added back, as Node's default context has them.
  const roots = [...processExtraCa(), ...extraCa];
  const context = createSecureContext(base);
  const native = (context as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return createSecureContext({ ...base, ca: [...rootCertificates, ...roots] });
  for (const pem of roots) native.addCACert(pem);
  return context;
}

let extraCaOfProcess: string[] | undefined;

/** The base64 of a PEM block, without its armor and line breaks. */
function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----|\s+/g, '');
}

/** The certificates of NODE_EXTRA_CA_CERTS, which Node read at startup (unreadable: none, as Node does). */
function processExtraCa(): string[] {
  if (extraCaOfProcess) return extraCaOfProcess;
  const file = process.env.NODE_EXTRA_CA_CERTS;
  let text = '';
  try {
    text = file ? readFileSync(file, 'utf8') : '';
  } catch {
    // Node warns about it once at startup and goes on without them.
  }
  // A system bundle there (Debian's ca-certificates.crt) mostly repeats Node's own roots, which
  // the context already holds: only the others are added (each addCACert costs ~0.3 ms).
  const bundled = new Set(rootCertificates.map(pemBody));
  extraCaOfProcess = (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).filter((pem) => !bundled.has(pemBody(pem)));
  return extraCaOfProcess;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => resolve(Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= BODY_LIMIT) done();
    });
    response.once('end', done);
    response.once('close', done);
    response.once('error', done);
  });
}

/**
 * One attempt against `options.url`. Resolves with a ProbeResult whether the attempt worked or
 * not; `ok` is true only when the contract of the README's ping section holds: handshake
 * completed and the server verified (or `insecure`), a CertificateRequest seen, our non-empty
 * Certificate message read from the wire, no alert, and an HTTP answer that is no rejection.
 *
 * The server is verified after the handshake (Node verifies there too), so the client
 * certificate has been sent by then; it is sent once per attempt: the extra roots (`ca`) are
 * trusted beside the default ones in the same context, not tried in a second connection.
 */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  const { url } = options;
  if (url.protocol !== 'https:') throw new TypeError(`probe: expected an https: URL, got ${url.protocol}`);
  // The clock starts once the local work is done (see timings.setup).
  const begin = performance.now();
  let start = begin;
  const elapsed = (): number => round(performance.now() - start);
  const host = hostOf(url);
  const port = url.port ? Number(url.port) : 443;
  const proxy = options.proxy;
  const checkName = options.servername ?? host;
  const sni = options.servername && isIP(options.servername) === 0 ? options.servername : isIP(host) === 0 ? host : undefined;
  const result: ProbeResult = {
    ok: false,
    url: redactUrl(url),
    ...(proxy ? { proxy: redactProxy(proxy) } : {}),
    timings: { total: 0 },
    serverChain: [],
    clientCertificateRequested: null,
    clientCertificatePresented: options.cert !== undefined && options.key !== undefined,
    clientCertificateSent: null,
    clientIssuerListed: null,
    wireVerified: false,
  };

  let phase: ProbePhase = 'dns';
  const enter = (next: ProbePhase): void => {
    phase = next;
    options.onPhase?.(next);
  };

  // Deadline and cancellation: the first of them rejects `interrupted`; every step races
  // against it.
  let interrupt: (reason: Interrupt) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = reject;
  });
  interrupted.catch(() => undefined);
  const timer = setTimeout(() => interrupt(new Interrupt('timeout')), options.timeoutMs);
  const onCallerAbort = (): void => interrupt(new Interrupt('aborted'));
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) onCallerAbort();

  // The first error (or unexpected close) from any layer of the connection.
  let settled = false;
  let fail: (err: unknown) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => {
    // A reset or broken pipe may race the TLS alert that explains it (a TLS 1.3 server
    // refusing the certificate): give the alert a moment to surface and win.
    let pendingClose: ReturnType<typeof setTimeout> | undefined;
    fail = (err) => {
      if (settled) return;
      const code = String((err as { code?: unknown } | null)?.code ?? '');
      if (CLOSED_CODES.has(code) && !hasAlert(err)) {
        pendingClose ??= setTimeout(() => reject(err), CLOSE_GRACE_MS);
        return;
      }
      clearTimeout(pendingClose);
      reject(err);
    };
  });
  broken.catch(() => undefined);
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, interrupted, broken]);

  const disposables: Array<{ destroy(): unknown }> = [];
  const recorder = new HandshakeRecorder();
  let credentials: ClientCredentials | undefined;
  let secureContext: SecureContext;
  let handshakeDone = false;
  let observationApplied = false;
  let serverCertificate: DiagnosisContext['serverCertificate'];

  try {
    try {
      credentials = loadCredentials(options);
      secureContext = secureContextFor(credentials, options.ca);
    } catch (err) {
      // OpenSSL could not read the certificate or key (a user problem); anything else is misuse.
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && (code.startsWith('ERR_OSSL_') || code === 'KEY_MISMATCH')) {
        result.failure = classifyError(err, { phase: 'tls', host, port });
        return result;
      }
      throw err;
    }

    if (proxy && proxy.protocol !== 'http:') {
      result.failure = {
        phase: 'proxy',
        code: 'ERR_PROXY_PROTOCOL',
        message: `unsupported proxy scheme ${proxy.protocol} in ${redactProxy(proxy)}`,
        hint: 'use an http:// proxy URL in HTTPS_PROXY (the tunnel still carries TLS end to end)',
      };
      return result;
    }
    start = performance.now();
    result.timings.setup = round(start - begin);
    const connectHost = proxy ? hostOf(proxy) : host;
    const connectPort = proxy ? (proxy.port ? Number(proxy.port) : 80) : port;

    // DNS
    let candidates: Array<{ address: string; family: number }> = [{ address: connectHost, family: isIP(connectHost) }];
    if (candidates[0]?.family === 0) {
      enter('dns');
      const found = await step((options.lookup ?? defaultLookup)(connectHost));
      candidates = (Array.isArray(found) ? found : [found]).filter((entry) => entry.family === 4 || entry.family === 6);
      if (candidates.length === 0) throw Object.assign(new Error(`no address for ${connectHost}`), { code: 'ENOTFOUND', hostname: connectHost });
      result.timings.dns = elapsed();
    }

    // TCP: every address in turn; the first that accepts is used (and reported).
    enter('connect');
    const { socket, address } = await step(connectFirst(candidates, connectPort, result, disposables));
    socket.on('error', (err) => fail(err));
    result.timings.connect = elapsed();
    result.address = { host: connectHost, ip: address.address, port: connectPort, family: address.family === 6 ? 6 : 4 };

    // CONNECT tunnel
    let stream = socket;
    if (proxy) {
      enter('proxy');
      stream = await step(openTunnel(socket, proxy, host, port));
      result.timings.proxy = elapsed();
    }

    // TLS. The server certificate is verified by us after the handshake, like Node does
    // internally, so that we keep its chain and can name it in the diagnosis.
    enter('tls');
    const tapped = recorder.tap(stream);
    disposables.push(tapped);
    tapped.on('error', (err) => fail(err));
    let peer: DetailedPeerCertificate | undefined;
    const tlsSocket = tlsConnect({
      socket: tapped,
      host,
      port,
      servername: sni,
      secureContext,
      rejectUnauthorized: false,
      // As curl: HTTP/2 when the server wants it (an h2-only server refuses http/1.1 alone).
      ALPNProtocols: ['h2', 'http/1.1'],
      checkServerIdentity: (_name, cert) => {
        peer = cert as DetailedPeerCertificate;
        return undefined;
      },
    });
    disposables.push(tlsSocket);
    tlsSocket.on('keylog', (line) => recorder.keylog(line));
    tlsSocket.on('error', (err) => fail(err));
    tlsSocket.on('close', () => {
      // Let an 'error' emitted with the close win; a silent close is a reset without a reason.
      setImmediate(() => fail(Object.assign(new Error('the server closed the connection'), { code: 'ECONNRESET' })));
    });
    // On secureConnect, in the same turn of the event loop: verify the server, then write the
    // request at once. A TLS 1.3 server that refuses the certificate sends its alert right
    // after our Finished; a request written late meets a reset socket (EPIPE) instead.
    const secured = new Promise<{ answer: Answer; verifyError?: Error }>((resolve) =>
      tlsSocket.once('secureConnect', () => {
        handshakeDone = true;
        result.timings.tls = elapsed();
        peer ??= tlsSocket.getPeerCertificate(true);
        const authorizationError = tlsSocket.authorizationError as unknown;
        const verifyError: Error | undefined = authorizationError
          ? Object.assign(new Error(`server certificate: ${String(authorizationError)}`), { code: String(authorizationError) })
          : checkServerIdentity(checkName, peer);
        if (verifyError && !options.insecure) {
          resolve({ answer: { head: new Promise(() => undefined), body: Promise.resolve('') }, verifyError });
          return;
        }
        enter('http');
        // `--servername` names the virtual host too, as curl --resolve does: Host follows it.
        const authority = options.servername ? `${options.servername}${url.port ? `:${url.port}` : ''}` : url.host;
        const answer = tlsSocket.alpnProtocol === 'h2' ? requestHttp2(tlsSocket, options, url, authority, disposables, fail) : requestHttp1(tlsSocket, options, url, authority, disposables, fail);
        resolve({ answer, ...(verifyError ? { verifyError } : {}) });
      }),
    );
    const { answer, verifyError } = await step(secured);
    const cipher = tlsSocket.getCipher();
    const alpn = tlsSocket.alpnProtocol || undefined;
    result.tls = {
      version: tlsSocket.getProtocol() ?? 'unknown',
      cipher: cipher.standardName ?? cipher.name,
      ...(alpn ? { alpn } : {}),
    };
    result.serverChain = chainFrom(peer);
    const leaf = result.serverChain[0];
    if (leaf) serverCertificate = { subject: leaf.subject, issuer: leaf.issuer, names: altNames(peer) };
    if (verifyError) {
      if (!options.insecure) throw verifyError;
      result.serverCertificateError = (verifyError as { code?: string }).code ?? verifyError.message;
    }

    const response = await step(answer.head);
    result.timings.firstByte = elapsed();
    result.httpStatus = response.status;
    if (response.headers.location) result.httpLocation = response.headers.location;
    const body = await step(answer.body);
    result.bodySnippet = body;
    settled = true;
    const observed = recorder.observe();
    applyObservation(result, observed, credentials);
    observationApplied = true;
    const verdict = judgeAnswer(result.httpStatus, body, wireFacts(result, observed, credentials, options));
    if (verdict.failure) result.failure = verdict.failure;
    else result.ok = true;
    if (verdict.warning) result.warning = verdict.warning;
  } catch (err) {
    settled = true;
    if (isMisuse(err)) throw err;
    result.failure = diagnose(err);
  } finally {
    settled = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    for (const item of disposables.reverse()) item.destroy();
    if (!observationApplied) applyObservation(result, recorder.observe(), credentials);
    result.timings.total = elapsed();
    result.timings.wireAnalysis = Math.round(recorder.analysisMs * 100) / 100;
  }
  return result;

  function diagnose(err: unknown): ProbeFailure {
    if (err instanceof Interrupt) {
      return err.kind === 'timeout' ? timeoutFailure(phase, options.timeoutMs) : abortedFailure(phase);
    }
    const observed = recorder.observe();
    // A TLS 1.3 alert read from the wire wins over the socket error that raced it.
    const wireAlert = observed.postHandshakeAlert;
    const error =
      wireAlert !== undefined && !hasAlert(err)
        ? Object.assign(new Error(`the server sent TLS alert ${wireAlert} (SSL alert number ${wireAlert})`), { code: `ERR_TLS_ALERT_${alertName(wireAlert).toUpperCase()}` })
        : err;
    return classifyError(error, {
      phase,
      host,
      port,
      ...(options.servername ? { servername: options.servername } : {}),
      handshakeDone,
      serverHelloSeen: observed.version !== undefined,
      tlsVersion: result.tls?.version ?? observed.version,
      clientCertificateRequested: observed.renegotiated && observed.requested === false ? null : observed.requested,
      ...(observed.renegotiated ? { renegotiated: true } : {}),
      clientCertificatePresented: result.clientCertificatePresented,
      clientCertificateSent: sentFrom(observed),
      clientChainLength: credentials?.chainLength,
      clientLeafSelfIssued: credentials?.leafSelfIssued,
      serverCertificate,
      ...chainTop(result.serverChain),
      ...(options.ca?.length ? { caSubjects: caSubjects(options.ca) } : {}),
      notSentCause: credentials ? notSentCause(observed, credentials) : undefined,
      proxy: result.proxy,
      proxyCredentials: Boolean(proxy?.username || proxy?.password),
    });
  }
}

/** The issuer the server's chain stops at, when its last certificate is not self-issued. */
function chainTop(chain: ChainCertificate[]): { serverChainTopIssuer?: string } {
  const last = chain[chain.length - 1];
  return last && last.subject !== last.issuer ? { serverChainTopIssuer: last.issuer } : {};
}

function caSubjects(ca: string[]): string[] {
  return ca.flatMap((pem) => {
    try {
      return [oneLineName(new X509Certificate(pem).subject)];
    } catch {
      return [];
    }
  });
}

function hasAlert(err: unknown): boolean {
  const text = `${(err as { code?: unknown })?.code ?? ''} ${(err as { message?: unknown })?.message ?? ''}`;
  return /ALERT|alert/.test(text);
}

/** Try each address until one accepts; the failures are kept in `result.addressesTried`. */
async function connectFirst(
  candidates: Array<{ address: string; family: number }>,
  port: number,
  result: ProbeResult,
  disposables: Array<{ destroy(): unknown }>,
): Promise<{ socket: Socket; address: { address: string; family: number } }> {
  let lastError: unknown;
  for (const [index, candidate] of candidates.entries()) {
    const last = index === candidates.length - 1;
    // No Nagle: the TLS records and the request go out at once (curl sets TCP_NODELAY too); with it,
    // a small write waiting for the delayed ACK added up to 40 ms on loopback.
    const socket = netConnect({ host: candidate.address, port, noDelay: true });
    // Owned by the attempt from the start: a deadline or Ctrl-C while connecting destroys it.
    disposables.push(socket);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = last ? undefined : setTimeout(() => reject(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT', syscall: 'connect' })), ADDRESS_ATTEMPT_MS);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      return { socket, address: candidate };
    } catch (err) {
      socket.destroy();
      lastError = err;
      if (candidates.length > 1) {
        (result.addressesTried ??= []).push({ ip: candidate.address, family: candidate.family === 6 ? 6 : 4, code: String((err as { code?: unknown }).code ?? 'ERROR') });
      }
    }
  }
  throw lastError;
}

interface Answer {
  head: Promise<{ status: number; headers: Record<string, string | undefined> }>;
  body: Promise<string>;
}

function requestHeaders(options: ProbeOptions): Record<string, string> {
  return { 'user-agent': 'aitoss-ping', accept: '*/*', ...options.headers };
}

function requestHttp1(tlsSocket: TLSSocket, options: ProbeOptions, url: URL, authority: string, disposables: Array<{ destroy(): unknown }>, fail: (err: unknown) => void): Answer {
  const request = httpRequest({
    method: options.method ?? 'GET',
    path: `${url.pathname}${url.search}`,
    setHost: false,
    headers: { host: authority, connection: 'close', ...requestHeaders(options) },
    createConnection: () => tlsSocket,
  });
  disposables.push(request);
  request.on('error', (err) => fail(err));
  request.end();
  let body: Promise<string> = Promise.resolve('');
  const head = new Promise<{ status: number; headers: Record<string, string | undefined> }>((resolve) =>
    request.once('response', (response: IncomingMessage) => {
      body = readBody(response);
      resolve({ status: response.statusCode ?? 0, headers: { location: headerText(response.headers.location) } });
    }),
  );
  return { head, body: head.then(() => body) };
}

function requestHttp2(tlsSocket: TLSSocket, options: ProbeOptions, url: URL, authority: string, disposables: Array<{ destroy(): unknown }>, fail: (err: unknown) => void): Answer {
  let body: Promise<string> = Promise.resolve('');
  const head = (async () => {
    const { connect } = await import('node:http2');
    const session = connect(`https://${authority}`, { createConnection: () => tlsSocket });
    disposables.push(session);
    session.on('error', (err) => fail(err));
    const stream = session.request({
      ':method': options.method ?? 'GET',
      ':path': `${url.pathname}${url.search}`,
      ':authority': authority,
      ...requestHeaders(options),
    });
    stream.on('error', (err) => fail(err));
    stream.end();
    return new Promise<{ status: number; headers: Record<string, string | undefined> }>((resolve) =>
      stream.once('response', (responseHeaders) => {
        body = readBody(stream as unknown as IncomingMessage);
        resolve({ status: Number(responseHeaders[':status'] ?? 0), headers: { location: headerText(responseHeaders.location) } });
      }),
    );
  })();
  return { head, body: head.then(() => body) };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sentFrom(observed: HandshakeObservation): boolean | null {
  if (observed.clientCertificatesSent !== undefined) return observed.clientCertificatesSent > 0;
  if (observed.requested === false && !observed.renegotiated) return false;
  return null;
}

/** Why OpenSSL sent an empty Certificate message, from the server's CertificateRequest. */
function notSentCause(observed: HandshakeObservation, credentials: ClientCredentials): ProbeResult['clientCertificateNotSentCause'] {
  if (observed.clientCertificatesSent !== 0 || !credentials.facts) return undefined;
  const accepted = [...(observed.signatureAlgorithms ?? [])];
  const fits = signatureFits(credentials.facts, accepted, observed.version);
  if (fits === false) {
    return { code: 'signature-algorithms', keyType: keyKind(credentials.keyObject), accepted: accepted.map(signatureSchemeName) };
  }
  const certFits = signatureFits(credentials.facts, observed.certificateSignatureAlgorithms, observed.version);
  const listed = issuerListed(credentials.facts, observed.acceptableCAsDer);
  if (listed === false) return { code: 'certificate-authorities', keyType: keyKind(credentials.keyObject), accepted: observed.acceptableCAs ?? [] };
  if (certFits === false) {
    return { code: 'signature-algorithms', keyType: keyKind(credentials.keyObject), accepted: (observed.certificateSignatureAlgorithms ?? []).map(signatureSchemeName) };
  }
  return { code: 'unknown', keyType: keyKind(credentials.keyObject), accepted: [] };
}

function wireFacts(result: ProbeResult, observed: HandshakeObservation, credentials: ClientCredentials | undefined, options: ProbeOptions): WireFacts {
  return {
    tlsVersion: result.tls?.version,
    requested: result.clientCertificateRequested,
    configured: result.clientCertificatePresented,
    sent: result.clientCertificateSent,
    issuerListed: result.clientIssuerListed,
    renegotiated: observed.renegotiated === true,
    postHandshakeCertificateRequest: observed.postHandshakeCertificateRequest === true,
    notSentCause: result.clientCertificateNotSentCause,
    forced: options.forced === true,
    clientChainLength: credentials?.chainLength,
    clientLeafSelfIssued: credentials?.leafSelfIssued,
    servername: options.servername,
    host: hostOf(options.url),
    ...(credentials?.facts ? { clientIssuer: credentials.facts.issuer } : {}),
    ...(result.acceptableClientCAs ? { acceptableCAs: result.acceptableClientCAs } : {}),
  };
}

/** Errors that are the caller's bug, not a network outcome: they propagate. */
function isMisuse(err: unknown): boolean {
  if (err instanceof TypeError && /^probe: /.test(err.message)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE';
}

/** What the handshake bytes showed, or failing that, what the server's verdict implies. */
function applyObservation(result: ProbeResult, observed: HandshakeObservation, credentials: ClientCredentials | undefined): void {
  if (observed.acceptableCAs) result.acceptableClientCAs = observed.acceptableCAs;
  if (observed.signatureAlgorithms) result.clientSignatureAlgorithms = observed.signatureAlgorithms.map(signatureSchemeName);
  if (observed.helloRetry) result.helloRetry = true;
  result.clientCertificateRequested = observed.renegotiated && observed.requested === false ? null : observed.requested;
  result.clientCertificateSent = sentFrom(observed);
  result.clientIssuerListed = credentials?.facts ? issuerListed(credentials.facts, observed.acceptableCAsDer) : null;
  if (credentials) {
    const cause = notSentCause(observed, credentials);
    if (cause) result.clientCertificateNotSentCause = cause;
  }
  const unverified: string[] = [];
  if (observed.renegotiated) unverified.push('renegotiation');
  if (result.clientCertificateRequested === null) unverified.push('certificate-request');
  if (result.clientCertificatePresented && result.clientCertificateSent === null) unverified.push('client-certificate');
  result.wireVerified = unverified.length === 0;
  if (unverified.length > 0) result.notVerifiedOnWire = unverified;
  // A server that answers with a client-certificate alert evaluated (so requested) a certificate.
  if (result.clientCertificateRequested === null && result.failure?.phase === 'client-certificate' && result.failure.alert) {
    result.clientCertificateRequested = true;
  }
}
