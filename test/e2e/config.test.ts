import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, fixture, PIN, ROOT, runCli, type CliResult, type RunOptions } from './helpers.js';
import { OTHER_UID, requireRoot, sharedTempDir } from '../helpers/other-user.js';

const tempDirs: string[] = [];

async function run(args: string[], options?: RunOptions): Promise<CliResult> {
  const result = await runCli(args, options);
  return result;
}

// Key material: runCli (helpers.ts) fails any run that prints a fixture key body.
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A project directory in the system's temp folder with the given files (contents as
 * text): a repository root (it holds .git), where the configuration search stops.
 */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-config-e2e-'));
  tempDirs.push(dir);
  mkdirSync(join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const EXPIRING = { cert: fixture('lifecycle/expiring-20d.crt'), key: fixture('lifecycle/expiring-20d.key') };

describe('each format loads its own parser only', () => {
  // The built CLI in a fresh process: the parts it required, from Node's require.cache.
  const partsRequired = (cwd: string): { settings: unknown; parts: string[] } => {
    const script = `process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\/]chunks[\\/]/.test(k)).map((k) => k.split(/[\\/]/).pop()))));
require(${JSON.stringify(`${ROOT}dist/cli.cjs`)}).run(['config', '--json']);`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd, env: cleanEnv(), encoding: 'utf8' });
    const parts = JSON.parse(result.stderr) as string[];
    return { settings: (JSON.parse(result.stdout) as { settings: { failUnder: { value: unknown } } }).settings.failUnder.value, parts };
  };

  it.each([
    ['.aitossrc.json', '{ "failUnder": 12 }', []],
    ['.aitossrc.yaml', 'failUnder: 12\n', ['yaml.cjs']],
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
      configSearch: { from: dir, stopAt: dir, stop: 'repository', skipped: [] },
      settings: {
        cert: { value: join('certs', 'app.crt'), origin: file },
        key: { value: 'env:SECRET_KEY', origin: 'env:AITOSS_KEY', set: false },
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
    expect(lines[0]).toBe(`config file    ${file}  (the first search place found; searched ${dir} only, the repository root: it holds .git)`);
    expect(lines).toContainEqual(expect.stringMatching(/^cert {11}- +\(not set\)$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^failUnder {6}14 +\\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^passphraseEnv {2}APP_PASS +\(.*; the variable is set\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^endpoint {7}https:\/\/apps-in-toss-api\.toss\.im\/ +\(default\)$/));
    expect(result.stdout).not.toContain('hunter2-secret');
  });

  it('says when no file was found, and where it looked', async () => {
    const dir = project({ 'a/b/.keep': '' });
    const result = await run(['config'], { cwd: join(dir, 'a/b') });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`config file    none found  (searched from ${join(dir, 'a/b')} up to ${dir}, the repository root: it holds .git)`);
  });

  it('never shows an endpoint password, whatever it holds (a space, a tab, a quote, a slash), from the environment or the file', async () => {
    const secret = 'Zx9-endpoint-secret';
    for (const endpoint of [`https://partner:${secret} 2@api.example/`, `https://partner:${secret}\t@api.example/`, `https://partner:"${secret}@api.example/`, `https://partner:${secret}/x@api.example/`, `partner:${secret}@api.example`]) {
      const dir = project({ '.aitossrc.json': JSON.stringify({ endpoint }) });
      for (const args of [['config'], ['config', '--json']]) {
        // runCli fails a run whose output holds one of `secrets`.
        const fromEnv = await run(args, { cwd: dir, env: { AITOSS_ENDPOINT: endpoint }, secrets: [secret] });
        expect(fromEnv.stdout + fromEnv.stderr).toContain('***@');
        const fromFile = await run(args, { cwd: dir, secrets: [secret] });
        expect(fromFile.stdout + fromFile.stderr).toContain('***@');
      }
    }
  });

  it('shows a configuration file in a directory with a hostile name as data: no control, C1 or bidirectional character reaches the output', async () => {
    const hostile = 'd\u001b[31m\u202e\u0085\u009bx';
    const dir = project({ [`${hostile}/.aitossrc.yaml`]: 'failUnder: 3\n', [`${hostile}/package.json`]: '{"aitoss":{"failUnder":2}}' });
    for (const args of [['config'], ['config', '--json']]) {
      const result = await run(args, { cwd: join(dir, hostile) });
      expect(result.code).toBe(0);
      expect(result.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    const text = await run(['config'], { cwd: join(dir, hostile) });
    expect(text.stdout.split('\n')[1]).toContain('d\\x1b[31m\\u202e\\x85\\x9bx/.aitossrc.yaml');
  });

  it('says which candidates it did not use, and why', async () => {
    const dir = project({ 'app/package.json': '{"name":"app"}', 'app/.aitossrc.yaml': 'failUnder: 3\n', '.aitossrc.json': '{}' });
    const result = await run(['config'], { cwd: join(dir, 'app') });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^config file    ${join(dir, 'app/.aitossrc.yaml')}  \\(the first search place found; searched from`));
    expect(lines[1]).toBe(`               not used: ${join(dir, 'app/package.json')}  (no "aitoss" key)`);
    expect(lines[2]).toBe(`               not used: ${join(dir, '.aitossrc.json')}  (${join(dir, 'app/.aitossrc.yaml')} comes first)`);
    const json = JSON.parse((await run(['config', '--json'], { cwd: join(dir, 'app') })).stdout);
    expect(json.configSearch.skipped).toEqual([
      { file: join(dir, 'app/package.json'), reason: 'no "aitoss" key' },
      { file: join(dir, '.aitossrc.json'), reason: `${join(dir, 'app/.aitossrc.yaml')} comes first` },
    ]);
    expect((await run(['config', '--json', '--config', '.aitossrc.json'], { cwd: dir })).stdout).toMatch(/"configSearch": null/);
  });

  it('never prints a certificate or key held in the environment', async () => {
    const cert = readFileSync(fixture('formats/formats.crt'), 'utf8');
    const key = readFileSync(fixture('formats/formats.key'), 'utf8');
    const result = await run(['config', '--json'], { cwd: project({}), env: { AITOSS_CERT: cert, AITOSS_KEY: key, AITOSS_KEY_PASSPHRASE: 'pass-123456' } });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.settings.cert).toEqual({ value: 'env:AITOSS_CERT', origin: 'env:AITOSS_CERT', set: true });
    expect(json.settings.key).toEqual({ value: 'env:AITOSS_KEY', origin: 'env:AITOSS_KEY', set: true });
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

describe('what configuration is loaded: the search bounds and the owner and mode checks', () => {
  /** A JavaScript configuration that would pass any gate, and says so by writing `marker`. */
  const hostileConfig = (marker: string) => `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { failUnder: 0 };\n`;
  const check = ['cert', 'check', EXPIRING.cert, '--at', PIN];

  it('a configuration planted in a shared parent above the working directory is never loaded', async () => {
    requireRoot('a file planted by another user');
    const shared = sharedTempDir();
    chmodSync(shared, 0o1777);
    const marker = join(shared, 'ran');
    writeFileSync(join(shared, '.aitossrc.cjs'), hostileConfig(marker));
    chownSync(join(shared, '.aitossrc.cjs'), OTHER_UID, OTHER_UID);
    // A plain folder and a repository below it; the gate must judge 20 days against the default 30.
    mkdirSync(join(shared, 'job'));
    mkdirSync(join(shared, 'repo/.git'), { recursive: true });
    mkdirSync(join(shared, 'repo/sub'));
    for (const cwd of [join(shared, 'job'), join(shared, 'repo/sub')]) {
      const result = await run(check, { cwd });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n')[0]).toBe(`FAIL  ${EXPIRING.cert}: 20 days left (< 30)`);
      expect((await run(['config', '--json'], { cwd })).stdout).toMatch(/"configFile": null/);
    }
    expect(existsSync(marker)).toBe(false);
    // Above the stop, even a file of root's own is out of reach: the bounds, not only the owner.
    chownSync(join(shared, '.aitossrc.cjs'), 0, 0);
    expect((await run(check, { cwd: join(shared, 'job') })).code).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });

  it("within the bounds, another user's file is refused: one line, exit 2, and its code never runs", async () => {
    requireRoot('a file owned by another user');
    const dir = project({ 'sub/.keep': '' });
    const marker = join(dir, 'ran');
    const file = join(dir, '.aitossrc.cjs');
    writeFileSync(file, hostileConfig(marker));
    chownSync(file, OTHER_UID, OTHER_UID);
    for (const [args, cwd] of [
      [check, join(dir, 'sub')],
      [['config'], dir],
      [['config', '--config', file], '/'],
    ] as const) {
      const result = await run([...args], { cwd });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `aitoss: ${file}: refused: the configuration file is owned by uid ${OTHER_UID}, not by you (uid 0) or root; only a file of your own (or root's) that no one else can write to is loaded: run chown and chmod go-w on ${file}, or put the settings in flags or AITOSS_* variables\n`,
      );
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('a file, or a directory on its path, that others can write to is refused; a sticky shared directory is not', async () => {
    const dir = project({ '.aitossrc.json': '{ "failUnder": 0 }', 'shared/ci.json': '{ "failUnder": 0 }' });
    chmodSync(join(dir, '.aitossrc.json'), 0o664);
    const groupWritable = await run(check, { cwd: dir });
    expect(groupWritable.code).toBe(2);
    expect(groupWritable.stderr).toMatch(new RegExp(`^aitoss: ${join(dir, '.aitossrc.json')}: refused: the configuration file is writable by its group \\(mode 0664\\); .*chmod go-w`));
    rmSync(join(dir, '.aitossrc.json'));
    chmodSync(join(dir, 'shared'), 0o777);
    const openDirectory = await run([...check, '--config', 'shared/ci.json'], { cwd: dir });
    expect(openDirectory.code).toBe(2);
    expect(openDirectory.stderr).toMatch(new RegExp(`refused: its directory ${join(dir, 'shared')} is writable by every user \\(mode 0777\\)`));
    expect(openDirectory.stderr.split('\n')).toHaveLength(2);
    // Like /tmp: writable by all, sticky, and the file in it this user's own.
    chmodSync(join(dir, 'shared'), 0o1777);
    const sticky = await run([...check, '--config', 'shared/ci.json'], { cwd: dir });
    expect(sticky.stderr).toBe('');
    expect(sticky.code).toBe(0);
  });

  it('an unreadable configuration above the project does not break a run below it; an unreadable candidate inside it is an error', async () => {
    requireRoot('a file this user cannot read');
    const base = sharedTempDir();
    writeFileSync(join(base, '.aitossrc.json'), '{ "failUnder": 0 }', { mode: 0o000 });
    mkdirSync(join(base, 'locked'), { mode: 0o000 });
    const repo = join(base, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    chownSync(repo, OTHER_UID, OTHER_UID);
    const asOther = { uid: OTHER_UID, cwd: repo };
    // The certificate from where that user can read it (the checkout may be private).
    copyFileSync(EXPIRING.cert, join(repo, 'app.crt'));
    chmodSync(join(repo, 'app.crt'), 0o644);
    const check = ['cert', 'check', 'app.crt', '--at', PIN];
    const clean = await run([...check], asOther);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(1);
    // Inside the bounds: root's file (trusted) that this user cannot read.
    writeFileSync(join(repo, '.aitossrc.yaml'), 'failUnder: 0\n', { mode: 0o600 });
    const unreadable = await run([...check], asOther);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe(`aitoss: ${join(repo, '.aitossrc.yaml')}: cannot be read (EACCES)\n`);
  });
});
