/**
 * bin/aitoss.cjs: a few lines that run the built CLI, with Node's own compile cache on
 * Node 22.1+ in a directory of the user's own, and none on Node 20.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, fixture, PIN } from '../e2e/helpers.js';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
/** module.enableCompileCache() came with Node 22.1. */
const nodeHasCompileCache = major > 22 || (major === 22 && minor >= 1);

/** A fresh HOME and TMPDIR for one run of the bin, and what it leaves in them. */
function runInFreshHome(args: string[], extraEnv: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'aitoss-home-'));
  const temp = mkdtempSync(join(tmpdir(), 'aitoss-temp-'));
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: cleanEnv({ HOME: home, TMPDIR: temp, TMP: temp, TEMP: temp, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined, ...extraEnv }),
    encoding: 'utf8',
  });
  return { result, home, temp };
}

describe('bin/aitoss.cjs', () => {
  it('is a few lines that require the built CLI and run it', () => {
    const source = readFileSync(BIN, 'utf8');
    expect(source).toMatch(/require\('\.\.\/dist\/cli\.cjs'\)/);
    expect(source).not.toMatch(/node:vm|cachedData|createCachedData/);
    expect(source.split('\n').length).toBeLessThan(25);
  });

  it('runs the CLI with its exit code', () => {
    const pass = runInFreshHome(['cert', 'check', fixture('pairs/ec-pkcs8.crt'), '--at', PIN]).result;
    expect(pass.status).toBe(0);
    expect(pass.stdout).toMatch(/^PASS {2}/);
    const fail = runInFreshHome(['cert', 'check', fixture('lifecycle/expired.crt'), '--at', PIN]).result;
    expect(fail.status).toBe(1);
  });

  it(
    nodeHasCompileCache
      ? "keeps Node's compile cache under $HOME/.cache/aitoss (or $XDG_CACHE_HOME/aitoss), never in the shared temporary directory"
      : 'keeps no compile cache on Node 20, where Node has none of its own',
    () => {
      const { result, home, temp } = runInFreshHome(['cert', 'inspect', fixture('pairs/ec-pkcs8.crt'), '--at', PIN]);
      expect(result.status).toBe(0);
      expect(readdirSync(temp)).toEqual([]);
      expect(existsSync(join(home, '.cache', 'aitoss', 'node-compile-cache'))).toBe(nodeHasCompileCache);
      if (nodeHasCompileCache) {
        const xdg = mkdtempSync(join(tmpdir(), 'aitoss-xdg-'));
        const again = runInFreshHome(['--version'], { XDG_CACHE_HOME: xdg });
        expect(again.result.status).toBe(0);
        expect(existsSync(join(xdg, 'aitoss', 'node-compile-cache'))).toBe(true);
        expect(existsSync(join(again.home, '.cache'))).toBe(false);
      }
    },
  );

  it('keeps no cache when NODE_DISABLE_COMPILE_CACHE is set', () => {
    const { result, home, temp } = runInFreshHome(['--version'], { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(result.status).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(join(home, '.cache'))).toBe(false);
  });

  it('says in one line that the CLI was never built, exit 70', () => {
    const clone = mkdtempSync(join(tmpdir(), 'aitoss-unbuilt-'));
    mkdirSync(join(clone, 'bin'));
    writeFileSync(join(clone, 'bin', 'aitoss.cjs'), readFileSync(BIN));
    const result = spawnSync(process.execPath, [join(clone, 'bin', 'aitoss.cjs'), '--version'], { env: cleanEnv(), encoding: 'utf8' });
    expect(result.status).toBe(70);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`aitoss: ${join(clone, 'dist', 'cli.cjs')} is missing: run npm install (or npm run build) in ${clone}\n`);
  });

  it('says in one line that dist/ was built by another version (a pull without a rebuild), exit 70', () => {
    const clone = mkdtempSync(join(tmpdir(), 'aitoss-stale-'));
    mkdirSync(join(clone, 'bin'));
    mkdirSync(join(clone, 'dist'));
    writeFileSync(join(clone, 'bin', 'aitoss.cjs'), readFileSync(BIN));
    // An older build's bundle: loads, but has no run() to call.
    writeFileSync(join(clone, 'dist', 'cli.cjs'), 'module.exports = { main() {} };\n');
    const result = spawnSync(process.execPath, [join(clone, 'bin', 'aitoss.cjs'), 'cert', 'inspect', 'x'], { env: cleanEnv(), encoding: 'utf8' });
    expect(result.status).toBe(70);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`aitoss: ${join(clone, 'dist')} was built by another version of aitoss: run npm install (or npm run build) in ${clone}\n`);
  });
});
