// Data shapes of the TLS probe. Everything in a ProbeResult is plain JSON data:
// no sockets, no certificate objects, no circular references.
import type { KeyObject } from 'node:crypto';

/** The step an attempt is in; reported through `onPhase` for a spinner. */
export type ProbePhase = 'dns' | 'connect' | 'proxy' | 'tls' | 'http';

/** Where a failed attempt went wrong. */
export type FailurePhase =
  | 'dns'
  | 'connect'
  | 'proxy'
  | 'timeout'
  | 'tls'
  | 'server-certificate'
  | 'client-certificate'
  | 'http'
  | 'aborted';

/** Resolves a host name to one or every address; the default is `dns.promises.lookup` with `all` (honours /etc/hosts). */
export type LookupFunction = (hostname: string) => Promise<{ address: string; family: number } | Array<{ address: string; family: number }>>;

export interface ProbeOptions {
  /** `https:` URL; its path and query are requested. */
  url: URL;
  /** PEM certificate chain: the leaf first, then intermediates. Omit to probe without one. */
  cert?: string;
  /** Private key of the leaf: a node KeyObject or a PEM string (with `passphrase` if encrypted). */
  key?: KeyObject | string;
  passphrase?: string;
  /** Extra trusted roots (PEM), trusted beside the bundled ones. */
  ca?: string[];
  /** Name sent as SNI and checked against the server certificate (default: the URL host). */
  servername?: string;
  /** Upper bound of the whole attempt, DNS to the end of the response. */
  timeoutMs: number;
  /** HTTP method (default GET). */
  method?: string;
  /** Don't verify the server certificate (the client certificate is still presented and tested). */
  insecure?: boolean;
  /** `http://[user:pass@]host:port` proxy to tunnel through with CONNECT (see `proxyFor`). */
  proxy?: URL;
  /** Aborts the attempt (Ctrl-C): the result is a failure with phase 'aborted'. */
  signal?: AbortSignal;
  /** Called when the attempt enters a phase. */
  onPhase?: (phase: ProbePhase) => void;
  /** Name resolution (a seam for tests and custom resolvers). */
  lookup?: LookupFunction;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * The local pre-check found a problem and the attempt runs anyway (`--force`): a 401/403
   * answer is then a failure, not an mTLS success.
   */
  forced?: boolean;
}

export interface ProbeAddress {
  /** The host name or IP literal that was connected to (the proxy's when tunnelling). */
  host: string;
  ip: string;
  port: number;
  family: 4 | 6;
}

/** Milliseconds since the attempt started, at the end of each phase. */
export interface ProbeTimings {
  /**
   * Milliseconds of local work before the clock starts: reading the client key and
   * building the trust store (Node 20 parses its ~140 bundled roots there, ~40 ms).
   * Not part of the phases nor of `total`.
   */
  setup?: number;
  dns?: number;
  connect?: number;
  proxy?: number;
  tls?: number;
  firstByte?: number;
  total: number;
  /**
   * Milliseconds spent decrypting and parsing the recorded handshake (the wire checks), inside
   * the phases above; not a phase itself.
   */
  wireAnalysis?: number;
}

export interface TlsInfo {
  /** 'TLSv1.3', 'TLSv1.2', ... */
  version: string;
  /** OpenSSL-independent (IANA) name, e.g. 'TLS_AES_256_GCM_SHA384'. */
  cipher: string;
  alpn?: string;
}

export interface ChainCertificate {
  subject: string;
  issuer: string;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
  /** Upper-case hex pairs separated by colons. */
  fingerprintSha256: string;
}

export interface TlsAlert {
  number: number;
  /** Standard name, snake_case: certificate_required, unknown_ca, ... */
  name: string;
}

export interface ProbeFailure {
  phase: FailurePhase;
  /** For phase 'timeout': the phase that did not finish in time. */
  stalledIn?: ProbePhase;
  /** Node/OpenSSL error code (ENOTFOUND, ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, ...) or an aitoss code (HTTP_400, KEY_MISMATCH, ETIMEDOUT, PROXY_407, ...). */
  code: string;
  /** The TLS alert the server sent, when there was one. */
  alert?: TlsAlert;
  /** One line: what happened. */
  message: string;
  /** One line: the likely cause and the fix. */
  hint: string;
  /** For server-certificate failures. */
  serverCertificate?: { subject: string; issuer: string };
  /**
   * For the client-certificate verdict, a stable reason: not-requested, not-configured,
   * not-sent, alert, http-rejected, http-refused, wrong-virtual-host, post-handshake-auth,
   * closed (see the README's ping section).
   */
  reason?: FailureReason;
}

export type FailureReason =
  | 'not-requested'
  | 'not-configured'
  | 'not-sent'
  | 'alert'
  | 'http-rejected'
  | 'http-refused'
  | 'wrong-virtual-host'
  | 'post-handshake-auth'
  | 'closed';

/** Why OpenSSL sent an empty Certificate message although one was configured. */
export interface NotSentCause {
  /** signature-algorithms: our key can't make a signature the server accepts; certificate-authorities: our chain reaches none of the CAs it lists. */
  code: 'signature-algorithms' | 'certificate-authorities' | 'unknown';
  /** Our key: "RSA", "ECDSA P-256", "Ed25519". */
  keyType: string;
  /** What the server accepts: signature scheme names, or CA names. */
  accepted: string[];
}

export interface ProbeResult {
  ok: boolean;
  url: string;
  /** The proxy tunnelled through, without credentials. */
  proxy?: string;
  /** The TCP peer: the server, or the proxy when tunnelling. */
  address?: ProbeAddress;
  timings: ProbeTimings;
  tls?: TlsInfo;
  /** The server's chain as received (leaf first), completed by the trust store when Node could. */
  serverChain: ChainCertificate[];
  /** With `insecure`: the verification error that was ignored, if any. */
  serverCertificateError?: string;
  /**
   * Whether the server sent a CertificateRequest. Observed from the handshake bytes (TLS 1.2:
   * plaintext; TLS 1.3: decrypted with the handshake secret from the `keylog` event), else
   * inferred from the server's verdict; null when unknown.
   */
  clientCertificateRequested: boolean | null;
  /** Distinguished names of the CAs the server said it accepts (CertificateRequest), when it named any. */
  acceptableClientCAs?: string[];
  /** Signature schemes the server accepts from the client (its CertificateRequest), by IANA name. */
  clientSignatureAlgorithms?: string[];
  /** Whether a client certificate was configured for this attempt (not whether it went out: see clientCertificateSent). */
  clientCertificatePresented: boolean;
  /**
   * Whether our Certificate message carried a certificate, read from the wire (TLS 1.2 plain,
   * TLS 1.3 decrypted with the client handshake secret); false also when none was asked for
   * or configured; null when unknown (the handshake stopped before it, or renegotiation).
   */
  clientCertificateSent: boolean | null;
  /** Configured but withheld by OpenSSL (empty Certificate message): why. */
  clientCertificateNotSentCause?: NotSentCause;
  /** Whether the server's acceptable-CA list names a CA of our chain; null when it listed none (or no certificate). */
  clientIssuerListed: boolean | null;
  /** The server answered with a HelloRetryRequest first (TLS 1.3). */
  helloRetry?: boolean;
  /** Every fact of the contract was read from the wire. */
  wireVerified: boolean;
  /** The facts that could not be read: certificate-request, client-certificate, renegotiation. */
  notVerifiedOnWire?: string[];
  /** Addresses that refused or did not answer before the one used (several resolved). */
  addressesTried?: Array<{ ip: string; family: 4 | 6; code: string }>;
  /** A success that deserves a look: the certificate was accepted but the request was refused (401/403). */
  warning?: string;
  httpStatus?: number;
  /** The Location header of a redirect, for display. */
  httpLocation?: string;
  /** The first bytes of the response body (at most 4 KiB), for diagnosis. */
  bodySnippet?: string;
  failure?: ProbeFailure;
}
