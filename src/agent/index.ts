/**
 * `aitoss/agent`: the client certificate inside the partner's server. One call builds an
 * https.Agent (and, when undici is installed, a fetch dispatcher) that presents the pair
 * `cert check` would judge current, validated with the CLI's rules before the first
 * request, rotated without a restart and watched until it expires.
 *
 * This file is the whole public surface: every type and the error class live here, so the
 * build emits one self-contained declaration file from it (scripts/build.mjs). The work is
 * done in ./runtime.ts, which imports the error class back from here.
 */
import type { EventEmitter } from 'node:events';
import type { Agent as HttpsAgent, AgentOptions as HttpsAgentOptions } from 'node:https';
// undici is an optional peer. With it installed, `dispatcher` has undici's own Dispatcher
// type (what its fetch takes); without it, the import resolves to nothing and the type
// falls back to `any` instead of breaking the consumer's type check.
// @ts-ignore -- kept in the shipped declarations on purpose (see above)
import type { Dispatcher } from 'undici';
import { startMtlsAgent } from './runtime.js';

/**
 * Where a certificate or key comes from, in every form the CLI reads: a file path,
 * `env:NAME` (raw PEM, PEM with literal `\n`, or base64 of PEM or DER), PEM text itself,
 * or the bytes of a PEM or DER file.
 */
export type CredentialSource = string | Buffer;

export interface MtlsPairSource {
  cert: CredentialSource;
  key: CredentialSource;
}

export interface MtlsClock {
  /** The current time; every date decision (level, days left, validity) reads it. */
  now(): Date;
  /** Schedules the expiry timers (the default unrefs them, so they never keep a process alive). */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MtlsAgentOptions {
  /** The certificate (leaf first, intermediates after it) when the pair is named. */
  cert?: CredentialSource;
  /** Its private key. */
  key?: CredentialSource;
  /** Several pairs: the agent presents the current one (`cert check`'s rotation model). */
  pairs?: readonly MtlsPairSource[];
  /** Folders holding one or more generations of certificate and key (not recursive). */
  dir?: string | readonly string[];
  /** Passphrase of an encrypted key; default: AITOSS_KEY_PASSPHRASE. Never prompted for. */
  passphrase?: string;
  /** Re-read the sources on change (file system events plus a periodic rescan). */
  watch?: boolean;
  /** With `watch`: how often the sources are re-read anyway, in ms (default 60000). */
  rescanIntervalMs?: number;
  /** Trusted CA certificates for the server (default: Node's bundled roots). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** TLS server name (SNI and the name the server certificate is checked against). */
  servername?: string;
  /** More https.Agent options; those about the client identity and verification are the agent's. */
  agentOptions?: Omit<HttpsAgentOptions, 'cert' | 'key' | 'pfx' | 'passphrase' | 'ca' | 'servername' | 'rejectUnauthorized'>;
  /** Threshold of `aitoss_check_success` in metrics(), as `cert check --fail-under` (default 30). */
  failUnder?: number;
  /** Environment for `env:NAME` sources and AITOSS_KEY_PASSPHRASE (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Time and timers, for tests (default: the system clock, unref'd timers). */
  clock?: MtlsClock;
}

/** The levels of `cert inspect` and `cert check`. */
export type MtlsLevel = 'ok' | 'expiring' | 'urgent' | 'critical' | 'expired' | 'not-yet-valid' | 'never-valid';

/** The presented pair, for health endpoints. Field names are those of `cert check --json`. */
export interface MtlsStatus {
  /** The presented certificate is within its validity period. */
  ok: boolean;
  level: MtlsLevel;
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  daysRemaining: number;
  /** Where the certificate and its key were read from (paths, `env:NAME`, `options.cert`). */
  source: string;
  keySource: string;
  /** When the presented pair was loaded (creation or last rotation), ISO 8601. */
  loadedAt: string;
  /** When this status was computed, ISO 8601. */
  evaluatedAt: string;
  /** How many times a new pair replaced the presented one. */
  rotations: number;
  watching: boolean;
  /** What `cert inspect` would warn about for the presented pair (390-day rule, notices). */
  warnings: string[];
  /** The last candidate turned down, if any. */
  lastRejected: MtlsRejectedEvent | null;
}

/** Codes of MtlsAgentError; those shared with `cert check` reasons mean the same thing. */
export type MtlsErrorCode =
  | 'expired'
  | 'not-yet-valid'
  | 'never-valid'
  | 'key-mismatch'
  | 'key-not-proven'
  | 'no-key'
  | 'no-client-auth'
  | 'malformed-eku'
  | 'duplicate-extension'
  | 'unknown-critical-extension'
  | 'leaf-not-first'
  | 'no-certificate'
  | 'ambiguous'
  | 'input'
  | 'option'
  | 'undici-missing';

/** Every failure the agent reports: a code, one line of message, the source it concerns. Never key material. */
export class MtlsAgentError extends Error {
  override readonly name: 'MtlsAgentError' = 'MtlsAgentError';
  readonly code: MtlsErrorCode;
  /** The source concerned (a path, `env:NAME`, `options.cert`), when there is one. */
  readonly source: string | undefined;

  constructor(code: MtlsErrorCode, message: string, source?: string) {
    super(message);
    this.code = code;
    this.source = source;
  }
}

/** The certificate facts every event carries. */
export interface MtlsCertificateSummary {
  subject: string;
  serialNumber: string;
  fingerprintSha256: string;
  notAfter: string;
  source: string;
}

export interface MtlsExpiringEvent {
  /** `expiring` (30 days or fewer), `urgent` (7), `critical` (1): the console's notices. */
  level: 'expiring' | 'urgent' | 'critical';
  /** The notice crossed: 30, 7 or 1. */
  thresholdDays: 30 | 7 | 1;
  daysRemaining: number;
  certificate: MtlsCertificateSummary;
  at: Date;
}

export interface MtlsExpiredEvent {
  certificate: MtlsCertificateSummary;
  at: Date;
}

export interface MtlsRotatedEvent {
  previous: MtlsCertificateSummary;
  current: MtlsCertificateSummary;
  at: Date;
}

export interface MtlsRejectedEvent {
  code: MtlsErrorCode;
  /** One line: what was turned down and why. */
  message: string;
  source: string | undefined;
  /** When it was turned down, ISO 8601. */
  at: string;
}

export interface MtlsWarningEvent {
  message: string;
  certificate: MtlsCertificateSummary;
}

export interface MtlsAgentEvents {
  expiring: MtlsExpiringEvent;
  expired: MtlsExpiredEvent;
  rotated: MtlsRotatedEvent;
  rejected: MtlsRejectedEvent;
  warning: MtlsWarningEvent;
}

export interface MtlsReloadResult {
  /** `rotated`: a new pair is presented; `unchanged`: the current one stays; `rejected`: a candidate was turned down. */
  outcome: 'rotated' | 'unchanged' | 'rejected';
  status: MtlsStatus;
}

export interface MtlsAgent {
  /** For node:https, axios (`httpsAgent`), got (`agent: { https }`). Server verification is always on. */
  readonly agent: HttpsAgent;
  /** For undici's fetch (`dispatcher`); loaded on first use; throws `undici-missing` when undici is not installed. */
  readonly dispatcher: Dispatcher;
  status(): MtlsStatus;
  /** Prometheus text: `cert check --format prometheus`'s metrics for the presented pair, plus the agent's own. */
  metrics(): string;
  /** Re-read the sources now (what `watch` does on a change). */
  reload(): Promise<MtlsReloadResult>;
  /** Stops watching and timers, closes idle connections. */
  close(): Promise<void>;
  on<E extends keyof MtlsAgentEvents>(event: E, listener: (event: MtlsAgentEvents[E]) => void): this;
  once<E extends keyof MtlsAgentEvents>(event: E, listener: (event: MtlsAgentEvents[E]) => void): this;
  off<E extends keyof MtlsAgentEvents>(event: E, listener: (event: MtlsAgentEvents[E]) => void): this;
  /** The emitter itself, for tooling that takes one (events.once, on()). */
  readonly events: EventEmitter;
}

/**
 * Read, validate and present a client certificate. Rejects with an MtlsAgentError when no
 * pair passes the CLI's rules; nothing falls back silently.
 */
export function createMtlsAgent(options: MtlsAgentOptions): Promise<MtlsAgent> {
  return startMtlsAgent(options);
}
