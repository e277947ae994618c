/**
 * bin/aitoss.cjs: the Node 20 code cache on real files in a temporary directory, on
 * whatever Node runs the tests (vm.Script's code cache works on all), and the built CLI
 * keeping its cache between runs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { namedCommand } from '../../src/cli.js';
import { BIN, cleanEnv, fixture, PIN, ROOT } from '../e2e/helpers.js';

interface CodeCacheLoad {
  exports: unknown;
  status: 'used' | 'missing' | 'rejected' | 'off';
  cacheFile: string | undefined;
  save(): void;
}
/** The bin required as a module exports its loader. */
const { BUNDLE_HEAD, codeCacheDir, commandOf, osTempDir, requireWithCodeCache, usableCacheDir } = createRequire(import.meta.url)(BIN) as {
  BUNDLE_HEAD(buildId: string): string;
  codeCacheDir(env: NodeJS.ProcessEnv, tempDir?: string): string | undefined;
  commandOf(argv: readonly string[]): string;
  osTempDir(env: NodeJS.ProcessEnv): string;
  requireWithCodeCache(file: string, cacheDir: string | undefined, name?: string): CodeCacheLoad;
  usableCacheDir(dir: string): boolean;
};

/** A bundle as scripts/build.mjs writes it: the head with its build id, the body, and the wrapper closed. */
const bundle = (buildId: string, body: string): string => `${BUNDLE_HEAD(buildId)}${body}\n})\n//# sourceMappingURL=x.cjs.map\n`;

/**
 * A load in a new process: within one process V8 keeps compiled scripts in memory and
 * never looks at the cache a second time.
 */
function loadInFreshProcess(file: string, cacheDir: string, save = false): { status: string; answer: number } {
  // The same script every time (a node option such as -e is part of the cache's name);
  // whether to save comes as an argument.
  const script = `const load = require(${JSON.stringify(BIN)}).requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});
if (process.argv[1] === 'save') load.save();
process.stdout.write(JSON.stringify({ status: load.status, answer: load.exports.answer() }));`;
  const result = spawnSync(process.execPath, ['-e', script, save ? 'save' : 'load'], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { status: string; answer: number };
}

/**
 * A CommonJS module that requires two neighbours, as dist/cli.cjs requires its parts in
 * dist/chunks/: one with a build id (loaded with a cache of its own), one without
 * (required as usual, with Node's own require()).
 */
function moduleDir(built = true): { file: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-load-cli-'));
  writeFileSync(join(dir, 'dep.cjs'), 'module.exports = { value: 40, native: typeof require.resolve === "function" };\n');
  writeFileSync(join(dir, 'part.cjs'), bundle('4567456789abcdef', 'exports.native = typeof require.resolve === "function";'));
  const body =
    '"use strict";\nconst dep = require("./dep.cjs");\nconst part = require("./part.cjs");\n' +
    'exports.answer = function answer() { return dep.value + 2; };\nexports.where = () => [__filename, __dirname];\n' +
    'exports.natives = () => [dep.native, part.native];';
  writeFileSync(join(dir, 'main.cjs'), built ? bundle('0123456789abcdef', body) : `// no build id here\n${body}\n`);
  return { file: join(dir, 'main.cjs'), cacheDir: join(dir, 'cache') };
}

describe('requireWithCodeCache', () => {
  it('runs the module, writes the cache on save(), and uses it on the next load', () => {
    const { file, cacheDir } = moduleDir();
    const first = requireWithCodeCache(file, cacheDir);
    const exports = first.exports as { answer(): number; where(): string[] };
    expect(exports.answer()).toBe(42);
    expect(exports.where()).toEqual([file, join(file, '..')]);
    expect(first.status).toBe('missing');
    expect(first.cacheFile).toMatch(/[\\/]main-0123456789abcdef-other-v8-.+\.cache$/);
    first.save();
    expect(existsSync(first.cacheFile!)).toBe(true);
    if (process.platform !== 'win32') {
      expect(statSync(first.cacheFile!).mode & 0o777).toBe(0o600);
      expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    }

    // The cache is named after the node options too (this test runner has its own), so
    // the next loads are fresh processes: the first writes the cache, the second uses it.
    expect(loadInFreshProcess(file, cacheDir, true)).toEqual({ status: 'missing', answer: 42 });
    expect(loadInFreshProcess(file, cacheDir)).toEqual({ status: 'used', answer: 42 });
  });

  it('loads a part with a build id with a cache of its own, and one without as Node does', () => {
    const { file, cacheDir } = moduleDir();
    const load = requireWithCodeCache(file, cacheDir, 'ping');
    expect((load.exports as { natives(): boolean[] }).natives()).toEqual([true, false]);
    // The part's cache is written at the end of the process that loaded it.
    loadInFreshProcess(file, cacheDir, true);
    expect(readdirSync(cacheDir).map((name) => name.replace(/-v8-.*/, '')).sort()).toEqual([
      'main-0123456789abcdef-other',
      'part-4567456789abcdef-other',
    ]);
  });

  it('replaces a cache V8 refuses', () => {
    const { file, cacheDir } = moduleDir();
    expect(loadInFreshProcess(file, cacheDir, true)).toEqual({ status: 'missing', answer: 42 });
    const [cache] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, cache!), Buffer.from('not a V8 code cache'));
    expect(loadInFreshProcess(file, cacheDir, true)).toEqual({ status: 'rejected', answer: 42 });
    expect(loadInFreshProcess(file, cacheDir)).toEqual({ status: 'used', answer: 42 });
  });

  it('keeps no cache for a file without a build id, or without a directory', () => {
    const plain = moduleDir(false);
    const load = requireWithCodeCache(plain.file, plain.cacheDir);
    expect(load.status).toBe('off');
    expect(load.cacheFile).toBeUndefined();
    expect((load.exports as { answer(): number }).answer()).toBe(42);
    load.save();
    expect(existsSync(plain.cacheDir) ? readdirSync(plain.cacheDir) : []).toEqual([]);

    // A built file runs the same without a cache directory.
    const { file } = moduleDir();
    const uncached = requireWithCodeCache(file, undefined);
    expect(uncached.status).toBe('off');
    expect((uncached.exports as { answer(): number }).answer()).toBe(42);
  });

  it("removes other builds' caches older than a week when it writes", () => {
    const { file, cacheDir } = moduleDir();
    mkdirSync(cacheDir, { mode: 0o700 });
    const old = join(cacheDir, 'cli-ffffffffffffffff-v8-1-x64.cache');
    const recent = join(cacheDir, 'cli-eeeeeeeeeeeeeeee-v8-1-x64.cache');
    const unrelated = join(cacheDir, 'notes.txt');
    for (const path of [old, recent, unrelated]) writeFileSync(path, 'x');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(old, eightDaysAgo, eightDaysAgo);
    utimesSync(unrelated, eightDaysAgo, eightDaysAgo);
    requireWithCodeCache(file, cacheDir).save();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });
});

describe.skipIf(process.platform === 'win32')('usableCacheDir', () => {
  it('creates a missing directory, private to this user', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'aitoss-cache-dir-')), 'a', 'b');
    expect(usableCacheDir(dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a directory others can write to, a symlink, and a file', () => {
    const base = mkdtempSync(join(tmpdir(), 'aitoss-cache-dir-'));
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(usableCacheDir(open)).toBe(false);
    chmodSync(open, 0o755);
    expect(usableCacheDir(open)).toBe(true);

    const link = join(base, 'link');
    symlinkSync(open, link);
    expect(usableCacheDir(link)).toBe(false);

    const file = join(base, 'file');
    writeFileSync(file, '');
    expect(usableCacheDir(file)).toBe(false);
  });
});

describe('commandOf', () => {
  it('names the command as src/cli.ts does, one cache per command', () => {
    const argvs = [
      ['cert', 'check', 'certs/'],
      ['cert', 'inspect'],
      ['--no-color', 'cert', 'inspect', 'x'],
      ['--color', 'ping', 'https://example.test/'],
      ['config', '--json'],
      ['cert'],
      ['cert', 'chek'],
      ['--help'],
      ['-V'],
      [],
      ['../../etc/passwd'],
    ];
    for (const argv of argvs) expect(commandOf(argv)).toBe(namedCommand(argv)?.replace(' ', '-') ?? 'other');
  });

  it("files a command's --help under other: its cache would lack the command's own work", () => {
    expect(namedCommand(['cert', 'check', '--help'])).toBe('cert check');
    expect(commandOf(['cert', 'check', '--help'])).toBe('other');
    expect(commandOf(['ping', 'https://example.test/', '-h'])).toBe('other');
  });
});

describe('codeCacheDir', () => {
  it("is the user's own directory under the temporary directory", () => {
    expect(codeCacheDir({}, '/tmp')).toBe(join('/tmp', `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`));
  });

  it("follows Node's NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE", () => {
    expect(codeCacheDir({ NODE_COMPILE_CACHE: '/var/cache/node' }, '/tmp')).toBe(join('/var/cache/node', 'aitoss'));
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }, '/tmp')).toBeUndefined();
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '' }, '/tmp')).toBe(codeCacheDir({}, '/tmp'));
  });

  it('is in the temporary directory of the OS by default', () => {
    expect(codeCacheDir(process.env)).toBe(join(tmpdir(), `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`));
  });

  it.skipIf(process.platform === 'win32')('finds the temporary directory as os.tmpdir() does', () => {
    for (const env of [{}, { TMPDIR: '/var/tmp/' }, { TMP: '/srv/tmp' }, { TEMP: '/t', TMP: '' }, { TMPDIR: '/' }]) {
      const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
      try {
        for (const name of ['TMPDIR', 'TMP', 'TEMP'] as const) {
          const value = (env as Record<string, string>)[name];
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        expect(osTempDir(env)).toBe(tmpdir());
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    }
  });
});

describe('the built CLI', () => {
  it('names its build in the first line of each code-cached bundle, and closes the wrapper it opens', () => {
    const parts = readdirSync(`${ROOT}dist/chunks`).filter((name) => name.endsWith('.cjs'));
    // cosmiconfig's part loads .mjs configurations with a native import(): Node requires it as usual.
    expect(parts.sort()).toEqual(['cosmiconfig.cjs', 'ora.cjs', 'tls.cjs', 'yaml.cjs']);
    for (const file of ['dist/cli.cjs', ...parts.filter((name) => name !== 'cosmiconfig.cjs').map((name) => `dist/chunks/${name}`)]) {
      const text = readFileSync(`${ROOT}${file}`, 'utf8');
      const buildId = /^\/\* aitoss-build:([0-9a-f]{16}) \*\//.exec(text)?.[1];
      expect(buildId, file).toBeDefined();
      expect(buildId).not.toBe('0000000000000000');
      expect(text.startsWith(BUNDLE_HEAD(buildId!))).toBe(true);
      expect(text).toMatch(/\n\}\)\n\/\/# sourceMappingURL=\S+\.cjs\.map\n$/);
    }
  });

  it('keeps its compiled code in the temporary directory, and the next run gives the same result', () => {
    const temp = mkdtempSync(join(tmpdir(), 'aitoss-cli-cache-'));
    const run = () =>
      spawnSync(process.execPath, [BIN, 'cert', 'check', '--cert', fixture('pairs/rsa-pkcs8.crt'), '--key', fixture('pairs/rsa-pkcs8.key'), '--at', PIN, '--json'], {
        env: cleanEnv({ TMPDIR: temp, TMP: temp, TEMP: temp }),
        encoding: 'utf8',
      });
    const first = run();
    expect(first.status).toBe(0);
    const cacheDir = join(temp, `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`);
    expect(readdirSync(cacheDir)).toEqual([expect.stringMatching(/^cli-[0-9a-f]{16}-cert-check-v8-.+\.cache$/)]);
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('writes no cache from a run that ends in a usage or input error (exit 2), and the next good run writes it', () => {
    const temp = mkdtempSync(join(tmpdir(), 'aitoss-cli-cache-'));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'cert', 'check', ...args, '--at', PIN], { env: cleanEnv({ TMPDIR: temp, TMP: temp, TEMP: temp }), encoding: 'utf8' });
    const cacheDir = join(temp, `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`);
    expect(run('--bogus').status).toBe(2);
    expect(run('--cert', fixture('nope.crt')).status).toBe(2);
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(run('--cert', fixture('pairs/rsa-pkcs8.crt'), '--key', fixture('pairs/rsa-pkcs8.key')).status).toBe(0);
    expect(readdirSync(cacheDir)).toEqual([expect.stringMatching(/^cli-[0-9a-f]{16}-cert-check-v8-.+\.cache$/)]);
  });

  it('keeps a cache per set of node options: V8 refuses one made under other flags', () => {
    const temp = mkdtempSync(join(tmpdir(), 'aitoss-cli-cache-'));
    const run = (nodeOptions?: string) =>
      spawnSync(process.execPath, [BIN, '--version'], {
        env: cleanEnv({ TMPDIR: temp, TMP: temp, TEMP: temp, NODE_OPTIONS: nodeOptions }),
        encoding: 'utf8',
      });
    expect(run().status).toBe(0);
    expect(run('--no-warnings').status).toBe(0);
    expect(run('--no-deprecation').status).toBe(0);
    const names = readdirSync(join(temp, `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`));
    expect(names).toHaveLength(3);
    expect(names.filter((name) => /-o[0-9a-f]{8}\.cache$/.test(name))).toHaveLength(2);
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

  it('runs without a cache when NODE_DISABLE_COMPILE_CACHE is set', () => {
    const temp = mkdtempSync(join(tmpdir(), 'aitoss-cli-cache-'));
    const result = spawnSync(process.execPath, [BIN, '--version'], {
      env: cleanEnv({ TMPDIR: temp, TMP: temp, TEMP: temp, NODE_DISABLE_COMPILE_CACHE: '1' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });
});
