import { describe, expect, it } from 'vitest';
import { daysRemaining, hasPlatformValidity, levelAt, renewFrom, validityDays, DAY_MS } from '../../src/core/lifecycle.js';

const now = new Date('2026-12-01T00:00:00Z');
const at = (iso: string) => new Date(iso);
const plusDays = (days: number) => new Date(now.getTime() + days * DAY_MS);
const notBefore = at('2026-01-01T00:00:00Z');

describe('daysRemaining', () => {
  it('is the floor of whole days until notAfter', () => {
    expect(daysRemaining(plusDays(30), now)).toBe(30);
    expect(daysRemaining(new Date(plusDays(30).getTime() - 1), now)).toBe(29);
    expect(daysRemaining(plusDays(0.5), now)).toBe(0);
    expect(daysRemaining(plusDays(-0.5), now)).toBe(-1);
  });
});

describe('levelAt', () => {
  it.each([
    [31, 'ok'],
    [30.99, 'expiring'], // floor: 30 whole days left
    [30, 'expiring'],
    [8, 'expiring'],
    [7.99, 'urgent'],
    [2, 'urgent'],
    [1.99, 'critical'],
    [0.01, 'critical'],
    [0, 'expired'],
    [-3, 'expired'],
  ] as const)('%s days before notAfter is %s', (days, level) => {
    expect(levelAt(notBefore, plusDays(days), now)).toBe(level);
  });

  it('is not-yet-valid before notBefore, whatever notAfter', () => {
    expect(levelAt(plusDays(1), plusDays(391), now)).toBe('not-yet-valid');
    expect(levelAt(now, plusDays(390), now)).toBe('ok');
  });
});

describe('the 390-day platform validity', () => {
  it('accepts exactly 390 days and a second short of it', () => {
    expect(hasPlatformValidity(notBefore, new Date(notBefore.getTime() + 390 * DAY_MS))).toBe(true);
    expect(hasPlatformValidity(notBefore, new Date(notBefore.getTime() + 390 * DAY_MS - 1000))).toBe(true);
  });
  it('rejects 365 and 398 days', () => {
    expect(hasPlatformValidity(notBefore, new Date(notBefore.getTime() + 365 * DAY_MS))).toBe(false);
    expect(hasPlatformValidity(notBefore, new Date(notBefore.getTime() + 398 * DAY_MS))).toBe(false);
  });
  it('reports the period in days to two decimals', () => {
    expect(validityDays(notBefore, new Date(notBefore.getTime() + 390 * DAY_MS))).toBe(390);
    expect(validityDays(notBefore, new Date(notBefore.getTime() + 365.5 * DAY_MS))).toBe(365.5);
  });
});

it('renewal starts at the first notice, 30 days before expiry', () => {
  expect(renewFrom(at('2027-06-26T00:00:00Z')).toISOString()).toBe('2027-05-27T00:00:00.000Z');
});
