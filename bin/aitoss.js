#!/usr/bin/env node
// The built CLI is one bundle (plus lazily loaded chunks) made by `npm run build`.
import { main } from '../dist/cli.js';

// A closed stdout (`aitoss cert inspect dir | head -1`) ends the run quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then((code) => {
  // exitCode, not exit(): pending output is flushed before the process ends.
  process.exitCode = code;
});
