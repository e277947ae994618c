#!/usr/bin/env node
// The built CLI is one bundle (plus lazily loaded chunks) made by `npm run build`.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
