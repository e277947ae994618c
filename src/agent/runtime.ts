/**
 * The running agent: the presented pair, its swap, the watch on the sources, the expiry
 * notices, status() and metrics(). Decisions about certificates are the core's
 * (./candidates.ts is the seam); this module only sequences them in time.
 */
import { EventEmitter } from 'node:events';
import { dirname, resolve } from 'node:path';
import { reportCertificate, SCHEMA_VERSION, withRotation, type CertificateReport } from '../core/report.js';
import { checkReport, DEFAULT_FAIL_UNDER } from '../core/verdict.js';
import { escapeControlCharacters } from '../core/errors.js';
import { renderPrometheus } from '../render/prometheus.js';
import { asAgentError, fail, selectPair, type Candidate, type SourcePlan, type TurnedDown } from './candidates.js';
import { createRotatingDispatcher, type RotatingDispatcher } from './dispatcher.js';
import { ExpiryWatch, systemClock, type Notice } from './expiry.js';
import type {
  MtlsAgent,
  MtlsAgentEvents,
  MtlsAgentOptions,
  MtlsCertificateSummary,
  MtlsClock,
  MtlsRejectedEvent,
  MtlsReloadResult,
  MtlsStatus,
} from './index.js';
import { looksLikeContent } from '../input/src-value.js';
import { RotatingHttpsAgent } from './rotating-agent.js';
import { watchSources, type SourceWatcher } from './watcher.js';

/** The CLI's variable for a key passphrase (src/input/credentials.ts), read here without the CLI's input layer. */
const PASSPHRASE_ENV = 'AITOSS_KEY_PASSPHRASE';
const DEFAULT_RESCAN_MS = 60_000;
/** Problems of the presented pair that are failures, not warnings (they never get presented). */
const FAILURE_PROBLEMS = new Set([
  'expired',
  'not-yet-valid',
  'never-valid',
  'key-mismatch',
  'key-not-proven',
  'no-client-auth',
  'malformed-eku',
  'duplicate-extension',
  'unknown-critical-extension',
  'leaf-not-first',
  'no-key',
]);
/** Options that would weaken or replace the identity and verification the agent owns. */
const OWNED_AGENT_OPTIONS = ['cert', 'key', 'pfx', 'passphrase', 'ca', 'servername', 'rejectUnauthorized'] as const;

export async function startMtlsAgent(options: MtlsAgentOptions): Promise<MtlsAgent> {
  const plan = planSources(options);
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const passphrase = options.passphrase ?? (env[PASSPHRASE_ENV] ? env[PASSPHRASE_ENV] : undefined);
  const selection = await selectPair(plan, { passphrase, env, now: clock.now() });
  return new RunningAgent(options, plan, { env, clock, passphrase }, selection.chosen, selection.turnedDown);
}

function planSources(options: MtlsAgentOptions): SourcePlan {
  if (options === null || typeof options !== 'object') throw fail('option', 'createMtlsAgent needs options: { cert, key } or { dir }');
  const loose = options as MtlsAgentOptions & { rejectUnauthorized?: unknown };
  if ('rejectUnauthorized' in loose) {
    throw fail('option', 'rejectUnauthorized: server verification cannot be turned off; pass the server\'s CA as `ca` (and `servername`) instead');
  }
  for (const name of OWNED_AGENT_OPTIONS) {
    if (options.agentOptions && name in options.agentOptions) {
      throw fail('option', `agentOptions.${name}: set by the agent itself${name === 'rejectUnauthorized' ? ' (server verification cannot be turned off)' : `; pass ${name === 'ca' || name === 'servername' ? `\`${name}\` as a top-level option` : 'cert and key as sources'}`}`);
    }
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw fail('option', options.cert === undefined ? 'key is given without cert: pass both' : 'cert is given without key: pass both');
  }
  const pairs: SourcePlan['pairs'] = [];
  if (options.cert !== undefined && options.key !== undefined) pairs.push({ cert: options.cert, key: options.key, label: '' });
  for (const [i, pair] of (options.pairs ?? []).entries()) {
    if (!pair || pair.cert === undefined || pair.key === undefined) throw fail('option', `pairs[${i}]: needs cert and key`);
    pairs.push({ cert: pair.cert, key: pair.key, label: `pairs[${i}].` });
  }
  const dirs = options.dir === undefined ? [] : typeof options.dir === 'string' ? [options.dir] : [...options.dir];
  if (pairs.length === 0 && dirs.length === 0) throw fail('option', 'name the client certificate: { cert, key }, { pairs } or { dir }');
  if (options.rescanIntervalMs !== undefined && !(options.rescanIntervalMs >= 100)) {
    throw fail('option', 'rescanIntervalMs: at least 100 ms');
  }
  return { pairs, dirs };
}

/** Folders to watch: the folders named, and the folder of each file source. */
function watchedFolders(plan: SourcePlan): string[] {
  const files = plan.pairs
    .flatMap((p) => [p.cert, p.key])
    .filter((s): s is string => typeof s === 'string' && !s.startsWith('env:') && !looksLikeContent(s));
  return [...plan.dirs.map((d) => resolve(d)), ...files.map((f) => dirname(resolve(f)))];
}

function summary(report: CertificateReport): MtlsCertificateSummary {
  return {
    subject: report.subject,
    serialNumber: report.serialNumber,
    fingerprintSha256: report.fingerprintSha256,
    notAfter: report.notAfter,
    source: report.source,
  };
}

class RunningAgent implements MtlsAgent {
  readonly agent: RotatingHttpsAgent;
  readonly events = new EventEmitter();
  #current: Candidate;
  #loadedAt: Date;
  #rotations = 0;
  #rejections = 0;
  #lastRejected: MtlsRejectedEvent | null = null;
  /** Turned-down candidates already announced: each is announced once. */
  #announced = new Set<string>();
  #dispatcher: RotatingDispatcher | undefined;
  #watcher: SourceWatcher | undefined;
  #expiry: ExpiryWatch;
  #reloading: Promise<MtlsReloadResult> | undefined;
  #closed = false;
  /** Events raised while createMtlsAgent has not returned yet wait for the caller's listeners. */
  #held: Array<() => void> | undefined = [];
  #constructed = false;

  constructor(
    private readonly options: MtlsAgentOptions,
    private readonly plan: SourcePlan,
    private readonly context: { env: Readonly<Record<string, string | undefined>>; clock: MtlsClock; passphrase: string | undefined },
    chosen: Candidate,
    turnedDown: TurnedDown[],
  ) {
    this.#current = chosen;
    this.#loadedAt = context.clock.now();
    this.agent = new RotatingHttpsAgent(
      {
        ...options.agentOptions,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.servername === undefined ? {} : { servername: options.servername }),
      },
      { cert: chosen.certPem, key: chosen.keyPem },
    );
    this.#expiry = new ExpiryWatch(context.clock, (notice) => this.#notice(notice));
    this.#expiry.arm(chosen.pair.leaf.notBefore, chosen.pair.leaf.notAfter);
    for (const warning of this.#warnings()) this.#emit('warning', { message: warning, certificate: summary(chosen.report) });
    this.#announce(turnedDown.filter((t) => this.#newerThanCurrent(t, chosen)));
    if (options.watch) {
      this.#watcher = watchSources(watchedFolders(plan), options.rescanIntervalMs ?? DEFAULT_RESCAN_MS, () => {
        // A reload started by the watch has no caller to reject: what goes wrong is an event,
        // and the server keeps presenting its pair.
        this.reload().catch((error: unknown) => {
          const agentError = asAgentError(error, undefined);
          this.#announce([{ id: `error:${agentError.code}:${agentError.message}`, code: agentError.code, message: agentError.message, source: agentError.source }]);
        });
      });
    }
    // After the caller's `await createMtlsAgent(...)` and the listeners it attaches next.
    setImmediate(() => this.#flushHeld());
    this.#constructed = true;
  }

  get dispatcher(): MtlsAgent['dispatcher'] {
    this.#dispatcher ??= createRotatingDispatcher(
      { cert: this.#current.certPem, key: this.#current.keyPem },
      { ca: this.options.ca, servername: this.options.servername },
    );
    return this.#dispatcher as unknown as MtlsAgent['dispatcher'];
  }

  on<E extends keyof MtlsAgentEvents>(event: E, listener: (event: MtlsAgentEvents[E]) => void): this {
    this.events.on(event, listener);
    return this;
  }

  once<E extends keyof MtlsAgentEvents>(event: E, listener: (event: MtlsAgentEvents[E]) => void): this {
    this.events.once(event, listener);
    return this;
  }

  off<E extends keyof MtlsAgentEvents>(event: E, listener: (event: MtlsAgentEvents[E]) => void): this {
    this.events.off(event, listener);
    return this;
  }

  status(): MtlsStatus {
    const now = this.context.clock.now();
    const report = reportCertificate(this.#current.pair, now);
    return {
      ok: report.level !== 'expired' && report.level !== 'not-yet-valid' && report.level !== 'never-valid',
      level: report.level,
      subject: report.subject,
      issuer: report.issuer,
      serialNumber: report.serialNumber,
      fingerprintSha256: report.fingerprintSha256,
      notBefore: report.notBefore,
      notAfter: report.notAfter,
      daysRemaining: report.daysRemaining,
      source: report.source,
      keySource: report.keySource ?? '',
      loadedAt: this.#loadedAt.toISOString(),
      evaluatedAt: now.toISOString(),
      rotations: this.#rotations,
      watching: this.#watcher !== undefined,
      warnings: this.#warnings(now),
      lastRejected: this.#lastRejected,
    };
  }

  metrics(): string {
    const now = this.context.clock.now();
    const report = { schemaVersion: SCHEMA_VERSION as typeof SCHEMA_VERSION, evaluatedAt: now.toISOString(), ...withRotation([reportCertificate(this.#current.pair, now)]), keys: [], skipped: [] };
    const checked = checkReport(report, { failUnder: this.options.failUnder ?? DEFAULT_FAIL_UNDER, requireKey: true, all: false });
    return [
      renderPrometheus(checked).trimEnd(),
      '# HELP aitoss_agent_rotations_total Times the agent replaced the presented client certificate with a new one.',
      '# TYPE aitoss_agent_rotations_total counter',
      `aitoss_agent_rotations_total ${this.#rotations}`,
      '# HELP aitoss_agent_rejections_total Candidates the agent turned down (wrong key, expired, unreadable, ...).',
      '# TYPE aitoss_agent_rejections_total counter',
      `aitoss_agent_rejections_total ${this.#rejections}`,
      '# HELP aitoss_agent_loaded_timestamp_seconds When the presented pair was loaded, in seconds since the Unix epoch.',
      '# TYPE aitoss_agent_loaded_timestamp_seconds gauge',
      `aitoss_agent_loaded_timestamp_seconds ${Math.floor(this.#loadedAt.getTime() / 1000)}`,
      '',
    ].join('\n');
  }

  reload(): Promise<MtlsReloadResult> {
    // One reload at a time; a change during one is picked up by the next.
    const previous = this.#reloading ?? Promise.resolve(undefined);
    const next = previous.then(() => this.#reload());
    this.#reloading = next;
    void next.finally(() => {
      if (this.#reloading === next) this.#reloading = undefined;
    });
    return next;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watcher?.close();
    this.#expiry.disarm();
    // Requests in flight finish (a shutdown hook must not cut them); no socket is kept after.
    this.agent.retire();
    await this.#dispatcher?.close();
  }

  async #reload(): Promise<MtlsReloadResult> {
    if (this.#closed) return { outcome: 'unchanged', status: this.status() };
    const { clock, env, passphrase } = this.context;
    let selection;
    try {
      selection = await selectPair(this.plan, { passphrase, env, now: clock.now() });
    } catch (error) {
      const agentError = asAgentError(error, undefined);
      const id = `error:${agentError.code}:${agentError.message}`;
      const fresh = !this.#announced.has(id);
      this.#announce([{ id, code: agentError.code, message: `${agentError.message} (still presenting ${this.#current.report.source})`, source: agentError.source }]);
      return { outcome: fresh ? 'rejected' : 'unchanged', status: this.status() };
    }
    // A source that reads well again forgets its past errors: they are news if they return.
    for (const id of [...this.#announced]) if (id.startsWith('error:')) this.#announced.delete(id);
    const announced = this.#announce(selection.turnedDown.filter((t) => this.#newerThanCurrent(t, selection.chosen)));
    if (this.#closed || selection.chosen.id === this.#current.id) {
      return { outcome: announced > 0 ? 'rejected' : 'unchanged', status: this.status() };
    }
    const previous = this.#current;
    this.#current = selection.chosen;
    this.#loadedAt = clock.now();
    this.#rotations += 1;
    const identity = { cert: selection.chosen.certPem, key: selection.chosen.keyPem };
    this.agent.present(identity);
    this.#dispatcher?.present(identity);
    this.#emit('rotated', { previous: summary(previous.report), current: summary(selection.chosen.report), at: clock.now() });
    this.#expiry.arm(selection.chosen.pair.leaf.notBefore, selection.chosen.pair.leaf.notAfter);
    for (const warning of this.#warnings()) this.#emit('warning', { message: warning, certificate: summary(selection.chosen.report) });
    return { outcome: 'rotated', status: this.status() };
  }

  /** Older generations left beside the new one are no news; a failing newer one (or an unreadable file) is. */
  #newerThanCurrent(turned: TurnedDown, chosen: Candidate): boolean {
    return turned.notAfter === undefined || turned.notAfter.getTime() > chosen.pair.leaf.notAfter.getTime() || turned.id === this.#current.id;
  }

  /** Emit `rejected` for each candidate not announced before; returns how many were new. */
  #announce(turnedDown: TurnedDown[]): number {
    let fresh = 0;
    for (const turned of turnedDown) {
      if (this.#announced.has(turned.id)) continue;
      this.#announced.add(turned.id);
      fresh += 1;
      this.#rejections += 1;
      const event: MtlsRejectedEvent = { code: turned.code, message: turned.message, source: turned.source, at: this.context.clock.now().toISOString() };
      this.#lastRejected = event;
      this.#emit('rejected', event);
    }
    return fresh;
  }

  #notice(notice: Notice): void {
    const certificate = summary(this.#current.report);
    const at = this.context.clock.now();
    if (notice.kind === 'expired') this.#emit('expired', { certificate, at });
    else this.#emit('expiring', { level: notice.level, thresholdDays: notice.thresholdDays, daysRemaining: notice.daysRemaining, certificate, at });
  }

  #warnings(now = this.context.clock.now()): string[] {
    return reportCertificate(this.#current.pair, now)
      .problems.filter((p) => p.severity !== 'info' && !FAILURE_PROBLEMS.has(p.code))
      .map((p) => escapeControlCharacters(`${this.#current.report.source}: ${p.message}`));
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = undefined;
    for (const emit of held ?? []) emit();
  }

  #emit<E extends keyof MtlsAgentEvents>(event: E, payload: MtlsAgentEvents[E]): void {
    const emit = () => {
      // A throwing listener is the application's bug; it must not stop a rotation half-way.
      try {
        this.events.emit(event, payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    };
    if (this.#held && !this.#constructed) {
      this.#held.push(emit);
      return;
    }
    // Anything after creation (a reload the caller awaits) is delivered now, after what creation raised.
    this.#flushHeld();
    emit();
  }
}
