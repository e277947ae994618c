/**
 * How hard the fuzz tests push: a quick pass in `npm test` (CI), a long one with
 * `npm run fuzz` (AITOSS_FUZZ_RUNS=20000).
 *
 * The quick pass uses a fixed seed, so main's CI runs the same cases every time and a
 * red build always means a change broke something; the long run draws new cases each
 * time (AITOSS_FUZZ_SEED replays one: fast-check prints the seed of a failure).
 */
import fc from 'fast-check';

export const FUZZ_RUNS = Number(process.env.AITOSS_FUZZ_RUNS ?? 150);
/** Upper bound for handling one input in-process, generous for a loaded 2-core CI box. */
export const MAX_MS_PER_INPUT = 2_000;

const seed = process.env.AITOSS_FUZZ_SEED ?? (process.env.AITOSS_FUZZ_RUNS === undefined ? '20261127' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
