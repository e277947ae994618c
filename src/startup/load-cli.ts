/**
 * Loading the CLI bundle (dist/cli.cjs) with its compiled code kept between runs, so a
 * start skips most of V8's parsing and compiling: ~25 ms of a ~100 ms run on Node 20
 * (README, "Performance").
 *
 * - Node 22.1+ has this built in: `module.enableCompileCache()` (its cache lives in
 *   `$TMPDIR/node-compile-cache`, or `NODE_COMPILE_CACHE`).
 * - Node 20 has not: the bundle is compiled through `vm.Script` with V8's code cache, in
 *   a directory of this user's own (`$TMPDIR/aitoss-compile-cache-UID`, or
 *   `NODE_COMPILE_CACHE/aitoss`). The cache is written at exit, after the run, so it also
 *   holds the functions the run compiled (V8 compiles most functions on first call).
 *
 * Both honor `NODE_DISABLE_COMPILE_CACHE=1`. Code cache is executable code: the directory
 * is used only when it is a real directory owned by this user and writable by no one else.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What dist/cli.cjs exports. */
export interface CliModule {
  run(argv: string[]): Promise<void>;
}

/** How the last load used the code cache. */
export type CodeCacheStatus =
  /** The cache matched and V8 used it. */
  | 'used'
  /** There was no cache yet: save() writes one. */
  | 'missing'
  /** V8 refused the cache (another V8 or other flags): save() writes a new one. */
  | 'rejected'
  /** No cache: disabled, no usable directory, or the file carries no build id. */
  | 'off';

export interface CodeCacheLoad {
  exports: unknown;
  status: CodeCacheStatus;
  /** The cache file this load reads and writes, when there is one. */
  cacheFile: string | undefined;
  /** Write the cache when it was missing or refused; errors are ignored (the cache is an optimization). */
  save(): void;
}

/** The first line of dist/cli.cjs, written by scripts/build.mjs: a hash of the bundle. */
const BUILD_ID = /^\/\* aitoss-build:([0-9a-f]{16}) \*\//;
/** Caches of other builds are removed when they are older than this (on a run that writes). */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Load dist/cli.cjs the fastest way this Node offers. */
export function loadCli(cliFile: string, env: NodeJS.ProcessEnv = process.env): CliModule {
  const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
  if (typeof enableCompileCache === 'function') {
    enableCompileCache();
    return nodeModule.createRequire(cliFile)(cliFile) as CliModule;
  }
  const load = requireWithCodeCache(cliFile, codeCacheDir(env));
  if (load.status === 'missing' || load.status === 'rejected') process.once('exit', load.save);
  return load.exports as CliModule;
}

/** Where the Node 20 code cache lives; undefined when it is disabled. */
export function codeCacheDir(env: NodeJS.ProcessEnv, tempDir: string = tmpdir()): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '') return undefined;
  if (env.NODE_COMPILE_CACHE) return join(env.NODE_COMPILE_CACHE, 'aitoss');
  return join(tempDir, `aitoss-compile-cache-${process.getuid?.() ?? 'user'}`);
}

/**
 * Require a CommonJS file through vm.Script with a V8 code cache in `cacheDir`. The
 * file's first line must carry its build id (see BUILD_ID), which names the cache file
 * with the V8 version and architecture; without one, or without a usable directory,
 * the file is compiled as usual.
 */
export function requireWithCodeCache(file: string, cacheDir: string | undefined): CodeCacheLoad {
  const source = readFileSync(file, 'utf8');
  const buildId = BUILD_ID.exec(source)?.[1];
  const cacheFile =
    buildId !== undefined && cacheDir !== undefined && usableCacheDir(cacheDir)
      ? join(cacheDir, `cli-${buildId}-v8-${process.versions.v8}-${process.arch}.cache`)
      : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The wrapper Node puts around every CommonJS module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const status: CodeCacheStatus =
    cacheFile === undefined ? 'off' : cachedData === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, nodeModule.createRequire(file), module, file, dirname(file));

  return {
    exports: module.exports,
    status,
    cacheFile,
    save() {
      if (cacheFile === undefined || status === 'used') return;
      try {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        // A rename is atomic: a run in parallel reads the old cache or the new one, never half.
        renameSync(temporary, cacheFile);
        removeStaleCaches(dirname(cacheFile), cacheFile);
      } catch {
        // A cache that cannot be written costs time, never correctness.
      }
    },
  };
}

/**
 * Create the directory if needed (mode 0700) and use it only if it is a directory, not
 * a symlink, owned by this user and not writable by group or others: a cache planted by
 * someone else would run as this user's code.
 */
export function usableCacheDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    if (!info.isDirectory()) return false;
    if (process.getuid === undefined) return true;
    return info.uid === process.getuid() && (info.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function removeStaleCaches(dir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !/^cli-.*\.cache$/.test(name)) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {
      // Another run removed it first.
    }
  }
}
