// Pure classification of what went wrong in a probe: from a Node/OpenSSL error (or an HTTP
// answer) and what the attempt knew at that moment, to a phase, a code, the TLS alert, one line
// saying what happened and one line saying what to do.
import { alertFromError } from './alerts.js';
import type { FailurePhase, FailureReason, NotSentCause, ProbeFailure, ProbePhase, TlsAlert } from './types.js';

export interface DiagnosisContext {
  /** The phase the attempt was in when the error surfaced. */
  phase: ProbePhase;
  /** The origin host from the URL. */
  host: string;
  port?: number;
  /** The name checked against the server certificate, when it differs from `host`. */
  servername?: string;
  /** `secureConnect` was reached (TLS 1.3 servers still judge the client certificate after it). */
  handshakeDone?: boolean;
  /** A ServerHello arrived (false: the handshake failed on the first flight). */
  serverHelloSeen?: boolean;
  tlsVersion?: string;
  /** true/false when observed in the handshake, null or absent when unknown. */
  clientCertificateRequested?: boolean | null;
  /** A client certificate and key were configured. */
  clientCertificatePresented?: boolean;
  /** Number of certificates in the configured chain (leaf + intermediates). */
  clientChainLength?: number;
  /** The client leaf is self-issued (its own root): then a missing intermediate isn't the cause. */
  clientLeafSelfIssued?: boolean;
  /** The server's leaf, for server-certificate failures; `names` from its subjectAltName. */
  serverCertificate?: { subject: string; issuer: string; names?: string[] };
  /** The proxy in use, for display. */
  proxy?: string;
  /** The proxy URL carries credentials (a 407 then means they were refused). */
  proxyCredentials?: boolean;
  /** Our Certificate message carried a certificate (read from the wire); null/absent: unknown. */
  clientCertificateSent?: boolean | null;
  /** Why OpenSSL withheld the configured certificate. */
  notSentCause?: NotSentCause;
  /** Issuer of the last certificate the server sent, when that one is not self-issued (its chain goes on). */
  serverChainTopIssuer?: string;
  /** Subjects of the extra roots given with --ca (one-line names). */
  caSubjects?: string[];
  /** TLS 1.2: the server renegotiated after the first handshake (to ask for a certificate, as Apache does per path). */
  renegotiated?: boolean;
}

export const NO_CLIENT_CERT_HINT =
  'the server got no client certificate — the platform shows this as ERR_NETWORK; pass --cert/--key';

const SERVER_CERT_CODES_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_CHAIN_TOO_LONG',
  'ERR_TLS_CERT_SIGNATURE_ALGORITHM_UNSUPPORTED',
]);
const SERVER_CERT_CODES_DATES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL', 'ETIMEDOUT']);
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED']);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  syscall?: unknown;
  hostname?: unknown;
  name?: unknown;
  status?: unknown;
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : { message: String(err) };
}

/** The readable part of an error message; OpenSSL's "8090…:error:0A000410:SSL routines:…" is reduced to its reason. */
export function cleanMessage(err: unknown): string {
  const e = asErrorLike(err);
  const message = typeof e.message === 'string' ? e.message : String(err);
  const openssl = /(?:^|:)error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(message);
  const line = (openssl?.[1] ?? message).split('\n')[0]?.trim() ?? '';
  return line || (typeof e.code === 'string' ? e.code : 'unknown error');
}

function target(ctx: DiagnosisContext): string {
  return ctx.port === undefined ? ctx.host : `${ctx.host}:${ctx.port}`;
}

function failure(
  phase: FailurePhase,
  code: string,
  message: string,
  hint: string,
  extra: Partial<ProbeFailure> = {},
): ProbeFailure {
  return { phase, code, message, hint, ...extra };
}

/** Alerts about the client certificate (what a server sends when none came, or a bad one did). */
const CERTIFICATE_ALERTS = new Set(['bad_certificate', 'certificate_unknown', 'handshake_failure', 'certificate_required', 'no_certificate', 'unknown_ca', 'unsupported_certificate', 'access_denied']);

/** Hints for a client certificate the server evaluated and refused, by alert. */
function clientCertificateAlert(alert: TlsAlert, ctx: DiagnosisContext): { message: string; hint: string } | undefined {
  const told = `the server rejected the client certificate (TLS alert ${alert.number} ${alert.name})`;
  // Nothing went out (Go servers answer that with bad_certificate): say so, whatever the alert.
  if (ctx.clientCertificateSent === false && ctx.clientCertificateRequested === true && CERTIFICATE_ALERTS.has(alert.name)) {
    return noClientCertificate(ctx, `the server got no client certificate and ended the connection (TLS alert ${alert.number} ${alert.name})`);
  }
  switch (alert.name) {
    case 'certificate_required':
      return noClientCertificate(ctx, `the server required a client certificate and got none (TLS alert ${alert.number} ${alert.name})`);
    case 'unknown_ca': {
      const intermediate =
        ctx.clientChainLength === 1 && ctx.clientLeafSelfIssued !== true
          ? ', or --cert lacks the intermediate certificate (put the leaf first, then the intermediates)'
          : '';
      return {
        message: told,
        hint: `the client certificate is issued by a CA the server does not trust: wrong file, or a certificate for another environment/app${intermediate}`,
      };
    }
    case 'certificate_expired':
      return {
        message: told,
        hint: 'the client certificate has expired (or is not yet valid): issue a new one in the console, and check this machine\'s clock',
      };
    case 'certificate_revoked':
      return { message: told, hint: 'the client certificate was revoked in the console: issue a new one' };
    case 'unsupported_certificate':
      return {
        message: told,
        hint: 'the certificate is missing the clientAuth EKU (TLS Web Client Authentication): use the client certificate the console issued, not a server certificate',
      };
    case 'decrypt_error':
      return {
        message: told,
        hint: 'the key does not match the certificate (the handshake signature failed): use the key issued together with this certificate',
      };
    case 'bad_certificate':
      return {
        message: told,
        hint: 'the server could not use the client certificate: re-download the certificate and key from the console, leaf first in --cert',
      };
    case 'certificate_unknown':
      return {
        message: told,
        hint: 'the server refused the client certificate without a specific reason: check it is the one issued for this app and environment, and not expired or revoked',
      };
    case 'access_denied':
      return {
        message: `the server denied access to this client certificate (TLS alert ${alert.number} ${alert.name})`,
        hint: 'the certificate is valid but not allowed here: it may belong to another app or environment',
      };
    case 'no_certificate':
      return noClientCertificate(ctx, `the server got no client certificate (TLS alert ${alert.number} ${alert.name})`);
    case 'handshake_failure':
      if (ctx.renegotiated) {
        // The handshake had completed: the renegotiation asked for a certificate and was refused.
        const after = `the server renegotiated to ask for a client certificate, then ended the connection (TLS alert ${alert.number} ${alert.name})`;
        if (!ctx.clientCertificatePresented) return noClientCertificate(ctx, after);
        return { message: after, hint: 'the server did not accept the client certificate and gave no reason: check it is the one issued for this app and environment, not expired or revoked' };
      }
      if (ctx.clientCertificateRequested === false) return undefined;
      if (ctx.clientCertificateRequested !== true && ctx.serverHelloSeen === false) return undefined;
      if (ctx.tlsVersion === 'TLSv1.3') return undefined;
      if (!ctx.clientCertificatePresented) {
        return noClientCertificate(ctx, `the server ended the handshake with TLS alert ${alert.number} ${alert.name} after asking for a client certificate`);
      }
      return {
        message: `the server refused the handshake (TLS alert ${alert.number} ${alert.name}) after asking for a client certificate`,
        hint: 'the server did not accept the client certificate and gave no reason: check it is the one issued for this app and environment, not expired or revoked, and that the key matches',
      };
    default:
      return undefined;
  }
}

function noClientCertificate(ctx: Pick<DiagnosisContext, 'clientCertificatePresented' | 'notSentCause'>, message: string): { message: string; hint: string } {
  if (ctx.clientCertificatePresented) return { message, hint: notSentHint(ctx.notSentCause) };
  return { message, hint: NO_CLIENT_CERT_HINT };
}

/** The hint for a configured certificate that OpenSSL did not send, naming the cause when known. */
export function notSentHint(cause: NotSentCause | undefined): string {
  const head = 'the configured client certificate was not sent (an empty Certificate message; the platform shows this as ERR_NETWORK)';
  switch (cause?.code) {
    case 'signature-algorithms':
      return `${head}: the server accepts only the signature algorithms ${cause.accepted.join(', ')}, none of which this certificate's key (${cause.keyType}) can make; use a certificate and key of a type it accepts, or ask the server's operators to accept ${cause.keyType}`;
    case 'certificate-authorities':
      return `${head}: the server accepts only certificates from ${cause.accepted.map((name) => `"${name}"`).join(', ')}, and this certificate's chain reaches none of them; use the certificate issued for this API and environment (leaf first, then its intermediates)`;
    default:
      return `${head}: OpenSSL withholds a certificate whose key type, signature algorithm or issuer does not fit what the server asked for; use the certificate and key from the console, and check the key matches`;
  }
}

/** Hints for handshake alerts that are not about the client certificate. */
function handshakeAlert(alert: TlsAlert, ctx: DiagnosisContext): { message: string; hint: string } {
  const message = `the server aborted the TLS handshake (alert ${alert.number} ${alert.name})`;
  switch (alert.name) {
    case 'unrecognized_name':
      return { message, hint: `the server does not serve the name ${ctx.servername ?? ctx.host}: use the right URL, or --servername NAME` };
    case 'protocol_version':
      return { message, hint: 'no TLS version in common: the server needs a version this client does not offer (or the reverse); TLS 1.2 or 1.3 is expected' };
    case 'handshake_failure':
    case 'insufficient_security':
      return { message, hint: 'no TLS version or cipher suite in common with the server, or a middlebox interfering: check the URL points to the Apps in Toss API' };
    case 'no_application_protocol':
      return { message, hint: 'the server refused ALPN http/1.1: check the URL points to an HTTPS API' };
    case 'internal_error':
      return { message, hint: 'the server failed during the handshake: try again later; contact support if it persists' };
    default:
      return { message, hint: 'the server refused the handshake: check the URL, port and --servername' };
  }
}

/**
 * Classify an error from a probe attempt. `ctx` says where the attempt was; nothing else is
 * read, so this is safe to call with errors built by hand.
 */
export function classifyError(err: unknown, ctx: DiagnosisContext): ProbeFailure {
  const e = asErrorLike(err);
  const code = typeof e.code === 'string' && e.code ? e.code : typeof e.name === 'string' && e.name !== 'Error' ? e.name : 'UNKNOWN';
  const raw = cleanMessage(err);

  if (code === 'ABORT_ERR' || e.name === 'AbortError') {
    return abortedFailure(ctx.phase);
  }

  // Certificate, key or passphrase unusable: OpenSSL refused them before any byte was sent.
  if (code === 'KEY_MISMATCH' || code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
    return failure('client-certificate', code, 'the private key does not match the client certificate', 'the key does not match the certificate: use the key issued together with this certificate (same download from the console)');
  }
  if (code === 'ERR_OSSL_BAD_DECRYPT') {
    return failure('client-certificate', code, 'the private key could not be decrypted', 'wrong passphrase for the encrypted key');
  }
  if (code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' || code === 'ERR_MISSING_PASSPHRASE') {
    return failure('client-certificate', code, 'the private key is encrypted', 'the key needs a passphrase: pass it, or decrypt the key file');
  }
  if (/^ERR_OSSL_(PEM|ASN1|X509|UNSUPPORTED|DECODER)/.test(code)) {
    return failure('client-certificate', code, `the certificate or key could not be loaded: ${raw}`, 'pass the PEM certificate (leaf first) with --cert and its PEM private key with --key, as downloaded from the console');
  }

  // Name resolution.
  if (DNS_CODES.has(code) || e.syscall === 'getaddrinfo' || e.syscall === 'queryA' || ctx.phase === 'dns') {
    const name = typeof e.hostname === 'string' ? e.hostname : ctx.proxy ? hostOfProxy(ctx.proxy) : ctx.host;
    const what = ctx.proxy ? `the proxy host ${name}` : name;
    if (code === 'EAI_AGAIN' || code === 'ESERVFAIL' || code === 'ETIMEOUT') {
      return failure('dns', code, `DNS lookup of ${what} failed temporarily (${code})`, 'the DNS resolver did not answer: check the network and DNS settings, then retry');
    }
    return failure(
      'dns',
      code,
      `cannot resolve ${what} (${code})`,
      ctx.proxy
        ? 'check the proxy host in HTTPS_PROXY, or set NO_PROXY for this host'
        : 'check the host name in the URL; if it is right, this machine\'s DNS (resolver, VPN, /etc/hosts) cannot see it',
    );
  }

  // Proxy tunnel.
  if (code.startsWith('PROXY_')) {
    const status = typeof e.status === 'number' ? e.status : Number(code.slice(6));
    const hint =
      status === 407
        ? ctx.proxyCredentials
          ? 'the proxy refused the credentials in the proxy URL: check the user name and password in HTTPS_PROXY (percent-encode special characters), or set NO_PROXY for this host'
          : 'the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port), or set NO_PROXY for this host'
        : status === 403 || status === 405
          ? `the proxy does not allow tunnels to ${target(ctx)}: ask for it to be allowlisted, or set NO_PROXY for this host`
          : status >= 500
            ? `the proxy could not reach ${target(ctx)}: its DNS or firewall blocks the host`
            : 'the proxy refused the tunnel: check HTTPS_PROXY and NO_PROXY';
    return failure('proxy', code, raw, hint);
  }
  if (ctx.phase === 'proxy') {
    return failure('proxy', code, `${ctx.proxy ? `the proxy ${ctx.proxy}` : 'the proxy'} failed while opening the tunnel: ${raw}`, 'check HTTPS_PROXY, or set NO_PROXY for this host');
  }

  // TCP.
  if (ctx.phase === 'connect' || (CONNECT_CODES.has(code) && e.syscall === 'connect')) {
    const where = ctx.proxy ? `the proxy ${ctx.proxy}` : target(ctx);
    // Reaching the proxy is part of the proxy step: the server itself was never tried.
    if (ctx.proxy) {
      return failure('proxy', code, code === 'ECONNREFUSED' ? `connection refused by ${where}` : `cannot connect to ${where} (${code})`, 'nothing answers at the proxy address: check HTTPS_PROXY (host and port), or set NO_PROXY for this host');
    }
    switch (code) {
      case 'ECONNREFUSED':
        return failure('connect', code, `connection refused by ${where}`, ctx.proxy ? 'nothing listens at the proxy address: check HTTPS_PROXY' : 'nothing listens on that port: check the port in the URL, or a firewall that rejects connections');
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EHOSTDOWN':
      case 'ENETDOWN':
        return failure('connect', code, `no route to ${where} (${code})`, 'the network cannot reach the host: check the connection, VPN and routes (an IPv6 address without IPv6 connectivity?)');
      case 'ETIMEDOUT':
        return failure('connect', code, `TCP connection to ${where} timed out`, 'a firewall drops the packets: allow outbound connections to this host and port');
      default:
        return failure('connect', code, `cannot connect to ${where}: ${raw}`, 'check the host, the port and any firewall between this machine and the server');
    }
  }

  // The server certificate, checked by us after the handshake (Node's codes).
  if (SERVER_CERT_CODES_UNTRUSTED.has(code) || SERVER_CERT_CODES_DATES.has(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const server = ctx.serverCertificate;
    const shown = server ? { serverCertificate: { subject: server.subject, issuer: server.issuer } } : {};
    const who = server ? `"${server.subject}" issued by "${server.issuer}"` : 'the server certificate';
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      const name = ctx.servername ?? ctx.host;
      const names = server?.names && server.names.length > 0 ? server.names.join(', ') : server?.subject ?? 'other names';
      return failure(
        'server-certificate',
        code,
        `the server certificate does not cover ${name}: it is for ${names}`,
        `wrong host name: use the URL with a name the certificate covers, or --servername NAME when connecting by IP address or an alias`,
        shown,
      );
    }
    if (SERVER_CERT_CODES_DATES.has(code)) {
      return failure(
        'server-certificate',
        code,
        `the server certificate ${who} is ${code === 'CERT_NOT_YET_VALID' ? 'not yet valid' : 'expired'} (${code})`,
        'check this machine\'s clock; if the clock is right, a proxy or the wrong server answers: check the URL',
        shown,
      );
    }
    const top = ctx.serverChainTopIssuer;
    const missingLink = code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
    if (missingLink && top && ctx.caSubjects && ctx.caSubjects.length > 0 && !ctx.caSubjects.includes(top)) {
      // The root was passed and still nothing chains to it: an intermediate is missing in between.
      return failure(
        'server-certificate',
        code,
        `the server certificate ${who} is not trusted (${code}): the server sends an incomplete chain`,
        `the server sends its certificate without the intermediate "${top}": its TLS configuration must send the intermediate after its certificate (the --ca given is not that issuer; --ca with the intermediate is only a local workaround)`,
        shown,
      );
    }
    return failure(
      'server-certificate',
      code,
      `the server certificate ${who} is not trusted (${code})`,
      `for a private CA, or a TLS-inspecting corporate proxy (issuer "${server?.issuer ?? 'unknown'}"), pass its root with --ca FILE — an inspecting proxy also strips the client certificate, so exempt this host from inspection${missingLink && top ? `; if "${top}" is an intermediate, the server sends an incomplete chain` : ''}`,
      shown,
    );
  }

  // TLS alerts from the server.
  const alert = alertFromError(e);
  if (alert) {
    const extra = { alert };
    const client = clientCertificateAlert(alert, ctx);
    if (client) return failure('client-certificate', code, client.message, client.hint, { ...extra, reason: 'alert' });
    const other = handshakeAlert(alert, ctx);
    return failure('tls', code, other.message, other.hint, extra);
  }

  // Local TLS errors.
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER_FAILURE/.test(code) || /wrong version number|packet length too long/.test(raw)) {
    return failure('tls', code, `the server at ${target(ctx)} does not speak TLS (${raw})`, 'wrong port or scheme: this looks like plain HTTP; check the URL (https://, port 443)');
  }
  if (/UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|NO_SHARED_CIPHER|NO_CIPHERS/.test(code) || /unsupported protocol|no protocols available/.test(raw)) {
    return failure('tls', code, `no TLS version or cipher in common with the server (${raw})`, 'the server offers only versions or ciphers this client refuses (TLS 1.2+ is required)');
  }

  // The connection ended without a word.
  if (CLOSED_CODES.has(code) || /socket hang up|disconnected before secure TLS connection/.test(raw)) {
    const closed = { reason: 'closed' as const };
    const during = ctx.phase === 'tls' && !ctx.handshakeDone;
    if (during && ctx.clientCertificateRequested !== true) {
      return failure('tls', code, `the connection closed during the TLS handshake (${raw})`, 'something cut the TLS handshake: a firewall or proxy, a wrong port, or a server refusing this client');
    }
    if (ctx.clientCertificateRequested !== false) {
      const when = during ? 'during the handshake' : 'right after the handshake';
      if (!ctx.clientCertificatePresented || ctx.clientCertificateSent === false) {
        const none = noClientCertificate(ctx, `the server closed the connection ${when} without answering; it got no client certificate`);
        return failure('client-certificate', code, none.message, none.hint, closed);
      }
      const received = ctx.clientCertificateSent === true ? 'after receiving the client certificate' : 'after asking for a client certificate';
      return failure(
        'client-certificate',
        code,
        `the server closed the connection ${when}, ${received}, without a TLS alert`,
        during
          ? 'the server rejected the client certificate without saying why (untrusted CA, expired or revoked): check it is the current certificate for this app and environment'
          : 'the server rejected the client certificate (TLS 1.3 servers judge it after the handshake): check it is issued for this app and environment, not expired or revoked',
        closed,
      );
    }
    return failure('http', code, 'the server closed the connection without answering the request', 'the server accepted TLS but dropped the request: check the URL path and method, or retry later');
  }

  if (code.startsWith('HPE_')) {
    return failure('http', code, `the server's answer is not valid HTTP/1.1 (${raw})`, 'check the URL: the port may serve another protocol');
  }

  const phase: FailurePhase = ctx.phase === 'http' ? 'http' : ctx.phase === 'tls' ? 'tls' : ctx.phase;
  return failure(phase, code, raw, 'unexpected error: run again with DEBUG=aitoss for details');
}

function hostOfProxy(proxy: string): string {
  try {
    return new URL(proxy).hostname;
  } catch {
    return proxy;
  }
}

const PHASE_WORDS: Readonly<Record<ProbePhase, string>> = {
  dns: 'while resolving the host name',
  connect: 'while opening the TCP connection',
  proxy: 'while opening the proxy tunnel',
  tls: 'during the TLS handshake',
  http: 'while waiting for the HTTP response',
};

const TIMEOUT_HINTS: Readonly<Record<ProbePhase, string>> = {
  dns: 'the DNS resolver did not answer in time: check the network and DNS settings',
  connect: 'no answer to the TCP connection: a firewall drops the packets (outbound allowlist?), or the host or port is wrong',
  proxy: 'the proxy did not answer the CONNECT request: check HTTPS_PROXY, or set NO_PROXY for this host',
  tls: 'the port accepts connections but the TLS handshake stalled: not a TLS service, or a firewall/proxy holding the traffic',
  http: 'the server completed the handshake but did not answer in time: retry, or raise the timeout',
};

/** The whole attempt ran out of time while in `stalledIn`. */
export function timeoutFailure(stalledIn: ProbePhase, timeoutMs: number | undefined): ProbeFailure {
  const after = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`;
  return {
    phase: 'timeout',
    stalledIn,
    code: 'ETIMEDOUT',
    message: `timed out${after} ${PHASE_WORDS[stalledIn]}`,
    hint: TIMEOUT_HINTS[stalledIn],
  };
}

export function abortedFailure(phase: ProbePhase): ProbeFailure {
  return {
    phase: 'aborted',
    stalledIn: phase,
    code: 'ABORT_ERR',
    message: `cancelled ${PHASE_WORDS[phase]}`,
    hint: 'the attempt was cancelled before it finished',
  };
}

// --- HTTP-level rejections -------------------------------------------------------------------

const NO_CERT_BODY = [
  /no required ssl certificate was sent/i,
  /(?:ssl|tls|client)[ -]certificate (?:is )?required/i,
  /(?:ssl|tls|client)[ -]certificate (?:was )?(?:not (?:provided|presented|sent|found)|missing)/i,
  /missing (?:ssl |tls |client )?certificate/i,
  /no (?:ssl |tls |client )certificate/i,
];
const BAD_CERT_BODY = [
  /the ssl certificate error/i,
  /(?:ssl|tls|client)[ -]certificate (?:(?:is|was|has|has been) )?(?:error|invalid|verification|expired|revoked|not trusted|untrusted|not valid|rejected)/i,
  /invalid (?:ssl |tls |client )certificate/i,
  /(?:ssl|tls|client)[ -]certificate.{0,40}(?:failed|rejected|denied)/i,
];

/**
 * A response that rejects the client certificate at the HTTP level (servers that finish the
 * handshake whatever the client sent, like nginx with `ssl_verify_client optional`), as a
 * failure; undefined for any other response (a 404 or 401 still proves the mTLS handshake).
 */
export function classifyHttpResponse(
  status: number,
  body: string,
  context: { clientCertificatePresented?: boolean; notSentCause?: NotSentCause } = {},
): ProbeFailure | undefined {
  if (status < 400 || status >= 500) return undefined;
  const code = `HTTP_${status}`;
  const snippet = body.slice(0, 4096);
  const missing = status === 496 || NO_CERT_BODY.some((re) => re.test(snippet));
  if (missing) {
    const told = `the server answered HTTP ${status}: no client certificate was received`;
    const no = noClientCertificate(context, told);
    return failure('client-certificate', code, no.message, no.hint);
  }
  const bad = status === 495 || BAD_CERT_BODY.some((re) => re.test(snippet));
  if (bad) {
    const message = `the server answered HTTP ${status}: it rejected the client certificate`;
    if (/revoked/i.test(snippet)) return failure('client-certificate', code, message, 'the client certificate was revoked in the console: issue a new one');
    if (/expired/i.test(snippet)) return failure('client-certificate', code, message, 'the client certificate has expired: issue a new one in the console');
    return failure(
      'client-certificate',
      code,
      message,
      'the server did not accept the client certificate: check it is the current one issued for this app and environment (CA, expiry, revocation)',
    );
  }
  return undefined;
}

// --- The verdict of an attempt that got an HTTP answer -----------------------------------------

/** What the connection showed about the client certificate (see ProbeResult). */
export interface WireFacts {
  tlsVersion?: string;
  requested: boolean | null;
  /** A certificate and key were configured. */
  configured: boolean;
  sent: boolean | null;
  issuerListed: boolean | null;
  renegotiated: boolean;
  postHandshakeCertificateRequest: boolean;
  notSentCause?: NotSentCause;
  /** The local pre-check found a problem and --force was used. */
  forced: boolean;
  clientChainLength?: number;
  clientLeafSelfIssued?: boolean;
  servername?: string;
  host: string;
  /** Our leaf's issuer (one line) and the CAs the server listed, for the hints. */
  clientIssuer?: string;
  acceptableCAs?: string[];
}

/** What ping knows about the issuer when the server's CA list does not name it. */
function issuerNotListed(facts: WireFacts): string {
  const listed = facts.acceptableCAs && facts.acceptableCAs.length > 0 ? ` (it accepts ${facts.acceptableCAs.map((n) => `"${n}"`).join(', ')})` : '';
  const issuer = facts.clientIssuer ? ` "${facts.clientIssuer}"` : '';
  const intermediate = facts.clientChainLength === 1 && facts.clientLeafSelfIssued === false ? ', or --cert lacks the intermediate certificate (put the leaf first, then the intermediates)' : '';
  return `this certificate's issuer${issuer} is not among the CAs the server accepts${listed}: a certificate for another app or environment${intermediate}`;
}

const POST_HANDSHAKE_AUTH_BODY = /post-handshake authentication|post_handshake_auth|cannot perform post-handshake/i;

/**
 * The verdict of an attempt that completed the handshake and got an HTTP answer: the
 * contract of the README's ping section, in order. Pure.
 */
export function judgeAnswer(status: number, body: string, facts: WireFacts): { failure?: ProbeFailure; warning?: string } {
  const code = `HTTP_${status}`;
  const fail = (phase: FailurePhase, reason: FailureReason, message: string, hint: string): { failure: ProbeFailure } => ({
    failure: failure(phase, reason === 'not-requested' || reason === 'not-configured' || reason === 'not-sent' ? reasonCode(reason) : code, message, hint, { reason }),
  });
  const snippet = body.slice(0, 4096);
  if (status === 421) {
    const name = facts.servername ?? facts.host;
    return fail(
      'http',
      'wrong-virtual-host',
      `the server answered HTTP 421 Misdirected Request: the request went to a virtual host that does not serve ${name}`,
      'the TLS name (SNI) and the Host header reach different virtual hosts: connect by the API host name, or pass --servername NAME (it sets SNI and Host) when connecting by IP address',
    );
  }
  if (facts.postHandshakeCertificateRequest || (status === 403 && POST_HANDSHAKE_AUTH_BODY.test(snippet))) {
    return fail(
      'client-certificate',
      'post-handshake-auth',
      `the server asks for the client certificate only after the handshake (TLS 1.3 post-handshake authentication)${status ? `, and answered HTTP ${status}` : ''}`,
      "Node's TLS client cannot answer post-handshake authentication (curl can): the API should ask for the certificate in the handshake (server-wide, not per path), or test a path that asks in the handshake",
    );
  }
  if (facts.requested === false) {
    return fail(
      'client-certificate',
      'not-requested',
      `the server did not ask for a client certificate (no CertificateRequest in the handshake), then answered HTTP ${status}`,
      'this server does not check client certificates: a wrong URL, a TLS-terminating proxy or load balancer in the way, or a server that asks only later; mTLS is not proven',
    );
  }
  const page = classifyHttpResponse(status, snippet, { clientCertificatePresented: facts.configured && facts.sent !== false, notSentCause: facts.notSentCause });
  if (!facts.configured) {
    const told = page ? ` (${page.message.replace(/^the server answered /, '')})` : '';
    return fail(
      'client-certificate',
      'not-configured',
      `no client certificate was configured; the server answered HTTP ${status}${told}`,
      `${NO_CLIENT_CERT_HINT} to prove that the certificate is accepted`,
    );
  }
  if (facts.sent === false) {
    return fail('client-certificate', 'not-sent', `the configured client certificate was not sent; the server answered HTTP ${status}`, notSentHint(facts.notSentCause));
  }
  if (page) {
    // The certificate page says what the server saw; add what the handshake told us.
    const hint = facts.issuerListed === false ? issuerNotListed(facts) : page.hint;
    return { failure: { ...page, hint, reason: 'http-rejected' } };
  }
  if (status === 401 || status === 403) {
    const doubts: string[] = [];
    if (facts.issuerListed === false) doubts.push(issuerNotListed(facts));
    if (facts.forced) doubts.push('the local pre-check found a problem (--force)');
    if (facts.requested === null || facts.sent === null) doubts.push('the certificate exchange could not be verified on the wire');
    if (doubts.length > 0) {
      return fail('client-certificate', 'http-refused', `the server answered HTTP ${status}, and ${doubts.join('; ')}`, 'the refusal is likely about the client certificate: use the current certificate issued for this API and environment, with its chain');
    }
    return {
      warning: `the certificate was requested, sent and issued by a CA the server lists, but the request itself was refused (HTTP ${status}): the API wants other credentials on this path`,
    };
  }
  return {};
}

function reasonCode(reason: 'not-requested' | 'not-configured' | 'not-sent'): string {
  return reason === 'not-requested' ? 'CLIENT_CERT_NOT_REQUESTED' : reason === 'not-configured' ? 'CLIENT_CERT_NOT_CONFIGURED' : 'CLIENT_CERT_NOT_SENT';
}
