#!/usr/bin/env node
// The built CLI (`npm run build`): dist/cli.cjs, loaded by dist/startup.cjs, which keeps
// its compiled code between runs. CommonJS throughout: the ESM loader would add ~10 ms
// to every start.
'use strict';

const { loadCli } = require('../dist/startup.cjs');
loadCli(`${__dirname}/../dist/cli.cjs`).run(process.argv.slice(2));
