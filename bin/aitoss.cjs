#!/usr/bin/env node
/**
 * Starts the built CLI (dist/cli.cjs, made by `npm run build`) with its compiled code
 * kept between runs, so a start skips most of V8's parsing and compiling. Startup is
 * paid on every run (README, "Performance"), hence plain CommonJS, no ESM loader, and
 * this loader living here rather than in a module of its own (a first file require()
 * costs ~1 ms).
 *
 * The bundle is compiled through `vm.Script` with V8's code cache, kept in a directory
 * of the user's own (`$TMPDIR/aitoss-compile-cache-UID`, or `NODE_COMPILE_CACHE/aitoss`).
 * Each command has its own cache, written at exit, after the run, so it also holds the
 * functions the run compiled (V8 compiles most functions on first call). Node 22's own
 * `module.enableCompileCache()` keeps less: check one pair measured 84 ms with it and
 * 72 ms with this on Node 22 (`node -e 0`: 46 ms).
 *
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as it does Node's own cache. A code cache
 * is executable code: its directory is used only when it is a real directory owned by
 * the user and writable by no one else. Required as a module (the tests), this file
 * only exports its functions.
 */
'use strict';

const { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

/**
 * A code-cached bundle (dist/cli.cjs and its parts, written by scripts/build.mjs) opens
 * with its build id, a hash of the bundle, and carries the wrapper Node puts around
 * every CommonJS module itself (closed by its last lines: `})`, then the source map
 * comment). V8 then compiles the file's text as it was read; wrapping it here would
 * copy 120 KB into a new string on every start.
 */
const BUNDLE_HEAD = (buildId) => `/* aitoss-build:${buildId} */(function (exports, require, module, __filename, __dirname) {\n`;
const BUILD_ID = /^\/\* aitoss-build:([0-9a-f]{16}) \*\//;
/** Caches of other builds are removed when older than this, by a run that writes one. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Load dist/cli.cjs with the code cache of the command `argv` names; returns its exports. */
function loadCli(cliFile, env, argv) {
  return requireCached(cliFile, codeCacheDir(env), commandOf(argv));
}

/**
 * requireWithCodeCache, with the cache written at exit when it was missing or refused,
 * by a run that completed its command (exit 0 or 1). A run stopped by a usage or input
 * error (2), a signal or a bug compiled only part of its command, and its cache would
 * leave every later run to compile the rest.
 */
function requireCached(file, cacheDir, name) {
  const load = requireWithCodeCache(file, cacheDir, name);
  if (load.status === 'missing' || load.status === 'rejected') {
    process.once('exit', (code) => {
      if (code === 0 || code === 1) load.save();
    });
  }
  return load.exports;
}

/**
 * The command `argv` names, as src/cli.ts's namedCommand() reads it: each command keeps a
 * cache of its own, holding the functions its runs compile (a `cert check` run compiles
 * none of ping's). `other` for help, versions and mistakes, a command's --help included:
 * a check cache written by `cert check --help` made every later check ~6 ms slower.
 */
function commandOf(argv) {
  if (argv.includes('--help') || argv.includes('-h')) return 'other';
  let i = 0;
  while (argv[i] === '--color' || argv[i] === '--no-color') i++;
  const [first, second] = [argv[i], argv[i + 1]];
  if (first === 'cert') return second === 'inspect' || second === 'check' ? `cert-${second}` : 'other';
  return first === 'config' || first === 'ping' ? first : 'other';
}

/** Where the code cache lives; undefined when it is turned off. */
function codeCacheDir(env, tempDir) {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  if (env.NODE_COMPILE_CACHE) return join(env.NODE_COMPILE_CACHE, 'aitoss');
  const uid = process.getuid ? process.getuid() : 'user';
  return join(tempDir ?? osTempDir(env), `aitoss-compile-cache-${uid}`);
}

/** os.tmpdir() without loading node:os (~0.5 ms) where it is three variables and /tmp. */
function osTempDir(env) {
  if (process.platform === 'win32') return require('node:os').tmpdir();
  const dir = env.TMPDIR || env.TMP || env.TEMP || '/tmp';
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/**
 * Require a CommonJS file through vm.Script with a V8 code cache in `cacheDir`. The
 * file must open with BUNDLE_HEAD, whose build id names the cache file with the file's
 * own name, `name` (the command), the V8 version, the architecture and the node
 * options. A file without a build id: a plain require(); no usable directory: compiled
 * without a cache.
 *
 * What the file requires with a relative path (the CLI's parts in dist/chunks/) is
 * loaded the same way, each part with a cache of its own; a part without a build id
 * (cosmiconfig, which loads .mjs configuration files with a native import()) is
 * required as usual.
 *
 * status: `used` (V8 took the cache), `missing` (none yet), `rejected` (V8 refused it:
 * another V8 or other flags), `off` (no cache). save() writes the cache when it was
 * missing or rejected; a failure to write is ignored (the cache is an optimization).
 */
function requireWithCodeCache(file, cacheDir, name = 'other') {
  // 'utf8': Node reads it in one native call (any other encoding costs ~1 ms more).
  const source = readFileSync(file, 'utf8');
  const id = BUILD_ID.exec(source)?.[1];
  const buildId = id !== undefined && source.startsWith(BUNDLE_HEAD(id)) ? id : undefined;
  if (buildId === undefined) return { exports: require(file), status: 'off', cacheFile: undefined, save() {} };
  const cacheFile =
    cacheDir !== undefined && usableCacheDir(cacheDir)
      ? join(cacheDir, `${basename(file, '.cjs')}-${buildId}-${name}-v8-${process.versions.v8}-${process.arch}${flagsKey()}.cache`)
      : undefined;

  let cachedData;
  try {
    cachedData = cacheFile === undefined ? undefined : readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const { Script } = require('node:vm');
  const script = new Script(source, { filename: file, cachedData });
  const status = cacheFile === undefined ? 'off' : cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  const parts = new Map();
  // What the bundle requires by name is a Node built-in (everything else is bundled).
  const requireForFile = (id) => {
    if (!id.startsWith('./')) return require(id);
    const path = join(dirname(file), id);
    if (!parts.has(path)) parts.set(path, requireCached(path, cacheDir, name));
    return parts.get(path);
  };
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, requireForFile, loaded, file, dirname(file));

  const save = () => {
    if (status === 'used' || status === 'off') return;
    try {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      // A rename is atomic: a run in parallel reads the old cache or the new one, never half.
      renameSync(temporary, cacheFile);
      removeStaleCaches(dirname(cacheFile), cacheFile);
    } catch {
      // A cache that cannot be written costs time, never correctness.
    }
  };
  return { exports: loaded.exports, status, cacheFile, save };
}

/**
 * V8 refuses a cache made under other flags: runs with other node options (NODE_OPTIONS,
 * `node --flag bin/aitoss.cjs`) get a cache of their own instead of replacing each
 * other's on every run. A short FNV-1a hash of the options; empty when there are none.
 */
function flagsKey() {
  const options = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  if (options === '\0') return '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < options.length; i++) hash = Math.imul(hash ^ options.charCodeAt(i), 0x01000193);
  return `-o${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Create the directory if needed (mode 0700) and use it only if it is a directory, not
 * a symlink, owned by this user and not writable by group or others: a cache planted
 * by someone else would run as this user's code.
 */
function usableCacheDir(dir) {
  try {
    let info = lstatSync(dir, { throwIfNoEntry: false });
    if (info === undefined) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      info = lstatSync(dir);
    }
    if (!info.isDirectory()) return false;
    if (process.getuid === undefined) return true;
    return info.uid === process.getuid() && (info.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function removeStaleCaches(dir, keep) {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !/^[a-z]+-[0-9a-f]{16}-.*\.cache$/.test(name)) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {
      // Another run removed it first.
    }
  }
}

if (require.main === module) {
  const cliFile = join(__dirname, '..', 'dist', 'cli.cjs');
  let cli;
  try {
    cli = loadCli(cliFile, process.env, process.argv.slice(2));
  } catch (error) {
    // A clone that was never built (npm install builds it): one line, no stack trace.
    if (require('node:fs').existsSync(cliFile)) throw error;
    process.stderr.write(`aitoss: ${cliFile} is missing: run npm install (or npm run build) in ${join(__dirname, '..')}\n`);
    process.exit(70);
  }
  // run() sets the exit code; src/cli.ts is the one place that decides it.
  cli.run(process.argv.slice(2));
} else {
  module.exports = { BUNDLE_HEAD, loadCli, codeCacheDir, commandOf, osTempDir, requireWithCodeCache, usableCacheDir };
}
