/**
 * Finding and loading the configuration file. cosmiconfig loads it (JSON, YAML,
 * JavaScript, TypeScript), but only once a file is known to exist: a cheap scan of the
 * directory listings from the working directory upward finds the candidate first, so a
 * run without a configuration file never loads cosmiconfig or its parsers (startup time
 * is paid on every CI run).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { inputError } from '../core/errors.js';
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
 * The configuration file that applies in `cwd`: the first of SEARCH_PLACES found in
 * `cwd` or the nearest directory above it (`package.json` counts only with an `aitoss`
 * key). Undefined when there is none. Reads directory listings only, plus package.json
 * files to look for the key.
 */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; ) {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(dir));
    } catch {
      names = new Set();
    }
    for (const place of SEARCH_PLACES) {
      if (!names.has(place)) continue;
      const file = join(dir, place);
      if (place === 'package.json' ? packageJsonHasKey(file) : isFile(file)) return file;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Load the configuration: the file named by `--config` (relative to `cwd`), or the one
 * found from `cwd` upward. Undefined when no file applies.
 */
export async function loadConfig(options: { cwd: string; configPath?: string }): Promise<LoadedConfig | undefined> {
  let file: string;
  if (options.configPath !== undefined) {
    file = isAbsolute(options.configPath) ? options.configPath : resolve(options.cwd, options.configPath);
    checkNamedFile(file, options.configPath);
  } else {
    const found = findConfigFile(options.cwd);
    if (found === undefined) return undefined;
    file = found;
  }
  const raw = await loadWithCosmiconfig(file);
  return { file, config: validateConfig(raw, file) };
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
  try {
    const result = await explorer.load(file);
    return result?.config;
  } catch (error) {
    throw describeLoadError(error, file);
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
  // cosmiconfig prefixes "JSON Error in FILE:\n" / "YAML Error in FILE:\n"; keep the parser's words.
  const detail = message
    .replace(/^(JSON|YAML|TypeScript) Error in [^\n]*:\n/, '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  const kind = /^YAML Error/.test(message) ? 'YAML' : /^JSON Error/.test(message) ? 'JSON' : /^TypeScript Error/.test(message) ? 'TypeScript' : undefined;
  return inputError(
    file,
    `the configuration file could not be loaded${kind ? ` (${kind})` : ''}: ${detail ?? 'unknown error'}`,
    'fix the file or name another with --config FILE',
    error,
  );
}

function checkNamedFile(file: string, given: string): void {
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw inputError(given, code === 'ENOENT' ? 'no such configuration file (given as --config)' : `cannot be read (${code ?? 'error'})`, undefined, error);
  }
  if (!info.isFile()) throw inputError(given, 'is not a file (given as --config)');
  if (!LOADABLE_EXTENSIONS.has(extname(file))) {
    throw inputError(given, `configuration files ending in ${extname(file)} cannot be loaded`, 'use .json, .yaml, .yml, .js, .cjs, .mjs, .ts or no extension (JSON or YAML)');
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
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
