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
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
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
  return { file, config: validateConfig(await loadFile(file), file) };
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
