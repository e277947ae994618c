#!/usr/bin/env node
// Runs the built CLI (dist/cli.cjs, made by `npm run build`); src/cli.ts decides the exit code.
'use strict';
const { join } = require('node:path');

// Node 22.1+ keeps compiled code between runs, checksummed, in a directory of the user's
// own (README, "Performance"); NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE win.
const cacheHome = process.env.XDG_CACHE_HOME?.startsWith('/') ? process.env.XDG_CACHE_HOME : process.env.HOME?.startsWith('/') && join(process.env.HOME, '.cache');
if (cacheHome) require('node:module').enableCompileCache?.(join(cacheHome, 'aitoss', 'node-compile-cache'));

const root = join(__dirname, '..');
let cli;
try {
  cli = require('../dist/cli.cjs');
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.cjs')) throw error;
}
// Never built, or built by another version (a pull without a rebuild): one line, no stack trace.
if (typeof cli?.run !== 'function') {
  process.stderr.write(`aitoss: ${cli ? `${join(root, 'dist')} was built by another version of aitoss` : `${join(root, 'dist', 'cli.cjs')} is missing`}: run npm install (or npm run build) in ${root}\n`);
  process.exit(70);
}
cli.run(process.argv.slice(2));
