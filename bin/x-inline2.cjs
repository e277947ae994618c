#!/usr/bin/env node
'use strict';
const { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { join, dirname } = require('node:path');
const Module = module.constructor;
const cliFile = join(__dirname, '..', 'dist', 'cli.cjs');
function loadCli(file, env) {
  if (!process.version.startsWith('v20.') && !process.version.startsWith('v21.')) { require('node:module').enableCompileCache?.(); return require(file); }
  const cacheDir = env.NODE_DISABLE_COMPILE_CACHE ? undefined : env.NODE_COMPILE_CACHE ? join(env.NODE_COMPILE_CACHE, 'aitoss') : join(require('node:os').tmpdir(), `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`);
  const source = readFileSync(file, 'utf8');
  const buildId = /^\/\* aitoss-build:([0-9a-f]{16}) \*\//.exec(source)?.[1];
  const cacheFile = buildId !== undefined && cacheDir !== undefined && usable(cacheDir) ? join(cacheDir, `cli-${buildId}-v8-${process.versions.v8}-${process.arch}.cache`) : undefined;
  let cachedData; if (cacheFile) try { cachedData = readFileSync(cacheFile); } catch {}
  const { Script } = require('node:vm');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const m = { exports: {} };
  script.runInThisContext()(m.exports, Module.createRequire(file), m, file, dirname(file));
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => { try { const tmp = `${cacheFile}.${process.pid}.tmp`; writeFileSync(tmp, script.createCachedData(), { mode: 0o600 }); renameSync(tmp, cacheFile); } catch {} });
  return m.exports;
}
function usable(dir) { try { mkdirSync(dir, { recursive: true, mode: 0o700 }); const i = lstatSync(dir); return i.isDirectory() && (process.getuid === undefined || (i.uid === process.getuid() && (i.mode & 0o022) === 0)); } catch { return false; } }
loadCli(cliFile, process.env).run(process.argv.slice(2));
