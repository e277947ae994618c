/**
 * The platform's certificate lifecycle rules. Apps in Toss certificates are valid for
 * 390 days and the console warns 30, 7 and 1 day before expiry. Every function takes
 * `now` as a parameter: nothing here reads the clock.
 */

export const DAY_MS = 86_400_000;
export const PLATFORM_VALIDITY_DAYS = 390;
/** The console's notices, in days before expiry. */
export const NOTICE_DAYS = { expiring: 30, urgent: 7, critical: 1 } as const;

/** `never-valid`: notBefore is after notAfter, so no instant is inside the validity period. */
export type Level = 'ok' | 'expiring' | 'urgent' | 'critical' | 'expired' | 'not-yet-valid' | 'never-valid';

/** Whole days left: floor((notAfter − now) / 1 day); negative once expired. */
export function daysRemaining(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

export function levelAt(notBefore: Date, notAfter: Date, now: Date): Level {
  if (notBefore.getTime() > notAfter.getTime()) return 'never-valid';
  if (now.getTime() < notBefore.getTime()) return 'not-yet-valid';
  if (now.getTime() >= notAfter.getTime()) return 'expired';
  const days = daysRemaining(notAfter, now);
  if (days <= NOTICE_DAYS.critical) return 'critical';
  if (days <= NOTICE_DAYS.urgent) return 'urgent';
  if (days <= NOTICE_DAYS.expiring) return 'expiring';
  return 'ok';
}

/** Length of the validity period in days, to two decimals. */
export function validityDays(notBefore: Date, notAfter: Date): number {
  return Math.round(((notAfter.getTime() - notBefore.getTime()) / DAY_MS) * 100) / 100;
}

/** Whether the period is the platform's 390 days (within a day: some CAs end a second early). */
export function hasPlatformValidity(notBefore: Date, notAfter: Date): boolean {
  return Math.abs(notAfter.getTime() - notBefore.getTime() - PLATFORM_VALIDITY_DAYS * DAY_MS) < DAY_MS;
}

/** The day renewal should start: the first notice, 30 days before expiry. */
export function renewFrom(notAfter: Date): Date {
  return new Date(notAfter.getTime() - NOTICE_DAYS.expiring * DAY_MS);
}

/** Levels ordered from healthiest to worst, for sorting and summaries. */
export const LEVEL_ORDER: readonly Level[] = ['ok', 'not-yet-valid', 'expiring', 'urgent', 'critical', 'expired', 'never-valid'];

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * How long ago an expired certificate expired, in whole days rounded down like the days
 * left (`daysRemaining` of an expired certificate rounds the other way: one hour after
 * notAfter it is -1): `expired 36 days ago`, `expired less than a day ago`.
 */
export function expiredAgoPhrase(notAfter: Date, now: Date): string {
  const days = Math.floor((now.getTime() - notAfter.getTime()) / DAY_MS);
  return days < 1 ? 'expired less than a day ago' : `expired ${days} day${days === 1 ? '' : 's'} ago`;
}

/**
 * The time left in words, as every output says it: `25 days left, expires 2027-01-14`,
 * `less than a day left, expires 2026-12-01 at 12:00 UTC`, `1 day left, …`. For a valid certificate.
 */
export function timeLeftPhrase(days: number, notAfter: Date): string {
  if (days < 1) return `less than a day left, expires ${isoDay(notAfter)} at ${notAfter.toISOString().slice(11, 16)} UTC`;
  return `${days} day${days === 1 ? '' : 's'} left, expires ${isoDay(notAfter)}`;
}
