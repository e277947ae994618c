/**
 * How hard the fuzz tests push: a quick pass in `npm test` (CI), a long one with
 * `npm run fuzz` (AITOSS_FUZZ_RUNS=20000).
 */
export const FUZZ_RUNS = Number(process.env.AITOSS_FUZZ_RUNS ?? 150);
/** Upper bound for handling one input in-process, generous for a loaded 2-core CI box. */
export const MAX_MS_PER_INPUT = 2_000;
