// One mTLS attempt: DNS, TCP, optional CONNECT tunnel, TLS handshake presenting the client
// certificate, one HTTP/1.1 request. Returns plain data; never prints, never throws for network
// problems (only for misuse: a non-https URL, a certificate without a key).
//
// Everything is done on fresh sockets we own (no agent, no keep-alive), so every phase emits
// its events and is timed. The deadline is ours (Node has no handshake timeout).
import { readFileSync } from 'node:fs';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
// Named imports: a default import of a built-in is bundled as __toESM(require()), which copies every export.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP } from 'node:net';
import {
  checkServerIdentity,
  connect as tlsConnect,
  createSecureContext,
  rootCertificates,
  type DetailedPeerCertificate,
  type PeerCertificate,
  type SecureContext,
} from 'node:tls';
import { performance } from 'node:perf_hooks';
import { abortedFailure, classifyError, classifyHttpResponse, timeoutFailure, type DiagnosisContext } from './diagnose.js';
import { HandshakeRecorder, type HandshakeObservation } from './handshake.js';
import { hostOf, openTunnel, redactProxy } from './proxy.js';
import type { ChainCertificate, LookupFunction, ProbeFailure, ProbeOptions, ProbePhase, ProbeResult } from './types.js';

export { proxyFor } from './proxy.js';

const BODY_LIMIT = 4096;

/** The attempt's own deadline or the caller's signal fired. */
class Interrupt extends Error {
  constructor(readonly kind: 'timeout' | 'aborted') {
    super(kind);
  }
}

// node:dns loads on first use (~1 ms): an IP address needs no lookup.
const defaultLookup: LookupFunction = async (hostname) => {
  const { lookup } = await import('node:dns/promises');
  const found = await lookup(hostname);
  return { address: found.address, family: found.family };
};

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
function secureContextFor(credentials: ClientCredentials | undefined, extraCa: string[] | undefined, defaultRoots: boolean): SecureContext {
  const id = createHash('sha256')
    .update(JSON.stringify([credentials?.cert ?? '', credentials?.key ?? '', extraCa ?? [], defaultRoots]))
    .digest('base64');
  let context = contexts.get(id);
  if (!context) contexts.set(id, (context = buildSecureContext(credentials, extraCa, defaultRoots)));
  return context;
}

function buildSecureContext(credentials: ClientCredentials | undefined, extraCa: string[] | undefined, defaultRoots: boolean): SecureContext {
  const base = { cert: credentials?.cert, key: credentials?.key };
  if (!extraCa || extraCa.length === 0) return createSecureContext(base);
  if (!defaultRoots) return createSecureContext({ ...base, ca: extraCa });
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
  extraCaOfProcess = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
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
 * not; `ok` is true only when the handshake completed and an HTTP response arrived that does
 * not reject the client certificate.
 */
/** Verification failures that mean "not under these roots" (the default roots may know it). */
const UNKNOWN_ISSUER_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/**
 * One attempt. With extra roots (`--ca`), the server is first verified against them
 * alone: a context with the default roots plus extra ones must copy every root into its
 * own store, and where NODE_EXTRA_CA_CERTS names a system bundle (as on CI machines and
 * behind corporate proxies) that is ~145 certificates, ~40 ms measured. A private CA or an
 * inspecting proxy, what `--ca` is for, needs none of them. A server that chains to
 * neither is tried again with both, within what is left of the deadline; the failed
 * verification aborts the handshake before the client certificate is sent.
 */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  if (!options.ca || options.ca.length === 0 || options.insecure) return probeOnce(options, true);
  const started = performance.now();
  const first = await probeOnce(options, false);
  if (first.failure?.phase !== 'server-certificate' || !UNKNOWN_ISSUER_CODES.has(first.failure.code)) return first;
  const remaining = Math.max(1, options.timeoutMs - (performance.now() - started));
  return probeOnce({ ...options, timeoutMs: remaining }, true);
}

async function probeOnce(options: ProbeOptions, defaultRoots: boolean): Promise<ProbeResult> {
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
    url: url.href,
    ...(proxy ? { proxy: redactProxy(proxy) } : {}),
    timings: { total: 0 },
    serverChain: [],
    clientCertificateRequested: null,
    clientCertificatePresented: options.cert !== undefined && options.key !== undefined,
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
    fail = (err) => {
      if (!settled) reject(err);
    };
  });
  broken.catch(() => undefined);
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, interrupted, broken]);

  const disposables: Array<{ destroy(): unknown }> = [];
  const recorder = new HandshakeRecorder();
  let credentials: ClientCredentials | undefined;
  let secureContext: SecureContext;
  let handshakeDone = false;
  let serverCertificate: DiagnosisContext['serverCertificate'];

  try {
    try {
      credentials = loadCredentials(options);
      secureContext = secureContextFor(credentials, options.ca, defaultRoots);
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
    let address = connectHost;
    let family = isIP(connectHost);
    if (family === 0) {
      enter('dns');
      const found = await step((options.lookup ?? defaultLookup)(connectHost));
      address = found.address;
      family = found.family;
      result.timings.dns = elapsed();
    }

    // TCP
    enter('connect');
    // No Nagle: the TLS records and the request go out at once (curl sets TCP_NODELAY too); with it,
    // a small write waiting for the delayed ACK added up to 40 ms on loopback.
    const socket = netConnect({ host: address, port: connectPort, noDelay: true });
    disposables.push(socket);
    socket.on('error', (err) => fail(err));
    await step(new Promise<void>((resolve) => socket.once('connect', () => resolve())));
    result.timings.connect = elapsed();
    result.address = { host: connectHost, ip: address, port: connectPort, family: family === 6 ? 6 : 4 };

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
      ALPNProtocols: ['http/1.1'],
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
    await step(new Promise<void>((resolve) => tlsSocket.once('secureConnect', () => resolve())));
    handshakeDone = true;
    result.timings.tls = elapsed();
    const cipher = tlsSocket.getCipher();
    result.tls = {
      version: tlsSocket.getProtocol() ?? 'unknown',
      cipher: cipher.standardName ?? cipher.name,
      ...(tlsSocket.alpnProtocol ? { alpn: tlsSocket.alpnProtocol } : {}),
    };
    peer ??= tlsSocket.getPeerCertificate(true);
    result.serverChain = chainFrom(peer);
    const leaf = result.serverChain[0];
    if (leaf) serverCertificate = { subject: leaf.subject, issuer: leaf.issuer, names: altNames(peer) };
    const authorizationError = tlsSocket.authorizationError as unknown;
    const verifyError: Error | undefined = authorizationError
      ? Object.assign(new Error(`server certificate: ${String(authorizationError)}`), { code: String(authorizationError) })
      : checkServerIdentity(checkName, peer);
    if (verifyError) {
      if (!options.insecure) throw verifyError;
      result.serverCertificateError = (verifyError as { code?: string }).code ?? verifyError.message;
    }

    // HTTP
    enter('http');
    const request = httpRequest({
      method: options.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      setHost: false,
      headers: {
        host: url.host,
        'user-agent': 'aitoss-ping',
        accept: '*/*',
        connection: 'close',
        ...options.headers,
      },
      createConnection: () => tlsSocket,
    });
    disposables.push(request);
    request.on('error', (err) => fail(err));
    request.end();
    const response = await step(new Promise<IncomingMessage>((resolve) => request.once('response', resolve)));
    result.timings.firstByte = elapsed();
    result.httpStatus = response.statusCode ?? 0;
    const body = await step(readBody(response));
    result.bodySnippet = body;
    settled = true;
    const rejected = classifyHttpResponse(result.httpStatus, body, { clientCertificatePresented: result.clientCertificatePresented });
    if (rejected) result.failure = rejected;
    else result.ok = true;
  } catch (err) {
    settled = true;
    if (isMisuse(err)) throw err;
    result.failure = diagnose(err);
  } finally {
    settled = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    for (const item of disposables.reverse()) item.destroy();
    const observed = recorder.observe();
    applyObservation(result, observed);
    result.timings.total = elapsed();
  }
  return result;

  function diagnose(err: unknown): ProbeFailure {
    if (err instanceof Interrupt) {
      return err.kind === 'timeout' ? timeoutFailure(phase, options.timeoutMs) : abortedFailure(phase);
    }
    const observed = recorder.observe();
    return classifyError(err, {
      phase,
      host,
      port,
      ...(options.servername ? { servername: options.servername } : {}),
      handshakeDone,
      serverHelloSeen: observed.version !== undefined,
      tlsVersion: result.tls?.version ?? observed.version,
      clientCertificateRequested: observed.requested,
      clientCertificatePresented: result.clientCertificatePresented,
      clientChainLength: credentials?.chainLength,
      clientLeafSelfIssued: credentials?.leafSelfIssued,
      serverCertificate,
      proxy: result.proxy,
    });
  }
}

/** Errors that are the caller's bug, not a network outcome: they propagate. */
function isMisuse(err: unknown): boolean {
  if (err instanceof TypeError && /^probe: /.test(err.message)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE';
}

/** What the handshake bytes showed, or failing that, what the server's verdict implies. */
function applyObservation(result: ProbeResult, observed: HandshakeObservation): void {
  if (observed.acceptableCAs) result.acceptableClientCAs = observed.acceptableCAs;
  if (observed.requested !== null) {
    result.clientCertificateRequested = observed.requested;
    return;
  }
  // A server that answers with a client-certificate alert evaluated (so requested) a certificate.
  if (result.failure?.phase === 'client-certificate' && result.failure.alert) {
    result.clientCertificateRequested = true;
  }
}
