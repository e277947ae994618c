#!/usr/bin/env node
// Runs the built CLI (dist/cli.cjs, made by `npm run build`); src/cli.ts decides the exit code.
'use strict';
const { join } = require('node:path');

// Node 22.1+ keeps compiled code between runs, checksummed, in a directory of the user's
// own (README, "Performance"); NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE win.
const cacheHome = process.env.XDG_CACHE_HOME?.startsWith('/') ? process.env.XDG_CACHE_HOME : process.env.HOME?.startsWith('/') && join(process.env.HOME, '.cache');
if (cacheHome) require('node:module').enableCompileCache?.(join(cacheHome, 'aitoss', 'node-compile-cache'));

let cli;
try {
  cli = require('../dist/cli.cjs');
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.cjs')) throw error;
  // A clone that was never built (npm install builds it): one line, no stack trace.
  process.stderr.write(`aitoss: ${join(__dirname, '..', 'dist', 'cli.cjs')} is missing: run npm install (or npm run build) in ${join(__dirname, '..')}\n`);
  process.exit(70);
}
cli.run(process.argv.slice(2));
