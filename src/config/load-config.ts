/**
 * Finding and loading the configuration file, in cosmiconfig's places and formats. A
 * cheap scan of the directory listings from the working directory upward finds the
 * candidate, so a run without a configuration file loads no parser (startup time is
 * paid on every CI run). Each format then loads only its own parser, as cosmiconfig's
 * loaders do: JSON (`.json` files, package.json's `aitoss` key) with JSON.parse, YAML
 * (`.yaml`, `.yml`, and `.aitossrc`, JSON or YAML) with js-yaml, JavaScript and
 * TypeScript with cosmiconfig. Loading cosmiconfig for a JSON or YAML file cost ~25 ms
 * a run (its own code, js-yaml, parse-json and their set-up).
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { inputError, isAitossError } from '../core/errors.js';
import { isShowablePath } from '../input/src-value.js';
import { validateConfig, type FileConfig } from './schema.js';

export const MODULE_NAME = 'aitoss';

/** Where a configuration file is looked for in each directory, in this order. */
export const SEARCH_PLACES = [
  'package.json',
  '.aitossrc',
  '.aitossrc.json',
  '.aitossrc.yaml',
  '.aitossrc.yml',
  '.aitossrc.js',
  '.aitossrc.cjs',
  '.aitossrc.mjs',
  'aitoss.config.js',
  'aitoss.config.cjs',
  'aitoss.config.mjs',
  'aitoss.config.ts',
] as const;

const LOADABLE_EXTENSIONS = new Set(['', '.json', '.yaml', '.yml', '.js', '.cjs', '.mjs', '.ts']);

export interface LoadedConfig {
  /** Absolute path of the file the configuration came from. */
  file: string;
  config: FileConfig;
}

/**
 * Where the upward search stops, as git, npm and cosmiconfig's "project" strategy do:
 * - `repository`: the nearest directory holding `.git` (a directory, or the file of a
 *   worktree or submodule), from the working directory up to the home directory;
 * - `package`: outside a repository, the nearest directory holding `package.json`;
 * - `home`: outside both, the home directory when the working directory is inside it;
 * - `working-directory`: outside all of them, the working directory alone.
 * Never above the home directory. Nothing above the stop is read, listed or loaded: a
 * configuration file another user planted in a shared parent (`/tmp/x` above a job's
 * folder) is out of reach, and an unreadable one there cannot break a run below it.
 */
export type SearchStop = 'repository' | 'package' | 'home' | 'working-directory';

export interface ConfigSearch {
  /** The working directory the search started from. */
  from: string;
  /** The last directory searched, and why the search stops there. */
  stopAt: string;
  stop: SearchStop;
  /** The chosen file, undefined when none was found. */
  file: string | undefined;
  /** Candidates found and not used, each with why (package.json without the key, a nearer file wins). */
  skipped: Array<{ file: string; reason: string }>;
}

/** The home directory of the run: HOME when it is an absolute path, else the system's. */
function homeDirectory(env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  return home !== undefined && isAbsolute(home) ? resolve(home) : resolve(homedir());
}

/** Where the search from `cwd` stops (see SearchStop). Looks only at the names `.git` and `package.json`. */
export function searchBounds(cwd: string, homeDir: string): { stopAt: string; stop: SearchStop } {
  const start = resolve(cwd);
  // A home of `/` (some containers) would put every directory inside it: no home bound then.
  const home = dirname(homeDir) === homeDir ? undefined : homeDir;
  let packageRoot: string | undefined;
  for (let dir = start; ; ) {
    if (exists(join(dir, '.git'))) return { stopAt: dir, stop: 'repository' };
    if (packageRoot === undefined && exists(join(dir, 'package.json'))) packageRoot = dir;
    if (dir === home) return packageRoot !== undefined ? { stopAt: packageRoot, stop: 'package' } : { stopAt: home, stop: 'home' };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return packageRoot !== undefined ? { stopAt: packageRoot, stop: 'package' } : { stopAt: start, stop: 'working-directory' };
}

/**
 * The configuration file that applies in `cwd`: the first of SEARCH_PLACES found in
 * `cwd` or the nearest directory above it, up to the stop of searchBounds()
 * (`package.json` counts only with an `aitoss` key). Each place is looked up by name
 * (a stat), so a directory that may be searched but not listed (mode 0711) works. A
 * candidate inside the bounds that cannot be examined (EACCES) is an input error: the
 * settings it holds would otherwise be silently replaced by the defaults.
 */
export function searchConfigFile(cwd: string, home: string): ConfigSearch {
  const from = resolve(cwd);
  const { stopAt, stop } = searchBounds(from, home);
  const search: ConfigSearch = { from, stopAt, stop, file: undefined, skipped: [] };
  for (let dir = from; ; dir = dirname(dir)) {
    for (const place of SEARCH_PLACES) {
      const file = join(dir, place);
      if (!isCandidateFile(file)) continue;
      if (place === 'package.json' && !packageJsonHasKey(file)) {
        search.skipped.push({ file, reason: `no "${MODULE_NAME}" key` });
      } else if (search.file === undefined) {
        search.file = file;
      } else {
        search.skipped.push({ file, reason: `${search.file} comes first` });
      }
    }
    if (dir === stopAt || dirname(dir) === dir) return search;
  }
}

/** findConfigFile for a caller that needs only the file (HOME from the process). */
export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return searchConfigFile(cwd, homeDirectory(env)).file;
}

/**
 * Load the configuration: the file named by `--config` (relative to `cwd`), or the one
 * found from `cwd` upward. Undefined when no file applies. Either way the file must be
 * one no other user can change (trustedFile()).
 */
export async function loadConfig(options: LoadOptions): Promise<LoadedConfig | undefined> {
  return (await loadConfigAndSearch(options)).loaded;
}

export interface LoadOptions {
  cwd: string;
  /** `--config FILE`: load this file, no search. */
  configPath?: string;
  /** HOME bounds the search (the process's environment when not given). */
  env?: NodeJS.ProcessEnv;
}

/** loadConfig, with the search that found the file (undefined with --config), also when it found none. */
export async function loadConfigAndSearch(options: LoadOptions): Promise<{ loaded: LoadedConfig | undefined; search: ConfigSearch | undefined }> {
  let file: string;
  let search: ConfigSearch | undefined;
  if (options.configPath !== undefined) {
    file = isAbsolute(options.configPath) ? options.configPath : resolve(options.cwd, options.configPath);
    checkNamedFile(file, options.configPath);
  } else {
    search = searchConfigFile(options.cwd, homeDirectory(options.env ?? process.env));
    if (search.file === undefined) return { loaded: undefined, search };
    file = search.file;
  }
  const refusal = untrustedReason(file);
  if (refusal !== undefined) throw inputError(file, `refused: ${refusal.problem}`, refusal.fix);
  return { loaded: { file, config: await loadAndValidate(file) }, search };
}

/**
 * Why `file` could be changed by another user, undefined when it cannot: the file and
 * every directory on its path (symbolic links resolved, and the links' own directories
 * too) must be owned by this user or root and writable by no group or other user, as
 * OpenSSH's StrictModes requires of authorized_keys. One exception: a directory
 * writable by all with the sticky bit (/tmp) is fine as a path component when owned by
 * root or this user, since no one else can rename or replace what is in it. Windows
 * has no such modes to read: no check there.
 */
export function untrustedReason(file: string): { problem: string; fix: string } | undefined {
  if (process.getuid === undefined) return undefined;
  const uid = process.getuid();
  const fix = (path: string, what: 'file' | 'directory') =>
    `only a ${what} of your own (or root's) that no one else can write to is loaded: run chown and chmod go-w on ${path}, or put the settings in flags or AITOSS_* variables`;
  const check = (path: string, what: 'file' | 'directory', info: { uid: number; mode: number }) => {
    const label = what === 'file' ? 'the configuration file' : `its directory ${path}`;
    if (info.uid !== uid && info.uid !== 0) return { problem: `${label} is owned by uid ${info.uid}, not by you (uid ${uid}) or root`, fix: fix(path, what) };
    const sticky = what === 'directory' && (info.mode & 0o1000) !== 0;
    if ((info.mode & 0o022) !== 0 && !sticky) {
      const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
      return { problem: `${label} is writable by ${(info.mode & 0o002) !== 0 ? 'every user' : 'its group'} (mode ${mode})`, fix: fix(path, what) };
    }
    return undefined;
  };
  let real: string;
  try {
    real = realpathSync(file);
  } catch (error) {
    return { problem: `cannot be examined (${(error as { code?: string }).code ?? 'error'})`, fix: 'check the path and its permissions' };
  }
  const paths = new Set<string>([real]);
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    paths.add(dir);
    if (dirname(dir) === dir) break;
  }
  // The directories of the path as named, when a symbolic link leads elsewhere.
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    paths.add(dir);
    if (dirname(dir) === dir) break;
  }
  for (const path of paths) {
    let info;
    try {
      info = statSync(path);
    } catch (error) {
      return { problem: `${path} cannot be examined (${(error as { code?: string }).code ?? 'error'})`, fix: 'check the path and its permissions' };
    }
    const reason = check(path, path === real ? 'file' : 'directory', info);
    if (reason) return reason;
  }
  return undefined;
}

/** Whether `path` names a configuration candidate: a file (absent or not a file: no). */
function isCandidateFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw inputError(path, `the configuration candidate cannot be examined (${code ?? 'error'})`, 'fix its permissions, or name the configuration with --config FILE');
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    // Absent, or in a directory this user cannot search: not a stop.
    return false;
  }
}

/**
 * How long a JavaScript or TypeScript configuration may take to load (its module, and
 * a promise it exports). A run waits for nothing else that long before it starts.
 */
export const CONFIG_LOAD_TIMEOUT_MS = 10_000;

/** The configuration file being loaded right now, for the CLI's last word should the run end meanwhile. */
let loading: string | undefined;
export function configBeingLoaded(): string | undefined {
  return loading;
}

/**
 * The file's settings, validated. Code in a JavaScript configuration runs while its
 * values are read (a getter, a Proxy): its values are copied once, and an exception
 * thrown meanwhile is the file's error, not aitoss's.
 */
async function loadAndValidate(file: string): Promise<FileConfig> {
  loading = file;
  let value: unknown;
  try {
    value = await loadFile(file);
  } finally {
    loading = undefined;
  }
  try {
    return validateConfig(plainCopy(value), file);
  } catch (error) {
    if (isAitossError(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw inputError(file, `reading the configuration's values threw: ${detail.split('\n')[0]}`, 'fix the file or name another with --config FILE', error);
  }
}

/** An object's own enumerable values, each read once; anything else as it is. */
function plainCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(source).map((key) => [key, source[key]]));
}

/** The file's settings, read by the parser of its format (see the top of this file). */
function loadFile(file: string): unknown {
  const extension = extname(file);
  if (extension === '.json') return readJsonConfig(file);
  if (YAML_EXTENSIONS.has(extension)) return readYamlConfig(file);
  return loadWithCosmiconfig(file);
}

/** Read as YAML (a superset of JSON), as cosmiconfig's loaders do: `.aitossrc` has no extension. */
const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '']);

/** A configuration file's text; undefined when it is empty (an empty configuration, as in cosmiconfig). */
function readConfigText(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw inputError(file, `cannot be read (${(error as { code?: string }).code ?? 'error'})`, undefined, error);
  }
  // A byte order mark (Windows editors write one) is no part of the settings.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.trim() === '' ? undefined : text;
}

/** A YAML configuration file with js-yaml, loaded on first use. */
async function readYamlConfig(file: string): Promise<unknown> {
  const text = readConfigText(file);
  if (text === undefined) return undefined;
  const { load } = await import('js-yaml');
  try {
    return load(text);
  } catch (error) {
    // js-yaml's first line is the reason and the position: `bad indentation of a mapping entry (3:5)`.
    throw unloadable(file, 'YAML', String((error as Error).message).split('\n')[0] ?? '', error);
  }
}

/**
 * A JSON configuration file, or package.json's `aitoss` key, as cosmiconfig reads them.
 * A syntax error names its line and column.
 */
function readJsonConfig(file: string): unknown {
  const text = readConfigText(file);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unloadable(file, 'JSON', jsonErrorDetail(String((error as Error).message), text), error);
  }
  if (basename(file) !== 'package.json') return value;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[MODULE_NAME] : undefined;
}

/** V8's JSON.parse message, its offset as a line and column: `Unexpected token ... (line 3, column 5)`. */
function jsonErrorDetail(message: string, text: string): string {
  const match = / in JSON at position (\d+)/.exec(message);
  if (!match) return message.split('\n')[0] ?? message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message.slice(0, match.index)} (line ${line}, column ${column})`;
}

async function loadWithCosmiconfig(file: string): Promise<unknown> {
  // A CommonJS package: node names its exports, the bundle only has the default export.
  const module = await import('cosmiconfig');
  const cosmiconfig = (module.cosmiconfig as typeof module.cosmiconfig | undefined) ?? module.default.cosmiconfig;
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    cache: false,
  });
  // The timer does not keep the process alive: a promise that never settles, with nothing
  // else pending, ends the event loop at once, and the CLI says so (configBeingLoaded()).
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(inputError(file, `the configuration did not finish loading within ${CONFIG_LOAD_TIMEOUT_MS / 1000} s`, 'a JavaScript configuration must export its settings, or a promise that settles')),
      CONFIG_LOAD_TIMEOUT_MS,
    );
    timer.unref();
  });
  try {
    const result = await Promise.race([explorer.load(file), timeout]);
    return result?.config;
  } catch (error) {
    throw isAitossError(error) ? error : describeLoadError(error, file);
  } finally {
    clearTimeout(timer);
  }
}

/** A loader's failure as a one-line input error naming the file. */
export function describeLoadError(error: unknown, file: string) {
  const err = error as { code?: string; message?: string };
  const message = String(err.message ?? error);
  if (extname(file) === '.ts' && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && /typescript/.test(message)) {
    return inputError(
      file,
      'loading a TypeScript configuration needs the "typescript" package, which is not installed',
      'run npm install --save-dev typescript, or write the configuration as aitoss.config.mjs or .aitossrc.json',
      error,
    );
  }
  // cosmiconfig prefixes its loaders' errors with "KIND Error in FILE:" (a TypeScript
  // configuration's "TypeScript Error in FILE:"), some with a code frame; keep the parser's words.
  const header = /^(\w+) Error in [^\n]*:[ \t]*\n/.exec(message);
  const detail = message
    .slice(header?.[0].length ?? 0)
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !/^[>|]/.test(line));
  return unloadable(file, header?.[1], detail ?? 'unknown error', error);
}

/** One line for a configuration file that could not be read as its format, naming the parser's reason. */
function unloadable(file: string, kind: string | undefined, detail: string, cause: unknown) {
  return inputError(
    file,
    `the configuration file could not be loaded${kind ? ` (${kind})` : ''}: ${detail}`,
    'fix the file or name another with --config FILE',
    cause,
  );
}

function checkNamedFile(file: string, given: string): void {
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // A key pasted where the file name goes (`--config "$(cat app.key)"`) is never echoed: only a plausible path is.
    if (!isShowablePath(given)) {
      throw inputError('--config', `names no readable file (${code ?? 'error'}); the value is not shown, as it does not look like a file path`, 'pass the path of a configuration file');
    }
    throw inputError(given, code === 'ENOENT' ? 'no such configuration file (given as --config)' : `cannot be read (${code ?? 'error'})`, undefined, error);
  }
  if (!info.isFile()) throw inputError(given, 'is not a file (given as --config)');
  if (!LOADABLE_EXTENSIONS.has(extname(file))) {
    throw inputError(given, `configuration files ending in ${extname(file)} cannot be loaded`, 'use .json, .yaml, .yml, .js, .cjs, .mjs, .ts or no extension (JSON or YAML)');
  }
}

function packageJsonHasKey(file: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof pkg === 'object' && pkg !== null && Object.hasOwn(pkg, MODULE_NAME);
  } catch {
    return false;
  }
}
