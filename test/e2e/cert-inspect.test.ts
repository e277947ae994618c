import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, PIN, runCli, type CliResult, type RunOptions } from './helpers.js';
import { isRoot, OTHER_UID, sharedTempDir } from '../helpers/other-user.js';

const PASSPHRASE = 'fixture-passphrase';
const KEY_FILE_CODES = ['key-permissions', 'key-in-git'];

async function inspect(args: string[], options?: RunOptions): Promise<CliResult> {
  return runCli(['cert', 'inspect', ...args], options);
}

async function inspectJson(args: string[], options?: RunOptions) {
  const result = await inspect([...args, '--json', '--at', PIN], options);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

// Key material: runCli (helpers.ts) fails any run that prints a fixture key body.

/** An input error: exit 2, exactly one line on stderr naming the source, no stack trace, nothing on stdout. */
function expectInputError(result: CliResult, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('text output', () => {
  it('explains the demo folder: pairs by public key, levels, next action', async () => {
    const result = await inspect(['fixtures/demo', '--at', '2026-12-20']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const [older, newer, summary] = result.stdout.trimEnd().split('\n\n');
    // One rotation model with check: the older generation is superseded by its successor beside it.
    expect(older).toMatch(/^fixtures\/demo\/demo-2025_cert\.pem {2}SUPERSEDED {2}25 days left, expires 2027-01-14$/m);
    expect(older).toMatch(/^ {2}key {10}matches fixtures\/demo\/demo-2025_private\.pem$/m);
    expect(older).toMatch(/^ {2}period {7}390 days \(the platform's 390\)$/m);
    expect(older).toMatch(
      /→ replaced by fixtures\/demo\/demo-2026_cert\.pem: keep that one deployed, and revoke this one in the console once nothing uses it; this one expires 2027-01-14$/,
    );
    expect(older).not.toMatch(/renew within/);
    expect(newer).toMatch(/^fixtures\/demo\/demo-2026_cert\.pem {2}OK {2}365 days left, expires 2027-12-20$/m);
    expect(newer).toMatch(/^ {2}key {10}matches fixtures\/demo\/demo-2026_private\.pem$/m);
    expect(summary).toBe('2 certificates: 1 superseded, 1 ok · as of 2026-12-20 00:00 UTC');
  });

  it('an expiring certificate whose successor is staged without its key: make that one usable, not "issue a new certificate"', async () => {
    const args = ['fixtures/rotation/app-2025.crt', 'fixtures/rotation/app-2025.key', 'fixtures/rotation/app-2026.crt', '--at', PIN];
    const action =
      '→ the newer certificate fixtures/rotation/app-2026.crt has no key among the inputs: add its key to check and deploy it; this one expires 2026-12-11';
    const shown = await inspect(args);
    expect(shown.code).toBe(0);
    const [older] = shown.stdout.split('\n\n');
    expect(older).toMatch(/^fixtures\/rotation\/app-2025\.crt {2}EXPIRING {2}10 days left/);
    expect(older).toContain(action);
    expect(older).not.toMatch(/issue a new certificate/);
    // check's details say the same.
    const checked = await runCli(['cert', 'check', ...args]);
    expect(checked.code).toBe(1);
    expect(checked.stdout.split('\n\n')[1]).toContain(action);
  });

  it('colors only when asked or on a terminal; NO_COLOR wins over FORCE_COLOR, flags over both', async () => {
    const plain = await inspect(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN]);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const forced = await inspect(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, '--color'], { env: { NO_COLOR: undefined } });
    expect(forced.stdout).toMatch(/\u001b\[32mOK/);
    const flagWins = await inspect(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, '--color'], { env: { NO_COLOR: '1' } });
    expect(flagWins.stdout).toMatch(/\u001b\[32mOK/);
    const noColor = await inspect(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
    const noColorFlag = await inspect(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(noColorFlag.stdout).not.toMatch(/\u001b\[/);
  });

  it('shows problems and the intermediate of a bundle', async () => {
    const result = await inspect(['fixtures/formats/bundle-intermediate-first.pem', '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}chain {8}block 1: CN=aitoss Test Intermediate CA, O=aitoss fixtures \(issuer\), expires 2033-01-01$/m);
    expect(result.stdout).toMatch(/✗ an intermediate comes before the client certificate/);
    expect(result.stdout).toMatch(/no key found/);
  });
});

describe('--json', () => {
  it('has the documented fields for a pair', async () => {
    const json = await inspectJson(['--cert', 'fixtures/pairs/ec-sec1.crt', '--key', 'fixtures/pairs/ec-sec1.key']);
    expect(json.schemaVersion).toBe(1);
    expect(json.evaluatedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(json.keys).toEqual([]);
    expect(json.certificates).toHaveLength(1);
    const cert = json.certificates[0];
    expect(Object.keys(cert)).toEqual(
      expect.arrayContaining(['source', 'keySource', 'subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'validityDays', 'daysRemaining', 'level', 'keyMatch', 'fingerprintSha256', 'publicKey', 'clientAuth', 'problems']),
    );
    expect(cert).toMatchObject({
      source: 'fixtures/pairs/ec-sec1.crt',
      keySource: 'fixtures/pairs/ec-sec1.key',
      subject: 'CN=ec-sec1.partner.example, O=Demo Partner, OU=Apps in Toss',
      issuer: 'CN=aitoss Test Intermediate CA, O=aitoss fixtures',
      notBefore: '2026-06-01T00:00:00.000Z',
      notAfter: '2027-06-26T00:00:00.000Z',
      validityDays: 390,
      daysRemaining: 207,
      level: 'ok',
      keyMatch: true,
      publicKey: { algorithm: 'EC', curve: 'P-256' },
      clientAuth: true,
    });
    // The committed fixture key sits in this git checkout: that, and its mode, are all it reports.
    expect(cert.problems.map((p: { code: string }) => p.code).filter((c: string) => !KEY_FILE_CODES.includes(c))).toEqual([]);
    const { X509Certificate } = await import('node:crypto');
    expect(cert.fingerprintSha256).toBe(new X509Certificate(readFileSync(fixture('pairs/ec-sec1.crt'))).fingerprint256);
  });

  it('reads every key format in a folder and pairs them all', async () => {
    const json = await inspectJson(['fixtures/pairs'], { env: { AITOSS_KEY_PASSPHRASE: PASSPHRASE } });
    const names = json.certificates.map((c: { source: string }) => c.source.replace('fixtures/pairs/', ''));
    expect(names).toEqual(['ec-der-cert.der', 'ec-pkcs8.crt', 'ec-sec1.crt', 'ed25519.crt', 'rsa-encrypted-legacy.crt', 'rsa-encrypted-pkcs8.crt', 'rsa-pkcs1.crt', 'rsa-pkcs8.crt']);
    for (const cert of json.certificates) expect([cert.source, cert.keyMatch]).toEqual([cert.source, true]);
    expect(json.keys).toEqual([]);
    const formats = Object.fromEntries(json.certificates.map((c: { source: string; keySource: string }) => [c.source, c.keySource]));
    expect(formats['fixtures/pairs/ec-der-cert.der']).toBe('fixtures/pairs/ec-der-key.der');
  });

  it('reports every lifecycle level as of --at', async () => {
    const json = await inspectJson(['fixtures/lifecycle']);
    const levels = Object.fromEntries(json.certificates.map((c: { source: string; level: string; daysRemaining: number }) => [c.source.replace(/.*\//, ''), [c.level, c.daysRemaining]]));
    expect(levels).toMatchObject({
      'expired.crt': ['expired', -36],
      'not-yet-valid.crt': ['not-yet-valid', 421],
      'expiring-20d.crt': ['expiring', 20],
      'urgent-5d.crt': ['urgent', 5],
      'critical-12h.crt': ['critical', 0],
      'boundary-30d.crt': ['expiring', 30],
      'non-390.crt': ['ok', 182],
    });
    const non390 = json.certificates.find((c: { source: string }) => c.source.endsWith('non-390.crt'));
    expect(non390.problems.map((p: { code: string }) => p.code).filter((c: string) => !KEY_FILE_CODES.includes(c))).toEqual(['validity-not-390']);
    const serverOnly = json.certificates.find((c: { source: string }) => c.source.endsWith('server-auth-only.crt'));
    expect(serverOnly.clientAuth).toBe(false);
  });

  it('reports a key that does not match, of the same type or not', async () => {
    for (const name of ['same-type', 'cross-type']) {
      const json = await inspectJson(['--cert', `fixtures/mismatch/${name}.crt`, '--key', `fixtures/mismatch/${name}.key`]);
      expect(json.certificates[0]).toMatchObject({ keyMatch: false, keySource: `fixtures/mismatch/${name}.key` });
      expect(json.certificates[0].problems.map((p: { code: string }) => p.code)).toContain('key-mismatch');
    }
  });

  it('lists a key without a certificate, and a certificate without a key', async () => {
    const json = await inspectJson(['fixtures/pairs/rsa-pkcs8.crt', 'fixtures/pairs/ec-pkcs8.crt', 'fixtures/pairs/ec-sec1.key']);
    expect(json.certificates[0]).toMatchObject({ keyMatch: null, keyStatus: 'none', keySource: null });
    expect(json.keys).toEqual([expect.objectContaining({ source: 'fixtures/pairs/ec-sec1.key', format: 'sec1', publicKey: { algorithm: 'EC', curve: 'P-256' } })]);
  });
});

describe('sources', () => {
  const certPem = readFileSync(fixture('formats/formats.crt'), 'utf8');
  const keyPem = readFileSync(fixture('formats/formats.key'), 'utf8');

  it.each([
    ['PEM', certPem, keyPem],
    ['escaped PEM', readFileSync(fixture('formats/cert.escaped'), 'utf8'), readFileSync(fixture('formats/key.escaped'), 'utf8')],
    ['base64 of PEM', readFileSync(fixture('formats/cert.b64'), 'utf8'), readFileSync(fixture('formats/key.b64'), 'utf8')],
  ])('env: holding %s', async (_name, cert, key) => {
    const json = await inspectJson(['--cert', 'env:APP_CERT', '--key', 'env:APP_KEY'], { env: { APP_CERT: cert, APP_KEY: key } });
    expect(json.certificates[0]).toMatchObject({ source: 'env:APP_CERT', keySource: 'env:APP_KEY', keyMatch: true });
  });

  it('reads stdin as -', async () => {
    const json = await inspectJson(['--cert', '-', '--key', 'fixtures/formats/formats.key'], { input: certPem });
    expect(json.certificates[0]).toMatchObject({ source: 'stdin', keyMatch: true });
  });

  it.each(['crlf.crt', 'bom.crt', 'openssl-text.crt', 'combined.pem', 'bundle.pem'])('reads %s', async (name) => {
    const json = await inspectJson([`fixtures/formats/${name}`, 'fixtures/formats/formats.key']);
    expect(json.certificates[0]).toMatchObject({ subject: expect.stringMatching(/^CN=formats\.partner\.example/), keyMatch: true });
  });

  it('takes the passphrase from --passphrase-env', async () => {
    const json = await inspectJson(['fixtures/pairs/rsa-encrypted-legacy.crt', 'fixtures/pairs/rsa-encrypted-legacy.key', '--passphrase-env', 'MY_PASS'], {
      env: { MY_PASS: PASSPHRASE },
    });
    expect(json.certificates[0].keyMatch).toBe(true);
  });

  it('writes a report larger than a pipe holds whole, exit code included', async () => {
    // The process ends as soon as its output has reached the OS (src/cli.ts, run()): none is lost.
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-'));
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `app-${String(i).padStart(3, '0')}.crt`), certPem);
    const json = await inspectJson([dir]);
    expect(json.certificates).toHaveLength(200);
    const text = await inspect([dir, '--at', PIN]);
    expect(text.code).toBe(0);
    expect(text.stdout.length).toBeGreaterThan(128 * 1024);
    expect(text.stdout).toMatch(/\n200 certificates: 200 ok · as of 2026-12-01 00:00 UTC\n$/);
  });

  it('skips files in a folder that hold no certificate or key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-'));
    writeFileSync(join(dir, 'README.txt'), 'downloaded from the console\n');
    writeFileSync(join(dir, 'app.crt'), certPem);
    const json = await inspectJson([dir]);
    expect(json.certificates.map((c: { source: string }) => c.source)).toEqual([join(dir, 'app.crt')]);
    expect(json.skipped).toEqual([{ source: join(dir, 'README.txt'), code: 'not-certificate-or-key', reason: expect.any(String) }]);
  });
});

/**
 * A download folder: one odd file never aborts it. Everything here is made by openssl:
 * a CSR, a PKCS#12 bundle, an encrypted key, a video-sized file, garbage.
 */
describe('a folder with odd files', () => {
  const certPem = readFileSync(fixture('pairs/ec-pkcs8.crt'), 'utf8');
  const keyPem = readFileSync(fixture('pairs/ec-pkcs8.key'), 'utf8');
  function downloads(): string {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-downloads-'));
    writeFileSync(join(dir, 'app.crt'), certPem);
    writeFileSync(join(dir, 'app.key'), keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'holiday.mp4'), Buffer.alloc(2 * 1024 * 1024, 7));
    writeFileSync(join(dir, 'notes.txt'), 'garbage\n');
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl('req', '-new', '-key', 'app.key', '-subj', '/CN=app', '-out', 'request.csr');
    openssl('pkcs12', '-export', '-in', 'app.crt', '-inkey', 'app.key', '-out', 'my bundle.p12', '-passout', 'pass:x');
    openssl('pkcs8', '-topk8', '-in', 'app.key', '-out', 'locked.key', '-passout', 'pass:x');
    mkdirSync(join(dir, 'older'));
    writeFileSync(join(dir, 'older', 'old.crt'), readFileSync(fixture('pairs/rsa-pkcs8.crt')));
    return dir;
  }
  const SKIPPED = [
    ['holiday.mp4', 'too-large'],
    ['locked.key', 'encrypted-key'],
    ['my bundle.p12', 'pkcs12'],
    ['notes.txt', 'not-certificate-or-key'],
    ['request.csr', 'csr'],
  ];

  it('inspect reports the pair and lists each odd file as skipped with its reason, exit 0 (JSON)', async () => {
    const dir = downloads();
    const json = await inspectJson([dir]);
    expect(json.certificates.map((c: { source: string; keyMatch: boolean }) => [c.source, c.keyMatch])).toEqual([[join(dir, 'app.crt'), true]]);
    expect(json.skipped.map((s: { source: string; code: string }) => [s.source, s.code])).toEqual(SKIPPED.map(([name, code]) => [join(dir, name as string), code]));
    for (const entry of json.skipped) expect(entry.reason).toMatch(/^[a-z]/);
  });

  it('inspect says the same in text, and counts the skipped files', async () => {
    const dir = downloads();
    const result = await inspect([dir, '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('skipped (5 files in folders, not a usable certificate or key)');
    expect(result.stdout).toContain(`  ${join(dir, 'request.csr')}: holds a certificate signing request (CSR)`);
    expect(result.stdout).toContain(`  ${join(dir, 'locked.key')}: the private key is encrypted and no passphrase was given`);
    expect(result.stdout).toMatch(/1 certificate: 1 ok · 5 files skipped · as of/);
  });

  it('with the passphrase, the encrypted key is read, not skipped', async () => {
    const dir = downloads();
    const json = await inspectJson([dir], { env: { AITOSS_KEY_PASSPHRASE: 'x' } });
    expect(json.skipped.map((s: { code: string }) => s.code)).not.toContain('encrypted-key');
  });

  it('-r reads subfolders; without it, nothing found says how many were not read', async () => {
    const dir = downloads();
    const recursive = await inspectJson([dir, '-r']);
    expect(recursive.certificates.map((c: { source: string }) => c.source)).toEqual([join(dir, 'app.crt'), join(dir, 'older', 'old.crt')]);
    const empty = mkdtempSync(join(tmpdir(), 'aitoss-'));
    mkdirSync(join(empty, '2025'));
    mkdirSync(join(empty, '2026'));
    writeFileSync(join(empty, 'notes.txt'), 'hello\n');
    expectInputError(
      await inspect([empty]),
      /: no certificate or private key found in this directory \(1 file skipped\); 2 subfolders were not read; add -r to read subfolders$/,
    );
  });

  it.each([
    ['the video', 'holiday.mp4', /holiday\.mp4: is larger than 1 MiB/],
    ['the CSR', 'request.csr', /request\.csr: holds a certificate signing request/],
    ['the encrypted key', 'locked.key', /locked\.key: the private key is encrypted and no passphrase was given/],
    ['the garbage', 'notes.txt', /notes\.txt: is not a certificate or private key/],
  ])('%s named directly is still an error, exit 2', async (_name, file, pattern) => {
    expectInputError(await inspect([join(downloads(), file)]), pattern);
  });

  it('the PKCS#12 hint gives the commands for that file, quoted, the key extracted with -nodes', async () => {
    const dir = downloads();
    const p12 = join(dir, 'my bundle.p12');
    const result = await inspect([p12]);
    expectInputError(result, /holds a PKCS#12/);
    expect(result.stderr).toContain(`\`openssl pkcs12 -in '${p12}' -clcerts -nokeys -out app.crt\``);
    expect(result.stderr).toContain(`\`(umask 077; openssl pkcs12 -in '${p12}' -nocerts -nodes -out app.key)\``);
    // The commands work as given: what they write is read as the pair.
    execFileSync('sh', ['-c', `openssl pkcs12 -in '${p12}' -clcerts -nokeys -out app.crt -passin pass:x && (umask 077; openssl pkcs12 -in '${p12}' -nocerts -nodes -out app.key -passin pass:x)`], { cwd: dir, stdio: 'ignore' });
    const json = await inspectJson([join(dir, 'app.crt'), join(dir, 'app.key')]);
    expect(json.certificates[0].keyMatch).toBe(true);
  });
});

describe('where a value came from', () => {
  it.each([
    ['AITOSS_CERT', ['cert', 'check'], { AITOSS_CERT: 'garbage' }, /^aitoss: AITOSS_CERT=garbage \(environment\): no such file or directory$/],
    ['--ca', ['ping', 'https://127.0.0.1:9/', '--no-proxy', '--ca', 'nope.pem'], {}, /^aitoss: --ca nope\.pem: no such file or directory$/],
    ['--key', ['cert', 'inspect', '--key', 'nope.key'], {}, /^aitoss: --key nope\.key: no such file or directory$/],
  ])('%s', async (_name, args, env, pattern) => {
    expectInputError(await runCli(args, { env }), pattern);
  });

  it('a configuration file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-'));
    writeFileSync(join(dir, '.aitossrc.yaml'), 'cert: certs/app.crt\n');
    expectInputError(await runCli(['cert', 'check'], { cwd: dir }), /^aitoss: cert: certs\/app\.crt in \.aitossrc\.yaml: no such file or directory$/);
  });

  it('ping --ca from a configuration file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-'));
    writeFileSync(join(dir, '.aitossrc.yaml'), 'ca: corp-root.pem\n');
    expectInputError(await runCli(['ping', 'https://127.0.0.1:9/', '--no-proxy'], { cwd: dir }), /^aitoss: ca: corp-root\.pem in \.aitossrc\.yaml: no such file or directory$/);
  });

  it.each([
    ['AITOSS_KEY_PASSPHRASE', [], { AITOSS_KEY_PASSPHRASE: 'wrong' }, undefined, /the passphrase in AITOSS_KEY_PASSPHRASE does not decrypt the private key; check the value of AITOSS_KEY_PASSPHRASE \(unset it to be asked on a terminal\)$/],
    ['--passphrase-env', ['--passphrase-env', 'APP_PASS'], { APP_PASS: 'wrong' }, undefined, /the passphrase in APP_PASS \(--passphrase-env\) does not decrypt the private key; check the value of APP_PASS$/],
    ['passphraseEnv in a configuration file', [], { APP_PASS: 'wrong' }, 'passphraseEnv: APP_PASS\n', /the passphrase in APP_PASS \(passphraseEnv in \.aitossrc\.yaml\) does not decrypt the private key/],
  ])('a wrong passphrase from %s is worded for it', async (_name, args, env, config, pattern) => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-'));
    if (config) writeFileSync(join(dir, '.aitossrc.yaml'), `${config}key: ${fixture('pairs/rsa-encrypted-pkcs8.key')}\n`);
    const paths = config ? [] : [fixture('pairs/rsa-encrypted-pkcs8.key')];
    expectInputError(await runCli(['cert', 'inspect', ...paths, ...args], { cwd: dir, env }), pattern);
  });

  it('a key pasted into --passphrase-env is not echoed', async () => {
    const body = readFileSync(fixture('pairs/ec-sec1.key'), 'utf8');
    const result = await runCli(['cert', 'inspect', fixture('pairs/rsa-encrypted-pkcs8.key'), '--passphrase-env', body]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aitoss: --passphrase-env: expected the name of an environment variable/);
  });

  it('empty stdin says it was empty', async () => {
    expectInputError(await inspect(['-'], { input: '' }), /^aitoss: stdin: is empty: nothing was piped in/);
  });
});

describe('certificates and keys made by openssl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-openssl-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

  it('a certificate with an empty subject and a subjectAltName is read and shown', async () => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'san.key', '-out', 'san.crt', '-subj', '/', '-addext', 'subjectAltName=DNS:app.example', '-days', '30');
    const json = await inspectJson([join(dir, 'san.crt'), join(dir, 'san.key')]);
    expect(json.certificates[0]).toMatchObject({ subject: '', subjectAltName: 'DNS:app.example', keyMatch: true });
    const text = await inspect([join(dir, 'san.crt'), '--at', PIN]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}subject {6}\(empty subject\), alt names DNS:app\.example$/m);
  });

  it('an encrypted key asking for more PBKDF2 iterations than the cap is refused before decrypting, naming the file', async () => {
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'plain.key');
    // 10,000,001: one more than the cap (openssl spends ~3 s making it; aitoss must not spend them).
    openssl('pkcs8', '-topk8', '-in', 'plain.key', '-out', 'slow.key', '-passout', 'pass:pw', '-iter', '10000001');
    const started = Date.now();
    const result = await inspect([join(dir, 'slow.key')], { env: { AITOSS_KEY_PASSPHRASE: 'pw' } });
    expectInputError(result, /slow\.key: the encrypted private key asks for 10,000,001 PBKDF2 iterations to decrypt \(at most 10,000,000 are accepted\)/);
    expect(Date.now() - started).toBeLessThan(2500);
    // At the cap's side of the line, a key made with openssl's default decrypts.
    openssl('pkcs8', '-topk8', '-in', 'plain.key', '-out', 'normal.key', '-passout', 'pass:pw');
    expect((await inspectJson([join(dir, 'normal.key')], { env: { AITOSS_KEY_PASSPHRASE: 'pw' } })).keys).toHaveLength(1);
  }, 30_000);
});

describe('bad input: one line naming the file, exit 2', () => {
  it.each([
    ['garbage', ['fixtures/bad/garbage.txt'], /^aitoss: fixtures\/bad\/garbage\.txt: is not a certificate or private key/],
    ['an empty file', ['fixtures/bad/empty.pem'], /^aitoss: fixtures\/bad\/empty\.pem: is not a certificate or private key/],
    ['a truncated certificate', ['fixtures/bad/truncated.crt'], /^aitoss: fixtures\/bad\/truncated\.crt: the PEM block 1 \(CERTIFICATE\) has no END line: the file is truncated/],
    ['a truncated key', ['fixtures/bad/truncated.key'], /^aitoss: fixtures\/bad\/truncated\.key: .*truncated/],
    ['a damaged certificate', ['fixtures/bad/corrupt-body.crt'], /^aitoss: fixtures\/bad\/corrupt-body\.crt: a CERTIFICATE block could not be parsed as X\.509; the file is damaged/],
    ['a missing file', ['fixtures/nope.crt'], /^aitoss: fixtures\/nope\.crt: no such file or directory$/],
    ['a certificate given as --key', ['--cert', 'fixtures/pairs/rsa-pkcs8.crt', '--key', 'fixtures/bad/cert-in-key-file.key'], /^aitoss: --key fixtures\/bad\/cert-in-key-file\.key: holds no private key; pass the private key file to --key$/],
    ['a directory given as --cert', ['--cert', 'fixtures/pairs'], /^aitoss: --cert fixtures\/pairs: is a directory; --cert takes one file/],
    ['a folder with nothing in it', ['fixtures/bad/../../src'], /no certificate or private key found in this directory/],
    ['an unset env: variable', ['--cert', 'env:AITOSS_TEST_UNSET'], /^aitoss: env:AITOSS_TEST_UNSET: the environment variable AITOSS_TEST_UNSET is not set$/],
  ])('%s', async (_name, args, pattern) => {
    expectInputError(await inspect([...args, '--at', PIN]), pattern);
  });

  it('an encrypted key without a passphrase', async () => {
    expectInputError(
      await inspect(['fixtures/pairs/rsa-encrypted-pkcs8.key']),
      /^aitoss: fixtures\/pairs\/rsa-encrypted-pkcs8\.key: the private key is encrypted and no passphrase was given; set AITOSS_KEY_PASSPHRASE/,
    );
  });

  it('an encrypted key with a wrong passphrase', async () => {
    expectInputError(
      await inspect(['fixtures/pairs/rsa-encrypted-legacy.key'], { env: { AITOSS_KEY_PASSPHRASE: 'wrong' } }),
      /^aitoss: fixtures\/pairs\/rsa-encrypted-legacy\.key: the passphrase in AITOSS_KEY_PASSPHRASE does not decrypt the private key; check the value of AITOSS_KEY_PASSPHRASE/,
    );
  });

  it('a file over 1 MiB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-'));
    const big = join(dir, 'big.pem');
    writeFileSync(big, 'A'.repeat(1024 * 1024 + 1));
    expectInputError(await inspect([big]), /big\.pem: is larger than 1 MiB/);
  });

  it('a directory that cannot be read', async () => {
    // Root reads everything: as root, the CLI runs as another user (test/helpers/other-user.ts).
    const dir = isRoot() ? sharedTempDir() : mkdtempSync(join(tmpdir(), 'aitoss-'));
    mkdirSync(join(dir, 'locked'), { mode: 0o000 });
    expectInputError(await inspect([join(dir, 'locked')], isRoot() ? { uid: OTHER_UID, cwd: '/' } : {}), /permission denied/);
  });
});

describe('usage errors: one line pointing to --help, exit 2', () => {
  it.each([
    ['an unknown option', ['cert', 'inspect', '--bogus'], /^aitoss: unknown option '--bogus'; see 'aitoss cert inspect --help'$/],
    ['an unknown command', ['cert', 'nope'], /^aitoss: unknown command 'nope'; see 'aitoss cert --help'$/],
    ['a malformed --at', ['cert', 'inspect', 'fixtures/demo', '--at', 'tomorrow'], /^aitoss: --at tomorrow: expected an ISO 8601 date/],
    ['an impossible --at', ['cert', 'inspect', 'fixtures/demo', '--at', '2027-02-30'], /2027-02-30 is not a calendar date/],
    ['a missing option argument', ['cert', 'inspect', '--cert'], /^aitoss: --cert: missing its value <src>; see 'aitoss cert inspect --help'$/],
    ['nothing to inspect', ['cert', 'inspect'], /^aitoss: name what to read: PATH\.\.\., or --cert SRC --key SRC; see --help$/],
  ])('%s', async (_name, args, pattern) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(pattern);
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['cert', 'inspect', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: aitoss cert inspect \[options\] \[path\.\.\.\]/);
    expect(help.stdout).toMatch(/Exit codes: 0 every input was read/);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(fixture('../package.json'), 'utf8')).version);
  });
});

it('DEBUG=aitoss adds the stack of the underlying error', async () => {
  const result = await inspect(['fixtures/bad/corrupt-body.crt'], { env: { DEBUG: 'aitoss' } });
  expect(result.code).toBe(2);
  expect(result.stderr.split('\n')[0]).toMatch(/corrupt-body\.crt: a CERTIFICATE block could not be parsed/);
  expect(result.stderr).toMatch(/^\s+at /m);
});

describe('key files', () => {
  const keyPem = readFileSync(fixture('pairs/ec-sec1.key'));
  const certPem = readFileSync(fixture('pairs/ec-sec1.crt'));

  function folder(mode: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-keyfile-'));
    writeFileSync(join(dir, 'app.crt'), certPem);
    writeFileSync(join(dir, 'app.key'), keyPem, { mode });
    chmodSync(join(dir, 'app.key'), mode);
    return dir;
  }
  const codesOf = (json: { certificates: Array<{ problems: Array<{ code: string }> }> }) => json.certificates[0]!.problems.map((p) => p.code);

  it('a key file readable by group or others is a warning naming chmod 600', async () => {
    const dir = folder(0o644);
    const json = await inspectJson([dir]);
    const problem = json.certificates[0].problems.find((p: { code: string }) => p.code === 'key-permissions');
    expect(problem).toMatchObject({ severity: 'warning' });
    expect(problem.message).toBe(`the key file ${join(dir, 'app.key')} is readable by group and others (mode 0644): run chmod 600 ${join(dir, 'app.key')}`);
  });

  it('a 0600 key file outside git draws no warning', async () => {
    expect(codesOf(await inspectJson([folder(0o600)]))).toEqual([]);
  });

  it('a key file in a git work tree is a warning until it is ignored', async () => {
    const dir = folder(0o600);
    execFileSync('git', ['init', '-q', dir]);
    expect(codesOf(await inspectJson([dir]))).toEqual(['key-in-git']);
    writeFileSync(join(dir, '.gitignore'), '*.key\n');
    expect(codesOf(await inspectJson([dir]))).toEqual([]);
  });
});
