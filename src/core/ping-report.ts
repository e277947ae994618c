/**
 * The report of `aitoss ping`: the local pre-check of the client certificate, the
 * attempts (ProbeResults from src/tls, kept as they are), and their aggregation (per-phase
 * durations, min/median/max over the attempts). Pure: data in, data out, `now` as a
 * parameter. The JSON output is this object (see the README's ping section).
 */
import type { ChainCertificate, ProbeFailure, ProbeResult, ProbeTimings } from '../tls/types.js';
import { daysRemaining, isoDay, type Level } from './lifecycle.js';
import { named, type CertificateReport, type Problem, type ProblemCode } from './report.js';

export const PING_SCHEMA_VERSION = 1;

/**
 * The phases of an attempt as durations in milliseconds: `setup` (local work before the
 * clock starts: the client key and the trust store), `dns`, `connect` (TCP), `proxy` (the
 * CONNECT tunnel), `tls` (the handshake), `wait` (request sent → first response byte);
 * and two points measured from the start of the attempt (after setup): `firstByte` (time
 * to first byte) and `total` (until the response ended or the attempt failed).
 */
export const PHASES = ['setup', 'dns', 'connect', 'proxy', 'tls', 'wait', 'firstByte', 'total'] as const;
export type PhaseName = (typeof PHASES)[number];
export type PhaseDurations = Partial<Record<PhaseName, number>> & { total: number };

export interface PhaseStats {
  /** Attempts that reached the end of this phase. */
  n: number;
  min: number;
  median: number;
  max: number;
}

export interface PingSummary {
  attempts: number;
  succeeded: number;
  failed: number;
  /** Only phases that at least one attempt completed. */
  phases: Partial<Record<PhaseName, PhaseStats>>;
}

/** The client certificate presented: safe to show (no key material). */
export interface ClientCertificateInfo {
  source: string;
  keySource: string | null;
  subject: string;
  issuer: string;
  fingerprintSha256: string;
  notAfter: string;
  daysRemaining: number;
  level: Level;
  /** Intermediates sent after the leaf. */
  intermediates: number;
}

export interface Precheck {
  /** false: a blocking problem (key-mismatch, expired, not-yet-valid) was found. */
  ok: boolean;
  /** `--force`: the attempts ran despite a blocking problem. */
  forced: boolean;
  /** The certificate's errors and warnings from `cert inspect`, for display. */
  problems: Problem[];
}

/** A failure, and which attempt it came from (null: the local pre-check, nothing was sent). */
export type PingFailure = ProbeFailure & { attempt: number | null };

export interface ServerCertificate extends ChainCertificate {
  daysRemaining: number;
}

export interface PingReport {
  schemaVersion: typeof PING_SCHEMA_VERSION;
  ok: boolean;
  url: string;
  method: string;
  evaluatedAt: string;
  /** Attempts asked for (`--count`). */
  count: number;
  timeoutMs: number;
  /** The CONNECT proxy used, without credentials; null when connecting directly. */
  proxy: string | null;
  /** `--insecure`: the server certificate was not verified. */
  insecure: boolean;
  /** null when no certificate and key were configured (the attempt goes without one). */
  clientCertificate: ClientCertificateInfo | null;
  /** null when there is no client certificate to check. */
  precheck: Precheck | null;
  /** The first failure: of the pre-check, or of the first attempt that failed. */
  failure: PingFailure | null;
  /** The server chain of the attempt shown (the first failed one, else the last), leaf first. */
  serverChain: ServerCertificate[];
  /** Messages about the run itself (no client certificate, server verification skipped). */
  warnings: string[];
  attempts: ProbeResult[];
  summary: PingSummary;
}

/**
 * The local pre-check of the chosen certificate (its `cert inspect` report). It fails on
 * what precheckFailure names: the problems that stop `ping` before any traffic, unless
 * `--force`.
 */
export function precheck(cert: CertificateReport, force: boolean): Precheck {
  const problems = cert.problems.filter((p) => p.severity !== 'info');
  const ok = precheckFailure(cert) === undefined;
  return { ok, forced: force && !ok, problems };
}

/** The pre-check failure codes of the extensions a TLS server's verifier rejects. */
const EXTENSION_FAILURES: Partial<Record<ProblemCode, string>> = {
  'no-client-auth': 'CERT_NO_CLIENT_AUTH',
  'malformed-eku': 'CERT_MALFORMED_EKU',
  'duplicate-extension': 'CERT_DUPLICATE_EXTENSION',
  'unknown-critical-extension': 'CERT_UNKNOWN_CRITICAL_EXTENSION',
};

/**
 * The failure a blocking pre-check problem stands for; undefined when nothing blocks. What
 * blocks: a key that cannot sign for the certificate (mismatched, or carrying its public
 * half without proving possession), dates no server accepts (a never-valid certificate is
 * expired or not yet valid, whatever the day), and the extensions `cert check` fails (one
 * story: a lenient test server that accepts them says nothing of the API, which verifies).
 */
export function precheckFailure(cert: CertificateReport): PingFailure | undefined {
  const codes = new Set(cert.problems.map((p) => p.code));
  const nothingSent = 'checked locally, nothing was sent';
  if (codes.has('key-mismatch')) {
    return {
      attempt: null,
      phase: 'client-certificate',
      code: 'KEY_MISMATCH',
      message: `${named('the private key', cert.keySource)} does not belong to the certificate ${cert.source} (${nothingSent})`,
      hint: 'use the key downloaded together with this certificate from the console; a mismatched key cannot be presented (the server would see no client certificate: ERR_NETWORK)',
    };
  }
  if (codes.has('key-not-proven')) {
    return {
      attempt: null,
      phase: 'client-certificate',
      code: 'KEY_NOT_PROVEN',
      message: `${named('the private key', cert.keySource)} carries the public key of the certificate ${cert.source} but does not prove possession of it: a forged or damaged key (${nothingSent})`,
      hint: 'use the key downloaded together with this certificate from the console; the handshake signature made with this one would fail (decrypt_error); --force tries the handshake anyway',
    };
  }
  if (codes.has('never-valid')) {
    return {
      attempt: null,
      phase: 'client-certificate',
      code: 'CERT_NEVER_VALID',
      message: `the client certificate is never valid: its validity starts ${isoDay(new Date(cert.notBefore))}, after it ends ${isoDay(new Date(cert.notAfter))} (${nothingSent})`,
      hint: 'issue a new certificate in the console and deploy it; --force tries the handshake anyway',
    };
  }
  if (codes.has('expired')) {
    return {
      attempt: null,
      phase: 'client-certificate',
      code: 'CERT_EXPIRED',
      message: `the client certificate expired on ${isoDay(new Date(cert.notAfter))} (${nothingSent})`,
      hint: 'issue a new certificate in the console and deploy it; --force tries the handshake anyway',
    };
  }
  if (codes.has('not-yet-valid')) {
    return {
      attempt: null,
      phase: 'client-certificate',
      code: 'CERT_NOT_YET_VALID',
      message: `the client certificate is not valid until ${isoDay(new Date(cert.notBefore))} (${nothingSent})`,
      hint: "keep the current certificate deployed until then, and check this machine's clock; --force tries the handshake anyway",
    };
  }
  const extension = cert.problems.find((p) => EXTENSION_FAILURES[p.code] !== undefined);
  if (extension) {
    return {
      attempt: null,
      phase: 'client-certificate',
      code: EXTENSION_FAILURES[extension.code] as string,
      message: `the client certificate would be refused: ${extension.message} (${nothingSent})`,
      hint: 'issue a new certificate in the console (its certificates allow TLS client authentication); --force tries the handshake anyway',
    };
  }
  return undefined;
}

export function clientCertificateInfo(cert: CertificateReport, intermediates: number): ClientCertificateInfo {
  return {
    source: cert.source,
    keySource: cert.keySource,
    subject: cert.subject,
    issuer: cert.issuer,
    fingerprintSha256: cert.fingerprintSha256,
    notAfter: cert.notAfter,
    daysRemaining: cert.daysRemaining,
    level: cert.level,
    intermediates,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The cumulative probe timings as per-phase durations (see PHASES). */
export function phaseDurations(t: ProbeTimings): PhaseDurations {
  const out: PhaseDurations = { total: round(t.total) };
  if (t.setup !== undefined) out.setup = round(t.setup);
  if (t.dns !== undefined) out.dns = round(t.dns);
  if (t.connect !== undefined) out.connect = round(t.connect - (t.dns ?? 0));
  if (t.proxy !== undefined && t.connect !== undefined) out.proxy = round(t.proxy - t.connect);
  const beforeTls = t.proxy ?? t.connect;
  if (t.tls !== undefined && beforeTls !== undefined) out.tls = round(t.tls - beforeTls);
  if (t.firstByte !== undefined && t.tls !== undefined) out.wait = round(t.firstByte - t.tls);
  if (t.firstByte !== undefined) out.firstByte = round(t.firstByte);
  return out;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function stats(values: readonly number[]): PhaseStats | undefined {
  if (values.length === 0) return undefined;
  return { n: values.length, min: round(Math.min(...values)), median: round(median(values)), max: round(Math.max(...values)) };
}

export function summarize(attempts: readonly ProbeResult[]): PingSummary {
  const durations = attempts.map((a) => phaseDurations(a.timings));
  const phases: PingSummary['phases'] = {};
  for (const phase of PHASES) {
    const found = stats(durations.map((d) => d[phase]).filter((v): v is number => v !== undefined));
    if (found) phases[phase] = found;
  }
  const succeeded = attempts.filter((a) => a.ok).length;
  return { attempts: attempts.length, succeeded, failed: attempts.length - succeeded, phases };
}

/** The attempt whose details are shown: the first that failed, else the last. */
export function shownAttempt(attempts: readonly ProbeResult[]): ProbeResult | undefined {
  return attempts.find((a) => !a.ok) ?? attempts[attempts.length - 1];
}

export interface PingInputs {
  url: string;
  method: string;
  now: Date;
  count: number;
  timeoutMs: number;
  proxy: string | undefined;
  insecure: boolean;
  clientCertificate: ClientCertificateInfo | null;
  precheck: Precheck | null;
  /** Set when the pre-check refused to connect. */
  precheckFailure?: PingFailure;
  warnings?: string[];
  attempts: readonly ProbeResult[];
}

export function buildPingReport(input: PingInputs): PingReport {
  const attempts = [...input.attempts];
  const firstFailed = attempts.findIndex((a) => !a.ok);
  const attemptFailure = firstFailed === -1 ? undefined : attempts[firstFailed];
  const failure: PingFailure | null =
    input.precheckFailure ??
    (attemptFailure
      ? {
          attempt: firstFailed + 1,
          ...(attemptFailure.failure ?? { phase: 'http', code: 'UNKNOWN', message: 'the attempt failed', hint: 'run again with DEBUG=aitoss' }),
        }
      : null);
  const shown = shownAttempt(attempts);
  return {
    schemaVersion: PING_SCHEMA_VERSION,
    ok: failure === null && attempts.length > 0,
    url: input.url,
    method: input.method,
    evaluatedAt: input.now.toISOString(),
    count: input.count,
    timeoutMs: input.timeoutMs,
    proxy: input.proxy ?? null,
    insecure: input.insecure,
    clientCertificate: input.clientCertificate,
    precheck: input.precheck,
    failure,
    serverChain: (shown?.serverChain ?? []).map((c) => ({ ...c, daysRemaining: daysRemaining(new Date(c.notAfter), input.now) })),
    warnings: input.warnings ?? [],
    attempts,
    summary: summarize(attempts),
  };
}
