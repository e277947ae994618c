/**
 * Expiry notices with an injected clock: the levels of `cert inspect` (30, 7, 1 days and
 * expiry), timers never longer than setTimeout allows, one notice at start when already
 * inside a window, and timers re-armed for the new certificate after a rotation.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/lifecycle.js';
import { createMtlsAgent, type MtlsAgent, type MtlsClock, type MtlsExpiringEvent } from '../../src/agent/index.js';
import { MAX_TIMER_MS, nextLevelChange } from '../../src/agent/expiry.js';
import { addDays } from '../../scripts/lib/pki.mjs';
import { createAgentPki, tempDir, writePair } from './helpers.js';

/** A clock whose time moves only when the test says, firing the timers that come due. */
class ManualClock implements MtlsClock {
  #time: number;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;
  /** Every delay asked for, to check the cap. */
  readonly delays: number[] = [];

  constructor(start: Date) {
    this.#time = start.getTime();
  }

  now(): Date {
    return new Date(this.#time);
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    this.delays.push(delayMs);
    const id = this.#next++;
    this.#timers.set(id, { at: this.#time + delayMs, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Move time forward to `target`, firing due timers in order (each may schedule more). */
  advanceTo(target: Date): void {
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= target.getTime()).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#time = due[1].at;
      due[1].callback();
    }
    this.#time = target.getTime();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('expiry notices', () => {
  it('fires expiring at 30, urgent at 7, critical at 1 day and expired at notAfter, each once, with timers capped', async () => {
    const pki = await createAgentPki();
    const start = new Date();
    const pair = await pki.client({ notBefore: addDays(start, -340), notAfter: addDays(start, 50) });
    const clock = new ManualClock(start);
    const mtls: MtlsAgent = await createMtlsAgent({ cert: pair.cert, key: pair.key, clock });
    const events: Array<{ name: string; level?: string; days?: number; at: number }> = [];
    mtls.on('expiring', (e: MtlsExpiringEvent) => events.push({ name: 'expiring', level: e.level, days: e.daysRemaining, at: e.at.getTime() }));
    mtls.on('expired', (e) => events.push({ name: 'expired', at: e.at.getTime() }));
    await tick();
    expect(events).toEqual([]);

    const notAfter = Date.parse(mtls.status().notAfter);
    clock.advanceTo(new Date(notAfter - 31 * DAY_MS));
    expect(events).toEqual([]);
    clock.advanceTo(new Date(notAfter - 30 * DAY_MS));
    expect(events).toEqual([{ name: 'expiring', level: 'expiring', days: 30, at: notAfter - 31 * DAY_MS + 1 }]);
    expect(mtls.status()).toMatchObject({ level: 'expiring', daysRemaining: 30 });
    clock.advanceTo(new Date(notAfter - 2 * DAY_MS));
    expect(events.map((e) => e.level)).toEqual(['expiring', 'urgent']);
    expect(events[1]).toMatchObject({ days: 7 });
    clock.advanceTo(new Date(notAfter + DAY_MS));
    expect(events.map((e) => e.level ?? e.name)).toEqual(['expiring', 'urgent', 'critical', 'expired']);
    expect(events[3]!.at).toBe(notAfter);
    expect(mtls.status()).toMatchObject({ level: 'expired', ok: false });
    expect(clock.pending).toBe(0);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
    await mtls.close();
  });

  it('re-arms a wait longer than setTimeout allows (a new 390-day certificate)', async () => {
    const pki = await createAgentPki();
    const start = new Date();
    const pair = await pki.client({ notBefore: addDays(start, -1), notAfter: addDays(start, 389) });
    const clock = new ManualClock(start);
    const mtls = await createMtlsAgent({ cert: pair.cert, key: pair.key, clock });
    const levels: string[] = [];
    mtls.on('expiring', (e) => levels.push(e.level));
    expect(clock.delays).toEqual([MAX_TIMER_MS]);
    await tick();
    clock.advanceTo(addDays(start, 370));
    expect(levels).toEqual(['expiring']);
    expect(clock.delays.length).toBeGreaterThan(10);
    expect(clock.delays.every((d) => d > 0 && d <= MAX_TIMER_MS)).toBe(true);
    await mtls.close();
    expect(clock.pending).toBe(0);
  });

  it('announces once at start when already inside a window, and follows the new certificate after a rotation', async () => {
    const pki = await createAgentPki();
    const start = new Date();
    const old = await pki.client({ notBefore: addDays(start, -385), notAfter: addDays(start, 5) });
    const next = await pki.client({ notBefore: addDays(start, -1), notAfter: addDays(start, 389) });
    const dir = tempDir();
    writePair(dir, 'app-old', old);
    const clock = new ManualClock(start);
    const mtls = await createMtlsAgent({ dir, clock });
    const levels: string[] = [];
    mtls.on('expiring', (e) => levels.push(`${e.level}:${e.certificate.serialNumber}`));
    await tick();
    expect(levels).toEqual([`urgent:${old.serial}`]);

    writePair(dir, 'app-new', next);
    expect((await mtls.reload()).outcome).toBe('rotated');
    // The old certificate's timers are gone: its critical day passes in silence.
    clock.advanceTo(addDays(start, 5));
    expect(levels).toEqual([`urgent:${old.serial}`]);
    clock.advanceTo(addDays(start, 360));
    expect(levels).toEqual([`urgent:${old.serial}`, `expiring:${next.serial}`]);
    await mtls.close();
  });

  it('computes level changes as the core does (whole days, rounded down)', () => {
    const notAfter = new Date('2027-06-26T00:00:00Z');
    expect(nextLevelChange(notAfter, new Date('2027-01-01T00:00:00Z'))).toBe(notAfter.getTime() - 31 * DAY_MS + 1);
    expect(nextLevelChange(notAfter, new Date(notAfter.getTime() - DAY_MS))).toBe(notAfter.getTime());
    expect(nextLevelChange(notAfter, notAfter)).toBeUndefined();
  });
});
