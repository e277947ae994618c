/**
 * Durations as users of curl and kubectl write them: `10s`, `500ms`, `2m`, `1m30s`,
 * `1.5s`; a bare number is milliseconds (what `--timeout` always took). The result is a
 * whole number of milliseconds, at least 1 and at most what a Node timer can wait
 * (2^31 - 1 ms, about 24.8 days: a longer timer would fire at once).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const DURATION_EXPECTED = 'a duration such as 10s, 500ms or 2m (a bare number is milliseconds)';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or the reason the text is not a usable duration (see DURATION_EXPECTED). */
export function parseDuration(text: string): { ms: number } | { problem: string } {
  const value = text.trim();
  if (/^\d+$/.test(value)) return bounded(Number(value));
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(value)) return { problem: `expected ${DURATION_EXPECTED}` };
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(amount) * UNIT_MS[unit!]!;
  return bounded(Math.round(ms));
}

function bounded(ms: number): { ms: number } | { problem: string } {
  if (ms < 1) return { problem: 'expected a duration of at least 1ms' };
  if (ms > MAX_TIMER_MS) return { problem: 'expected a duration of at most 596h (about 24 days)' };
  return { ms };
}

/** `10000` → `10s`, `1500` → `1.5s`, `120000` → `2m`, `250` → `250ms`: how help texts write a default. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
