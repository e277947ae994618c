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

/** Resolves a host name; the default is `dns.promises.lookup` (honours /etc/hosts). */
export type LookupFunction = (hostname: string) => Promise<{ address: string; family: number }>;

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
  /** Whether a client certificate was configured for this attempt. */
  clientCertificatePresented: boolean;
  httpStatus?: number;
  /** The first bytes of the response body (at most 4 KiB), for diagnosis. */
  bodySnippet?: string;
  failure?: ProbeFailure;
}
