import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_TIMER_MS, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['10000', 10_000],
    ['10s', 10_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    [' 3s ', 3000],
    ['1', 1],
    [String(MAX_TIMER_MS), MAX_TIMER_MS],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ms });
  });

  it.each([
    ['10x', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['-5s', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['1e3', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['10 s', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['0', 'expected a duration of at least 1ms'],
    ['0s', 'expected a duration of at least 1ms'],
    ['0.4ms', 'expected a duration of at least 1ms'],
    [String(MAX_TIMER_MS + 1), 'expected a duration of at most 596h (about 24 days)'],
    ['597h', 'expected a duration of at most 596h (about 24 days)'],
    ['99999999999999999999999', 'expected a duration of at most 596h (about 24 days)'],
  ])('refuses %j: %s', (text, problem) => {
    expect(parseDuration(text)).toEqual({ problem });
  });

  it('any text gives a whole number of milliseconds a timer can wait, or a reason', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseDuration(text);
        if ('ms' in parsed) expect(Number.isSafeInteger(parsed.ms) && parsed.ms >= 1 && parsed.ms <= MAX_TIMER_MS).toBe(true);
        else expect(parsed.problem).toMatch(/^expected /);
      }),
    );
  });
});

it('formatDuration writes a default the way --timeout reads it', () => {
  for (const ms of [10_000, 1500, 120_000, 250]) expect(parseDuration(formatDuration(ms))).toEqual({ ms });
  expect(formatDuration(10_000)).toBe('10s');
});
