import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, fixture, PIN, ROOT, runCli, type CliResult, type RunOptions } from './helpers.js';

const tempDirs: string[] = [];

async function run(args: string[], options?: RunOptions): Promise<CliResult> {
  const result = await runCli(args, options);
  return result;
}

// Key material: runCli (helpers.ts) fails any run that prints a fixture key body.
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A project directory in the system's temp folder with the given files (contents as text). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-config-e2e-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const EXPIRING = { cert: fixture('lifecycle/expiring-20d.crt'), key: fixture('lifecycle/expiring-20d.key') };

describe('each format loads its own parser only', () => {
  // The built CLI run through the bin's loader in a fresh process: the parts Node itself
  // required (cosmiconfig's; js-yaml's is loaded with a code cache, outside require.cache).
  const partsRequired = (cwd: string): { settings: unknown; parts: string[] } => {
    const script = `const argv = ['config', '--json'];
process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\/]chunks[\\/]/.test(k)).map((k) => k.split(/[\\/]/).pop()))));
require(${JSON.stringify(BIN)}).loadCli(${JSON.stringify(`${ROOT}dist/cli.cjs`)}, process.env, argv).run(argv);`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd, env: cleanEnv(), encoding: 'utf8' });
    const parts = JSON.parse(result.stderr) as string[];
    return { settings: (JSON.parse(result.stdout) as { settings: { failUnder: { value: unknown } } }).settings.failUnder.value, parts };
  };

  it.each([
    ['.aitossrc.json', '{ "failUnder": 12 }', []],
    ['.aitossrc.yaml', 'failUnder: 12\n', []],
    ['package.json', JSON.stringify({ name: 'app', aitoss: { failUnder: 12 } }), []],
    ['aitoss.config.mjs', 'export default { failUnder: 12 };\n', ['cosmiconfig.cjs']],
  ])('%s', (name, content, parts) => {
    expect(partsRequired(project({ [name]: content }))).toEqual({ settings: 12, parts });
  });
});

describe('configuration discovery', () => {
  it('finds .aitossrc.yaml from a subfolder and checks the pair it names', async () => {
    const dir = project({
      '.aitossrc.yaml': `cert: ${EXPIRING.cert}\nkey: ${EXPIRING.key}\nfailUnder: 14\n`,
      'src/deep/.keep': '',
    });
    const result = await run(['cert', 'check', '--at', PIN], { cwd: join(dir, 'src/deep') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`PASS  ${EXPIRING.cert}: 20 days left, expires 2026-12-21`);
    expect(result.stdout).toMatch(/fail under 14 days/);
  });

  it('reads paths in the file relative to the file', async () => {
    const dir = project({ 'config/.aitossrc.json': JSON.stringify({ cert: '../certs/app.crt', key: '../certs/app.key' }), 'config/sub/.keep': '' });
    mkdirSync(join(dir, 'certs'));
    copyFileSync(fixture('pairs/ec-pkcs8.crt'), join(dir, 'certs/app.crt'));
    copyFileSync(fixture('pairs/ec-pkcs8.key'), join(dir, 'certs/app.key'));
    const fromConfigDir = await run(['cert', 'check', '--at', PIN, '--require-key'], { cwd: join(dir, 'config/sub') });
    expect(fromConfigDir.code).toBe(0);
    expect(fromConfigDir.stdout.split('\n')[0]).toBe(`PASS  ${join(dir, 'certs/app.crt')}: 207 days left, expires 2027-06-26`);
    // From the project root the same file is shown relative to the working directory.
    const fromRoot = await run(['cert', 'check', '--at', PIN, '--config', 'config/.aitossrc.json'], { cwd: dir });
    expect(fromRoot.code).toBe(0);
    expect(fromRoot.stdout.split('\n')[0]).toBe('PASS  certs/app.crt: 207 days left, expires 2027-06-26');
  });

  it.each([
    ['package.json', JSON.stringify({ name: 'app', private: true, aitoss: { failUnder: 21 } })],
    ['.aitossrc', 'failUnder: 21\n'],
    ['.aitossrc.cjs', 'module.exports = { failUnder: 21 };\n'],
    ['aitoss.config.mjs', 'export default { failUnder: 21 };\n'],
    ['aitoss.config.ts', 'const failUnder: number = 21;\nexport default { failUnder };\n'],
  ])('loads %s', async (name, content) => {
    const dir = project({ [name]: content });
    const result = await run(['cert', 'check', EXPIRING.cert, EXPIRING.key, '--at', PIN, '--json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ failUnder: 21, status: 'fail' });
  });

  it('lets inspect read the certificate and key of the configuration', async () => {
    const dir = project({ '.aitossrc.json': JSON.stringify({ cert: EXPIRING.cert, key: EXPIRING.key }) });
    const result = await run(['cert', 'inspect', '--at', PIN, '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).certificates[0]).toMatchObject({ source: EXPIRING.cert, keySource: EXPIRING.key, keyMatch: true });
  });
});

describe('precedence: flag, then environment, then file, then default', () => {
  const ARGS = ['cert', 'check', EXPIRING.cert, EXPIRING.key, '--at', PIN, '--json'];
  const failUnder = async (extra: string[], env: Record<string, string>, cwd: string) => {
    const result = await run([...ARGS, ...extra], { cwd, env });
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout);
    expect(result.code).toBe(json.status === 'pass' ? 0 : 1);
    return [json.failUnder, json.status];
  };

  it('applies to --fail-under', async () => {
    const withFile = project({ '.aitossrc.json': JSON.stringify({ failUnder: 10 }) });
    const without = project({});
    expect(await failUnder([], {}, without)).toEqual([30, 'fail']);
    expect(await failUnder([], {}, withFile)).toEqual([10, 'pass']);
    expect(await failUnder([], { AITOSS_FAIL_UNDER: '25' }, withFile)).toEqual([25, 'fail']);
    expect(await failUnder(['--fail-under', '5'], { AITOSS_FAIL_UNDER: '25' }, withFile)).toEqual([5, 'pass']);
  });

  it('applies to the certificate and key', async () => {
    const dir = project({ '.aitossrc.json': JSON.stringify({ cert: fixture('lifecycle/expired.crt'), key: fixture('lifecycle/expired.key') }) });
    const fromFile = await run(['cert', 'check', '--at', PIN], { cwd: dir });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stdout.split('\n')[0]).toBe(`FAIL  ${fixture('lifecycle/expired.crt')}: expired 36 days ago (2026-10-26)`);
    const env = { AITOSS_CERT: fixture('pairs/rsa-pkcs8.crt'), AITOSS_KEY: fixture('pairs/rsa-pkcs8.key') };
    const fromEnv = await run(['cert', 'check', '--at', PIN], { cwd: dir, env });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout.split('\n')[0]).toBe(`PASS  ${env.AITOSS_CERT}: 207 days left, expires 2027-06-26`);
    const fromFlags = await run(['cert', 'check', '--cert', EXPIRING.cert, '--key', EXPIRING.key, '--at', PIN], { cwd: dir, env });
    expect(fromFlags.stdout.split('\n')[0]).toBe(`FAIL  ${EXPIRING.cert}: 20 days left (< 30)`);
    // PATH arguments name what to check: the configured pair is not added to them.
    const withPath = await run(['cert', 'check', fixture('pairs/ec-sec1.crt'), '--at', PIN, '--json'], { cwd: dir, env });
    expect(JSON.parse(withPath.stdout).certificates).toHaveLength(1);
  });

  it('is shown by aitoss config with where each value came from', async () => {
    const dir = project({ '.aitossrc.yml': `failUnder: 10\ncert: certs/app.crt\nendpoint: https://file.example/\ntimeoutMs: 2500\n` });
    const file = join(dir, '.aitossrc.yml');
    const result = await run(['config', '--fail-under', '5', '--json'], {
      cwd: dir,
      env: { AITOSS_FAIL_UNDER: '25', AITOSS_ENDPOINT: 'https://env.example/', AITOSS_KEY: 'env:SECRET_KEY' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      schemaVersion: 1,
      configFile: file,
      settings: {
        cert: { value: join('certs', 'app.crt'), origin: file },
        key: { value: 'env:SECRET_KEY', origin: 'env:AITOSS_KEY' },
        passphraseEnv: { value: 'AITOSS_KEY_PASSPHRASE', origin: 'default', set: false },
        failUnder: { value: 5, origin: 'flag' },
        endpoint: { value: 'https://env.example/', origin: 'env:AITOSS_ENDPOINT' },
        ca: null,
        timeoutMs: { value: 2500, origin: file },
      },
    });
  });
});

describe('aitoss config', () => {
  it('prints the effective settings as text', async () => {
    const dir = project({ '.aitossrc.json': JSON.stringify({ failUnder: 14, passphraseEnv: 'APP_PASS' }) });
    const file = join(dir, '.aitossrc.json');
    const result = await run(['config'], { cwd: join(dir), env: { APP_PASS: 'hunter2-secret' } });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`config file    ${file}`);
    expect(lines).toContainEqual(expect.stringMatching(/^cert {11}- +\(not set\)$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^failUnder {6}14 +\\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^passphraseEnv {2}APP_PASS +\(.*; the variable is set\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^endpoint {7}https:\/\/apps-in-toss-api\.toss\.im\/ +\(default\)$/));
    expect(result.stdout).not.toContain('hunter2-secret');
  });

  it('says when no file was found', async () => {
    const result = await run(['config'], { cwd: project({}) });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('config file    none found');
  });

  it('never prints a certificate or key held in the environment', async () => {
    const cert = readFileSync(fixture('formats/formats.crt'), 'utf8');
    const key = readFileSync(fixture('formats/formats.key'), 'utf8');
    const result = await run(['config', '--json'], { cwd: project({}), env: { AITOSS_CERT: cert, AITOSS_KEY: key, AITOSS_KEY_PASSPHRASE: 'pass-123456' } });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.settings.cert).toEqual({ value: 'env:AITOSS_CERT', origin: 'env:AITOSS_CERT' });
    expect(json.settings.key).toEqual({ value: 'env:AITOSS_KEY', origin: 'env:AITOSS_KEY' });
    expect(json.settings.passphraseEnv.set).toBe(true);
    expect(result.stdout).not.toContain('BEGIN');
    expect(result.stdout).not.toContain('pass-123456');
  });
});

describe('a bad configuration file', () => {
  it.each([
    ['.aitossrc.json', JSON.stringify({ cert: 'a.crt', failunder: 7 }), 'unknown key "failunder"; expected one of cert, key, passphraseEnv, failUnder, endpoint, ca, timeout, timeoutMs'],
    ['.aitossrc.yaml', 'failUnder: "30"\n', 'key "failUnder": expected a whole number of days (0 or more), got the string "30"'],
    ['aitoss.config.mjs', 'export default { timeoutMs: -1 };\n', 'key "timeoutMs": expected a whole number of milliseconds, more than 0 and at most 2147483647, got the number -1'],
  ])('%s is an input error naming the file, the key and what was expected', async (name, content, message) => {
    const dir = project({ [name]: content, 'sub/.keep': '' });
    for (const args of [['cert', 'check', fixture('pairs/rsa-pkcs8.crt'), '--at', PIN], ['config']]) {
      const result = await run(args, { cwd: join(dir, 'sub') });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`aitoss: ${join(dir, name)}: ${message}\n`);
    }
  });

  it('reports a syntax error on one line', async () => {
    const dir = project({ '.aitossrc': '{ "failUnder": 7,, }' });
    const result = await run(['cert', 'check', fixture('pairs/rsa-pkcs8.crt'), '--at', PIN], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^aitoss: ${join(dir, '.aitossrc')}: the configuration file could not be loaded \\(YAML\\): .+; fix the file or name another with --config FILE\\n$`));
  });

  it('names a missing --config file', async () => {
    const result = await run(['config', '--config', 'nowhere.yaml'], { cwd: project({}) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('aitoss: nowhere.yaml: no such configuration file (given as --config)\n');
  });

  it('rejects a malformed AITOSS_FAIL_UNDER', async () => {
    const result = await run(['cert', 'check', fixture('pairs/rsa-pkcs8.crt'), '--at', PIN], { cwd: project({}), env: { AITOSS_FAIL_UNDER: 'thirty' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('aitoss: env:AITOSS_FAIL_UNDER: expected a whole number of days (0 or more), got "thirty"\n');
  });
});
