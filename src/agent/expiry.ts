/**
 * Expiry notices for the presented certificate, on the levels of `cert inspect`: a level
 * is reached when the whole days left (core's daysRemaining, rounded down) drop to 30, 7
 * or 1, and `expired` at notAfter. One timer at a time, aimed at the next level change;
 * setTimeout holds at most 2^31−1 ms (~24.8 days), so a longer wait is re-armed in steps.
 */
import { DAY_MS, daysRemaining, levelAt, NOTICE_DAYS, type Level } from '../core/lifecycle.js';
import type { MtlsClock } from './index.js';

/** The longest delay setTimeout honours; a larger one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type Notice =
  | { kind: 'expiring'; level: 'expiring' | 'urgent' | 'critical'; thresholdDays: 30 | 7 | 1; daysRemaining: number }
  | { kind: 'expired' };

const SEVERITY: Record<Level, number> = { 'not-yet-valid': 0, ok: 0, expiring: 1, urgent: 2, critical: 3, expired: 4, 'never-valid': 4 };

export function noticeFor(level: Level, days: number): Notice | undefined {
  switch (level) {
    case 'expiring':
      return { kind: 'expiring', level, thresholdDays: NOTICE_DAYS.expiring, daysRemaining: days };
    case 'urgent':
      return { kind: 'expiring', level, thresholdDays: NOTICE_DAYS.urgent, daysRemaining: days };
    case 'critical':
      return { kind: 'expiring', level, thresholdDays: NOTICE_DAYS.critical, daysRemaining: days };
    case 'expired':
      return { kind: 'expired' };
    default:
      return undefined;
  }
}

/** The first instant after `now` at which the level of a certificate valid until `notAfter` changes. */
export function nextLevelChange(notAfter: Date, now: Date): number | undefined {
  const end = notAfter.getTime();
  // daysRemaining ≤ N once notAfter − now < (N + 1) days, i.e. from notAfter − (N+1) days + 1 ms.
  const changes = [NOTICE_DAYS.expiring, NOTICE_DAYS.urgent, NOTICE_DAYS.critical].map((n) => end - (n + 1) * DAY_MS + 1);
  changes.push(end);
  return changes.filter((t) => t > now.getTime()).sort((a, b) => a - b)[0];
}

export class ExpiryWatch {
  #handle: unknown;
  #announced = 0;
  #notBefore = new Date(0);
  #notAfter = new Date(0);

  constructor(
    private readonly clock: MtlsClock,
    private readonly notify: (notice: Notice) => void,
  ) {}

  /** Watch a newly presented certificate; a level it is already at is announced once now. */
  arm(notBefore: Date, notAfter: Date): void {
    this.disarm();
    this.#notBefore = notBefore;
    this.#notAfter = notAfter;
    this.#announced = 0;
    this.#check();
  }

  disarm(): void {
    if (this.#handle !== undefined) this.clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #check(): void {
    this.#handle = undefined;
    const now = this.clock.now();
    const level = levelAt(this.#notBefore, this.#notAfter, now);
    // Only a worse level is news: a clock that jumped over several announces the worst.
    if (SEVERITY[level] > this.#announced) {
      this.#announced = SEVERITY[level];
      const notice = noticeFor(level, daysRemaining(this.#notAfter, now));
      if (notice) this.notify(notice);
    }
    const next = nextLevelChange(this.#notAfter, now);
    if (next === undefined) return;
    this.#handle = this.clock.setTimeout(() => this.#check(), Math.min(next - now.getTime(), MAX_TIMER_MS));
  }
}

export const systemClock: MtlsClock = {
  now: () => new Date(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
