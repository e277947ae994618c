/**
 * Every property test, in test/fuzz or beside the code it tests, runs with the fuzz
 * settings: a fixed seed in `npm test`, so CI runs the same cases every time; new cases
 * under `npm run fuzz` (test/fuzz/settings.ts).
 */
import '../fuzz/settings.js';
