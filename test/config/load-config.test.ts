import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeLoadError, findConfigFile, loadConfig, SEARCH_PLACES, searchBounds, searchConfigFile } from '../../src/config/load-config.js';
import { AitossError } from '../../src/core/errors.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aitoss-config-'));
  // A repository root: the search stops here.
  mkdirSync(join(root, '.git'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(relative: string, content: string): string {
  const path = join(root, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function loadError(options: Parameters<typeof loadConfig>[0]): Promise<AitossError> {
  try {
    await loadConfig(options);
  } catch (error) {
    if (error instanceof AitossError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('findConfigFile', () => {
  it('finds nothing in a tree without a configuration file', () => {
    mkdirSync(join(root, 'a/b'), { recursive: true });
    expect(findConfigFile(join(root, 'a/b'))).toBeUndefined();
  });

  it('finds the file of a parent directory from a subfolder', () => {
    const file = write('.aitossrc', 'failUnder: 14\n');
    mkdirSync(join(root, 'a/b'), { recursive: true });
    expect(findConfigFile(join(root, 'a/b'))).toBe(file);
  });

  it('takes the nearest directory first', () => {
    write('.aitossrc.json', '{}');
    const near = write('a/aitoss.config.mjs', 'export default {}');
    expect(findConfigFile(join(root, 'a'))).toBe(near);
  });

  it('takes the first search place within a directory', () => {
    write('aitoss.config.js', 'module.exports = {}');
    const rc = write('.aitossrc.yml', 'failUnder: 1\n');
    expect(findConfigFile(root)).toBe(rc);
    expect(SEARCH_PLACES.indexOf('.aitossrc.yml')).toBeLessThan(SEARCH_PLACES.indexOf('aitoss.config.js'));
  });

  it('counts package.json only with an "aitoss" key, and keeps looking above it', () => {
    const above = write('.aitossrc.json', '{"failUnder": 3}');
    write('app/package.json', JSON.stringify({ name: 'app' }));
    expect(findConfigFile(join(root, 'app'))).toBe(above);
    const pkg = write('app/package.json', JSON.stringify({ name: 'app', aitoss: { failUnder: 5 } }));
    expect(findConfigFile(join(root, 'app'))).toBe(pkg);
  });

  it('ignores a directory that has a search place name', () => {
    mkdirSync(join(root, '.aitossrc'));
    expect(findConfigFile(root)).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it.each([
    ['.aitossrc', '{ "failUnder": 11 }'],
    ['.aitossrc', 'failUnder: 11\n'],
    ['.aitossrc.json', '{ "failUnder": 11 }'],
    ['.aitossrc.yaml', '# comment\nfailUnder: 11\n'],
    ['.aitossrc.yml', 'failUnder: 11\n'],
    ['.aitossrc.js', 'module.exports = { failUnder: 11 };'],
    ['.aitossrc.cjs', 'module.exports = { failUnder: 11 };'],
    ['.aitossrc.mjs', 'export default { failUnder: 11 };'],
    ['aitoss.config.js', 'module.exports = { failUnder: 11 };'],
    ['aitoss.config.cjs', 'module.exports = { failUnder: 11 };'],
    ['aitoss.config.mjs', 'export default { failUnder: 11 };'],
    ['aitoss.config.ts', 'const days: number = 11;\nexport default { failUnder: days };\n'],
    ['package.json', JSON.stringify({ name: 'x', aitoss: { failUnder: 11 } })],
  ])('loads %s (%j)', async (name, content) => {
    const file = write(name, content);
    await expect(loadConfig({ cwd: root })).resolves.toEqual({ file, config: { failUnder: 11 } });
  });

  it('reads an empty file as no settings', async () => {
    const file = write('.aitossrc.yaml', '');
    await expect(loadConfig({ cwd: root })).resolves.toEqual({ file, config: {} });
  });

  it('returns undefined when no file applies', async () => {
    await expect(loadConfig({ cwd: root })).resolves.toBeUndefined();
  });

  it('loads the file named by --config, relative to the working directory, without searching', async () => {
    write('.aitossrc.json', '{ "failUnder": 1 }');
    const named = write('ci/settings.yaml', 'failUnder: 2\n');
    await expect(loadConfig({ cwd: root, configPath: 'ci/settings.yaml' })).resolves.toEqual({ file: named, config: { failUnder: 2 } });
  });

  it('names a missing --config file', async () => {
    const error = await loadError({ cwd: root, configPath: 'nope.json' });
    expect(error.toLine()).toBe('nope.json: no such configuration file (given as --config)');
  });

  it('refuses an extension it cannot load', async () => {
    write('settings.toml', 'failUnder = 2');
    const error = await loadError({ cwd: root, configPath: 'settings.toml' });
    expect(error.toLine()).toMatch(/^settings\.toml: configuration files ending in \.toml cannot be loaded; use \.json/);
  });

  it('reports a syntax error with the file and the parser message on one line', async () => {
    const file = write('.aitossrc.json', '{ "failUnder": 11, }');
    const error = await loadError({ cwd: root });
    expect(error.source).toBe(file);
    expect(error.message).toMatch(/^the configuration file could not be loaded \(JSON\): \w.* \(line 1, column 20\)$/);
    expect(error.message).not.toMatch(/JSON Error in|position/);
    expect(error.toLine()).not.toContain('\n');
    write('.aitossrc.json', '{\n  "failUnder": 11,\n}\n');
    expect((await loadError({ cwd: root })).message).toMatch(/ \(line 3, column 1\)$/);
    write('.aitossrc.json', '{ "failUnder": 11');
    expect((await loadError({ cwd: root })).message).toMatch(/^the configuration file could not be loaded \(JSON\): \w/);
    rmSync(file);
    const yaml = write('.aitossrc.json', '');
    rmSync(yaml);
    write('.aitossrc.yaml', 'failUnder: [1, 2\n');
    expect((await loadError({ cwd: root })).message).toMatch(/^the configuration file could not be loaded \(YAML\): /);
  });

  it('reads JSON and YAML as cosmiconfig does, after a byte order mark too: an empty file is an empty configuration', async () => {
    const file = write('.aitossrc.json', '\ufeff{ "failUnder": 4 }\n');
    await expect(loadConfig({ cwd: root })).resolves.toEqual({ file, config: { failUnder: 4 } });
    write('.aitossrc.json', ' \n');
    await expect(loadConfig({ cwd: root })).resolves.toEqual({ file, config: {} });
    rmSync(file);
    const yaml = write('.aitossrc.yml', '\ufeff# from a Windows editor\r\nfailUnder: 5\r\n');
    await expect(loadConfig({ cwd: root })).resolves.toEqual({ file: yaml, config: { failUnder: 5 } });
    write('.aitossrc.yml', '# nothing yet\n');
    await expect(loadConfig({ cwd: root })).resolves.toEqual({ file: yaml, config: {} });
    const pkg = write('sub/package.json', JSON.stringify({ name: 'x', aitoss: { failUnder: 6 } }));
    await expect(loadConfig({ cwd: root, configPath: 'sub/package.json' })).resolves.toEqual({ file: pkg, config: { failUnder: 6 } });
  });

  it('reports an error thrown by a JavaScript configuration', async () => {
    write('aitoss.config.mjs', 'throw new Error("no settings today");');
    const error = await loadError({ cwd: root });
    expect(error.message).toBe('the configuration file could not be loaded: no settings today');
  });

  it('validates what it loads, naming the file', async () => {
    const file = write('.aitossrc.yaml', 'failUnder: thirty\n');
    const error = await loadError({ cwd: root });
    expect(error.toLine()).toBe(`${file}: key "failUnder": expected a whole number of days (0 or more), got the string "thirty"`);
  });
});

describe('describeLoadError', () => {
  it('says that a TypeScript configuration needs the typescript package', () => {
    const missing = Object.assign(new Error("Cannot find package 'typescript' imported from /x/dist/chunks/a.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = describeLoadError(missing, '/p/aitoss.config.ts');
    expect(error.toLine()).toBe(
      '/p/aitoss.config.ts: loading a TypeScript configuration needs the "typescript" package, which is not installed; run npm install --save-dev typescript, or write the configuration as aitoss.config.mjs or .aitossrc.json',
    );
  });

  it('keeps the first line of other errors', () => {
    const error = describeLoadError(new Error('YAML Error in /p/.aitossrc:\nbad indentation\n  at line 2'), '/p/.aitossrc');
    expect(error.message).toBe('the configuration file could not be loaded (YAML): bad indentation');
  });
});

describe('searchBounds: where the upward search stops', () => {
  it('at the repository root, even past a nearer package.json (a monorepo)', () => {
    write('packages/app/package.json', '{"name":"app"}');
    mkdirSync(join(root, 'packages/app/src'));
    expect(searchBounds(join(root, 'packages/app/src'), '/nonexistent-home')).toEqual({ stopAt: root, stop: 'repository' });
  });

  it('outside a repository at the package root, then the home directory, else the working directory alone', () => {
    rmSync(join(root, '.git'), { recursive: true });
    const file = write('.aitossrc.json', '{"failUnder": 3}');
    mkdirSync(join(root, 'home/me/project/deep'), { recursive: true });
    const home = join(root, 'home/me');
    const deep = join(home, 'project/deep');
    expect(searchBounds(deep, home)).toEqual({ stopAt: home, stop: 'home' });
    // Never above the home directory: the file above it is not found.
    expect(searchConfigFile(deep, home).file).toBeUndefined();
    write('home/me/project/package.json', '{"name":"p"}');
    expect(searchBounds(deep, home)).toEqual({ stopAt: join(home, 'project'), stop: 'package' });
    // Outside home, no repository, no package: the working directory alone.
    mkdirSync(join(root, 'job'));
    expect(searchBounds(join(root, 'job'), home)).toEqual({ stopAt: join(root, 'job'), stop: 'working-directory' });
    expect(searchConfigFile(join(root, 'job'), home).file).toBeUndefined();
    expect(searchConfigFile(root, home).file).toBe(file);
    // HOME=/ (some containers) bounds nothing: the working directory alone still.
    expect(searchBounds(join(root, 'job'), '/')).toEqual({ stopAt: join(root, 'job'), stop: 'working-directory' });
  });
});
