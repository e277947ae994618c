#!/usr/bin/env node
// The built CLI is one bundle (plus lazily loaded chunks) made by `npm run build`.

// Node 22.1+ can keep V8's compiled code between runs: later starts skip compiling the
// bundle. (Node 20 has no such cache; getBuiltinModule avoids an import's own cost.)
process.getBuiltinModule?.('node:module')?.enableCompileCache?.();

// A closed stdout (`aitoss cert inspect dir | head -1`) ends the run quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { main } = await import('../dist/cli.js');
// exitCode, not exit(): pending output is flushed before the process ends.
process.exitCode = await main(process.argv.slice(2));
