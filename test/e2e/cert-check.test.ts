import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../helpers/exposition.js';
import { fixture, PIN, runCli, type CliResult, type RunOptions } from './helpers.js';

const tempDirs: string[] = [];

async function check(args: string[], options?: RunOptions): Promise<CliResult> {
  return runCli(['cert', 'check', ...args], options);
}

/** `cert check --json --at PIN`: the exit code and the parsed report. */
async function checkJson(args: string[], options?: RunOptions) {
  const result = await check([...args, '--json', '--at', PIN], options);
  expect(result.stderr).toBe('');
  return { code: result.code, json: JSON.parse(result.stdout) };
}

// Key material: runCli (helpers.ts) fails any run that prints a fixture key body.
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-check-'));
  tempDirs.push(dir);
  return dir;
}

function fingerprintOf(path: string): string {
  return new X509Certificate(readFileSync(fixture(path))).fingerprint256;
}

function expectUsageError(result: CliResult, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(pattern);
}

describe('the verdict line', () => {
  it('opens with PASS, the days left and the expiry, then the details of inspect', async () => {
    const result = await check(['fixtures/pairs/rsa-pkcs8.crt', '--key', 'fixtures/pairs/rsa-pkcs8.key', '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const [verdicts, details, summary] = result.stdout.trimEnd().split('\n\n');
    expect(verdicts).toBe('PASS  fixtures/pairs/rsa-pkcs8.crt: 207 days left, expires 2027-06-26');
    expect(details).toMatch(/^fixtures\/pairs\/rsa-pkcs8\.crt {2}OK {2}207 days left, expires 2027-06-26\n {2}verdict {6}pass: 207 days left, expires 2027-06-26$/m);
    expect(details).toMatch(/^ {2}key {10}matches fixtures\/pairs\/rsa-pkcs8\.key$/m);
    expect(details).toMatch(/^ {2}sha256 {7}[0-9A-F:]{95}$/m);
    expect(summary).toBe('check passed · 1 certificate: 1 pass · fail under 30 days · as of 2026-12-01 00:00 UTC');
  });

  it('opens with FAIL and why', async () => {
    const result = await check(['fixtures/lifecycle/urgent-5d.crt', 'fixtures/lifecycle/urgent-5d.key', '--at', PIN]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      'FAIL  fixtures/lifecycle/urgent-5d.crt: 5 days left (< 30)',
      '      → issue the next certificate now; none is staged',
    ]);
    expect(result.stdout).toMatch(/^check failed · 1 certificate: 1 fail · fail under 30 days · as of 2026-12-01 00:00 UTC$/m);
  });
});

describe('the threshold', () => {
  it('passes with exactly 30 days left', async () => {
    const result = await check(['fixtures/lifecycle/boundary-30d.crt', 'fixtures/lifecycle/boundary-30d.key', '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('PASS  fixtures/lifecycle/boundary-30d.crt: 30 days left, expires 2026-12-31');
  });

  it('fails a few hours under 30 days', async () => {
    const result = await check(['fixtures/lifecycle/boundary-30d.crt', 'fixtures/lifecycle/boundary-30d.key', '--at', '2026-12-01T03:00:00Z']);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe('FAIL  fixtures/lifecycle/boundary-30d.crt: 29 days left (< 30)');
  });

  it('takes --fail-under', async () => {
    const args = ['fixtures/lifecycle/expiring-20d.crt', 'fixtures/lifecycle/expiring-20d.key'];
    expect((await checkJson([...args, '--fail-under', '20'])).code).toBe(0);
    const { code, json } = await checkJson([...args, '--fail-under', '21']);
    expect(code).toBe(1);
    expect(json).toMatchObject({ status: 'fail', failUnder: 21 });
  });

  it.each([
    [['--fail-under', 'soon'], /^aitoss: --fail-under soon: expected a whole number; see 'aitoss cert check --help'$/],
    [['--fail-under', '-3'], /--fail-under/],
    [['--format', 'xml'], /^aitoss: --format xml: expected text, json, github or prometheus; see 'aitoss cert check --help'$/],
  ])('rejects %j as a usage error', async (extra, pattern) => {
    expectUsageError(await check(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, ...extra]), pattern);
  });

  it('rejects --json with --format github as a usage error, in a JSON error document', async () => {
    const result = await check(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, '--json', '--format', 'github']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('aitoss: --json and --format github disagree; give one; see --help\n');
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('says what to name when nothing is given', async () => {
    expectUsageError(await check(['--at', PIN]), /^aitoss: name what to check: PATH\.\.\., or --cert SRC --key SRC/);
  });

  it('is an input error (2) when the inputs hold keys only', async () => {
    const result = await check(['fixtures/pairs/rsa-pkcs8.key', '--at', PIN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('aitoss: no certificate among the inputs, only keys; name the certificate files too\n');
  });
});

describe('failure reasons', () => {
  it.each([
    ['expired', ['fixtures/lifecycle/expired.crt', 'fixtures/lifecycle/expired.key'], ['expired'], 'expired 36 days ago (2026-10-26)'],
    ['not yet valid', ['fixtures/lifecycle/not-yet-valid.crt', 'fixtures/lifecycle/not-yet-valid.key'], ['not-yet-valid'], 'not valid until 2027-01-01'],
    ['below the threshold', ['fixtures/lifecycle/critical-12h.crt', 'fixtures/lifecycle/critical-12h.key'], ['below-threshold'], 'less than a day left (< 30)'],
    ['a key that does not match', ['--cert', 'fixtures/mismatch/cross-type.crt', '--key', 'fixtures/mismatch/cross-type.key'], ['key-mismatch'], 'the key fixtures/mismatch/cross-type.key does not belong to it'],
    ['a key required but absent', ['fixtures/pairs/ec-sec1.crt', '--require-key'], ['key-not-checked'], 'key not checked (--require-key)'],
    ['no client authentication', ['fixtures/lifecycle/server-auth-only.crt', 'fixtures/lifecycle/server-auth-only.key'], ['no-client-auth'], 'its extended key usage does not allow TLS client authentication'],
    ['an intermediate first', ['fixtures/formats/bundle-intermediate-first.pem', 'fixtures/formats/formats.key'], ['leaf-not-first'], 'an intermediate comes before it in its file (TLS would present the intermediate)'],
  ])('fails %s with its code and says so in the verdict line', async (_name, args, reasons, text) => {
    const { code, json } = await checkJson(args);
    expect(code).toBe(1);
    expect(json.status).toBe('fail');
    expect(json.certificates).toHaveLength(1);
    expect(json.certificates[0]).toMatchObject({ verdict: 'fail', reasons });
    const result = await check([...args, '--at', PIN]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toMatch(/^FAIL {2}\S+( \(block \d\))?: /);
    expect(result.stdout.split('\n')[0]!.endsWith(`: ${text}`)).toBe(true);
  });
});

describe('certificates without their key', () => {
  it('pass on dates alone and say "key not checked"', async () => {
    const result = await check(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('PASS  fixtures/pairs/rsa-pkcs8.crt: 207 days left, expires 2027-06-26; key not checked');
  });

  it('fail with --require-key', async () => {
    const result = await check(['fixtures/pairs/rsa-pkcs8.crt', '--require-key', '--at', PIN]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe('FAIL  fixtures/pairs/rsa-pkcs8.crt: key not checked (--require-key)');
    const withKey = await check(['fixtures/pairs/rsa-pkcs8.crt', 'fixtures/pairs/rsa-pkcs8.key', '--require-key', '--at', PIN]);
    expect(withKey.code).toBe(0);
  });
});

describe('rotation', () => {
  it('passes when the old certificate near expiry has a new pair far from it', async () => {
    const result = await check(['fixtures/rotation', '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n\n')[0]).toBe(
      [
        'SUPERSEDED  fixtures/rotation/app-2025.crt: superseded by fixtures/rotation/app-2026.crt; this one has 10 days left, expires 2026-12-11',
        'PASS  fixtures/rotation/app-2026.crt: 379 days left, expires 2027-12-15',
        'PASS  fixtures/rotation/other-app.crt: 207 days left, expires 2027-06-26',
      ].join('\n'),
    );
    const { json } = await checkJson(['fixtures/rotation']);
    const old = json.certificates.find((c: { source: string }) => c.source === 'fixtures/rotation/app-2025.crt');
    const current = json.certificates.find((c: { source: string }) => c.source === 'fixtures/rotation/app-2026.crt');
    expect(old).toMatchObject({ verdict: 'superseded', reasons: [], supersededBy: 'fixtures/rotation/app-2026.crt' });
    expect(old.rotationSet).toBe(current.rotationSet);
  });

  it('fails with --all', async () => {
    const result = await check(['fixtures/rotation', '--all', '--at', PIN]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe('FAIL  fixtures/rotation/app-2025.crt: 10 days left (< 30)');
  });

  it('fails when only the old pair is given, and says none is staged', async () => {
    const result = await check(['fixtures/rotation/app-2025.crt', 'fixtures/rotation/app-2025.key', '--at', PIN]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('      → issue the next certificate now; none is staged\n');
  });

  it('judges the download folder of the demo on its newest pair', async () => {
    const { code, json } = await checkJson(['fixtures/demo']);
    expect(code).toBe(0);
    expect(json.certificates.map((c: { verdict: string }) => c.verdict).sort()).toEqual(['pass', 'superseded']);
  });
});

describe('env: sources', () => {
  const read = (path: string) => readFileSync(fixture(path), 'utf8');
  it.each([
    ['PEM', () => [read('formats/formats.crt'), read('formats/formats.key')]],
    ['PEM with escaped newlines', () => [read('formats/cert.escaped'), read('formats/key.escaped')]],
    ['base64 of PEM', () => [read('formats/cert.b64'), read('formats/key.b64')]],
  ])('checks a pair held as %s', async (_name, values) => {
    const [cert, key] = values();
    const result = await check(['--cert', 'env:APP_CERT', '--key', 'env:APP_KEY', '--at', PIN], { env: { APP_CERT: cert, APP_KEY: key } });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('PASS  env:APP_CERT: 207 days left, expires 2027-06-26');
    expect(result.stdout).toMatch(/^ {2}key {10}matches env:APP_KEY$/m);
  });

  it('reads AITOSS_CERT and AITOSS_KEY without flags', async () => {
    const result = await check(['--at', PIN], {
      env: { AITOSS_CERT: readFileSync(fixture('formats/cert.b64'), 'utf8'), AITOSS_KEY: readFileSync(fixture('formats/key.escaped'), 'utf8') },
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('PASS  env:AITOSS_CERT: 207 days left, expires 2027-06-26');
  });

  it('reads an encrypted key with the passphrase from the environment', async () => {
    const { code, json } = await checkJson(['fixtures/pairs/rsa-encrypted-pkcs8.crt', 'fixtures/pairs/rsa-encrypted-pkcs8.key', '--require-key'], {
      env: { AITOSS_KEY_PASSPHRASE: 'fixture-passphrase' },
    });
    expect(code).toBe(0);
    expect(json.certificates[0]).toMatchObject({ keyMatch: true, verdict: 'pass' });
  });
});

describe('--json', () => {
  it('is the inspect schema plus status, failUnder and reasons', async () => {
    const { code, json } = await checkJson(['fixtures/lifecycle/urgent-5d.crt', 'fixtures/lifecycle/urgent-5d.key', 'fixtures/pairs/ec-sec1.crt', '--fail-under', '7']);
    expect(code).toBe(1);
    expect(json).toMatchObject({ schemaVersion: 1, evaluatedAt: '2026-12-01T00:00:00.000Z', status: 'fail', failUnder: 7, requireKey: false, all: false, keys: [] });
    expect(json.certificates[0]).toMatchObject({
      source: 'fixtures/lifecycle/urgent-5d.crt',
      keySource: 'fixtures/lifecycle/urgent-5d.key',
      daysRemaining: 5,
      level: 'urgent',
      keyMatch: true,
      fingerprintSha256: fingerprintOf('lifecycle/urgent-5d.crt'),
      verdict: 'fail',
      reasons: ['below-threshold'],
      messages: ['issue the next certificate now; none is staged'],
    });
    expect(json.certificates[1]).toMatchObject({ source: 'fixtures/pairs/ec-sec1.crt', keyMatch: null, verdict: 'pass', reasons: [] });
    expect(json.rotationSets).toHaveLength(2);
  });

  it('is the same as --format json', async () => {
    const a = await check(['fixtures/rotation', '--json', '--at', PIN]);
    const b = await check(['fixtures/rotation', '--format', 'json', '--at', PIN]);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('--format github', () => {
  const ARGS = [
    'fixtures/rotation',
    'fixtures/lifecycle/expiring-20d.crt',
    'fixtures/lifecycle/expiring-20d.key',
    'fixtures/lifecycle/expired.crt',
    '--fail-under',
    '14',
    '--at',
    PIN,
  ];

  it('prints workflow commands, chosen by default inside GitHub Actions, and appends the step summary', async () => {
    const dir = tempDir();
    const summaryFile = join(dir, 'summary.md');
    writeFileSync(summaryFile, '# earlier step\n');
    const result = await check(ARGS, { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        '::warning file=fixtures/lifecycle/expiring-20d.crt,title=Client certificate expires in 20 days::fixtures/lifecycle/expiring-20d.crt: 20 days left, expires 2026-12-21%0Aissue the next certificate now; none is staged',
        '::error file=fixtures/lifecycle/expired.crt,title=Client certificate fails the check::fixtures/lifecycle/expired.crt: expired 36 days ago (2026-10-26)%0Aissue the next certificate now; none is staged',
        // Every certificate given is counted, superseded ones by name.
        'aitoss: check failed · 5 certificates: 3 pass, 1 fail, 1 superseded · fail under 14 days · as of 2026-12-01 00:00 UTC',
        '',
      ].join('\n'),
    );
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toBe(
      [
        '# earlier step',
        '### aitoss cert check: ❌ failed',
        '',
        '| Result | Certificate | Subject | Days left | Expires | Key | Details |',
        '|---|---|---|--:|---|---|---|',
        '| ⏭️ superseded | `fixtures/rotation/app-2025.crt` | CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss | 10 | 2026-12-11 | matches | superseded by fixtures/rotation/app-2026.crt; this one has 10 days left, expires 2026-12-11 |',
        '| ✅ pass | `fixtures/rotation/app-2026.crt` | CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss | 379 | 2027-12-15 | matches | 379 days left, expires 2027-12-15 |',
        '| ✅ pass | `fixtures/rotation/other-app.crt` | CN=other.partner.example, O=Demo Partner, OU=Apps in Toss | 207 | 2027-06-26 | matches | 207 days left, expires 2027-06-26 |',
        '| ⚠️ pass | `fixtures/lifecycle/expiring-20d.crt` | CN=expiring-20d.partner.example, O=Demo Partner, OU=Apps in Toss | 20 | 2026-12-21 | matches | 20 days left, expires 2026-12-21 |',
        '| ❌ fail | `fixtures/lifecycle/expired.crt` | CN=expired.partner.example, O=Demo Partner, OU=Apps in Toss | -36 | 2026-10-26 | not checked | expired 36 days ago (2026-10-26) |',
        '',
        '5 certificates: 3 pass, 1 fail, 1 superseded · fail under 14 days · as of 2026-12-01 00:00 UTC',
        '',
      ].join('\n'),
    );
  });

  it('is the same with --format github outside Actions, without a summary file', async () => {
    const inActions = await check(ARGS, { env: { GITHUB_ACTIONS: 'true' } });
    const explicit = await check([...ARGS, '--format', 'github']);
    expect(explicit.stdout).toBe(inActions.stdout);
    expect(explicit.code).toBe(1);
  });

  it('lets --format text or --json win inside GitHub Actions', async () => {
    const text = await check(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, '--format', 'text'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(text.stdout).toMatch(/^PASS {2}/);
    const json = await check(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN, '--json'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(JSON.parse(json.stdout).status).toBe('pass');
  });

  it('warns in the log when the summary cannot be written, and still gates', async () => {
    const result = await check(['fixtures/pairs/rsa-pkcs8.crt', '--at', PIN], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(tempDir(), 'missing-dir', 'summary.md') },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^::warning::aitoss: could not append the job summary to .*summary\.md \(ENOENT\)$/m);
  });
});

describe('--format prometheus', () => {
  it('prints metrics that parse back line by line', async () => {
    const result = await check(['fixtures/rotation', 'fixtures/pairs/rsa-pkcs8.crt', '--format', 'prometheus', '--at', PIN]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const { samples, type } = parseExposition(result.stdout);
    expect([...type.values()].every((t) => t === 'gauge')).toBe(true);
    const bySource = (name: string, source: string) => {
      const found = samples.filter((s) => s.name === name && s.labels.source === source);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const current = bySource('aitoss_certificate_expiry_timestamp_seconds', 'fixtures/rotation/app-2026.crt');
    expect(current.labels).toEqual({
      fingerprint: fingerprintOf('rotation/app-2026.crt'),
      subject: 'CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss',
      source: 'fixtures/rotation/app-2026.crt',
    });
    expect(current.value).toBe(Date.parse('2027-12-15T00:00:00Z') / 1000);
    expect(bySource('aitoss_certificate_days_remaining', 'fixtures/rotation/app-2025.crt').value).toBe(10);
    expect(bySource('aitoss_certificate_superseded', 'fixtures/rotation/app-2025.crt').value).toBe(1);
    expect(bySource('aitoss_certificate_key_match', 'fixtures/rotation/app-2026.crt').value).toBe(1);
    expect(bySource('aitoss_certificate_key_match', 'fixtures/pairs/rsa-pkcs8.crt').value).toBe(-1);
    expect(bySource('aitoss_certificate_check_success', 'fixtures/pairs/rsa-pkcs8.crt').value).toBe(1);
    expect(samples.filter((s) => s.name === 'aitoss_certificate_days_remaining')).toHaveLength(4);
    expect(samples.find((s) => s.name === 'aitoss_check_success')?.value).toBe(1);
    expect(samples.find((s) => s.name === 'aitoss_check_timestamp_seconds')?.value).toBe(Date.parse('2026-12-01T00:00:00Z') / 1000);
    expect(samples.find((s) => s.name === 'aitoss_check_fail_under_days')?.value).toBe(30);
  });

  it('reports a failed check with exit 1 and aitoss_check_success 0', async () => {
    const result = await check(['fixtures/lifecycle/expired.crt', '--format', 'prometheus', '--at', PIN]);
    expect(result.code).toBe(1);
    const { samples } = parseExposition(result.stdout);
    expect(samples.find((s) => s.name === 'aitoss_check_success')?.value).toBe(0);
    expect(samples.find((s) => s.name === 'aitoss_certificate_check_success')?.value).toBe(0);
  });

  it('still says aitoss_check_success 0 when the inputs cannot be read', async () => {
    const result = await check(['fixtures/missing.crt', '--format', 'prometheus', '--at', PIN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('aitoss: fixtures/missing.crt: no such file or directory\n');
    const { samples } = parseExposition(result.stdout);
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ['aitoss_check_success', 0],
      ['aitoss_check_timestamp_seconds', Date.parse('2026-12-01T00:00:00Z') / 1000],
    ]);
  });
});

describe('help', () => {
  it('documents the gate, examples and exit codes', async () => {
    const result = await check(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--fail-under <days>/);
    expect(result.stdout).toMatch(/--require-key/);
    expect(result.stdout).toMatch(/Examples:/);
    expect(result.stdout).toMatch(/Exit codes: 0 the check passed/);
  });
});

describe('--strict: how key files are stored', () => {
  function pairIn(dir: string, mode: number) {
    writeFileSync(join(dir, 'app.crt'), readFileSync(fixture('pairs/ec-sec1.crt')));
    writeFileSync(join(dir, 'app.key'), readFileSync(fixture('pairs/ec-sec1.key')));
    chmodSync(join(dir, 'app.key'), mode);
    return dir;
  }

  it('a key readable by others is a warning that passes, and fails with --strict', async () => {
    const dir = pairIn(tempDir(), 0o644);
    const lenient = await checkJson([dir]);
    expect(lenient.code).toBe(0);
    expect(lenient.json.strict).toBe(false);
    const strict = await checkJson([dir, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.json).toMatchObject({ status: 'fail', strict: true });
    expect(strict.json.certificates[0].reasons).toEqual(['key-permissions']);
  });

  it('a key unignored in a git work tree fails with --strict until it is ignored', async () => {
    const dir = pairIn(tempDir(), 0o600);
    execFileSync('git', ['init', '-q', dir]);
    const strict = await checkJson([dir, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.json.certificates[0].reasons).toEqual(['key-in-git']);
    writeFileSync(join(dir, '.gitignore'), '*.key\n');
    expect((await checkJson([dir, '--strict'])).code).toBe(0);
  });

  it('a key in a work tree git cannot answer for is unknown: a warning, and a failure with --strict', async () => {
    const dir = pairIn(tempDir(), 0o600);
    execFileSync('git', ['init', '-q', dir]);
    // No git on PATH: whether the key is ignored cannot be established.
    const noGit = { env: { PATH: join(dir, 'no-bin-here') } };
    const lenient = await checkJson([dir], noGit);
    expect(lenient.code).toBe(0);
    expect(lenient.json.certificates[0].problems).toContainEqual(expect.objectContaining({ code: 'key-in-git-unknown', severity: 'warning' }));
    expect(lenient.json.certificates[0].problems.find((p: { code: string }) => p.code === 'key-in-git-unknown').message).toMatch(/git is not installed/);
    const strict = await checkJson([dir, '--strict'], noGit);
    expect(strict.code).toBe(1);
    expect(strict.json.certificates[0].reasons).toEqual(['key-in-git-unknown']);
    const text = await check([dir, '--strict', '--at', PIN], noGit);
    expect(text.stdout.split('\n')[0]).toBe(`FAIL  ${join(dir, 'app.crt')}: its key file ${join(dir, 'app.key')} is in a git work tree and git could not say whether it is ignored (--strict)`);
    // With git, the same folder is answered for.
    expect((await checkJson([dir, '--strict'])).json.certificates[0].reasons).toEqual(['key-in-git']);
  });

  it('the text verdict names the fix', async () => {
    const dir = pairIn(tempDir(), 0o640);
    const result = await check([dir, '--strict', '--at', PIN]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe(`FAIL  ${join(dir, 'app.crt')}: its key file ${join(dir, 'app.key')} is readable by group or others (--strict): chmod 600 it`);
  });
});

describe('a folder with files that are not a usable certificate or key', () => {
  function folder(): string {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.crt'), readFileSync(fixture('pairs/ec-pkcs8.crt')));
    writeFileSync(join(dir, 'app.key'), readFileSync(fixture('pairs/ec-pkcs8.key')), { mode: 0o600 });
    writeFileSync(join(dir, 'movie.mp4'), Buffer.alloc(2 * 1024 * 1024));
    execFileSync('openssl', ['req', '-new', '-key', 'app.key', '-subj', '/CN=app', '-out', 'app.csr'], { cwd: dir, stdio: 'ignore' });
    return dir;
  }

  it('judges the pair; the skipped files do not fail the check by themselves', async () => {
    const dir = folder();
    const { code, json } = await checkJson([dir, '--require-key']);
    expect(code).toBe(0);
    expect(json.status).toBe('pass');
    expect(json.skipped.map((s: { code: string }) => s.code)).toEqual(['csr', 'too-large']);
    const text = await check([dir, '--at', PIN]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('skipped (2 files in folders, not a usable certificate or key)');
    expect(text.stdout).toMatch(/check passed · 1 certificate: 1 pass · 2 files skipped · fail under 30 days/);
    // The GitHub closing line and job summary say what the text summary says.
    const summaryFile = join(dir, 'summary.md');
    const github = await check([dir, '--at', PIN, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summaryFile } });
    expect(github.code).toBe(0);
    expect(github.stdout).toContain('aitoss: check passed · 1 certificate: 1 pass · 2 files skipped · fail under 30 days · as of');
    expect(readFileSync(summaryFile, 'utf8')).toContain('1 certificate: 1 pass · 2 files skipped · fail under 30 days · as of');
  });

  it('-r judges the certificates of subfolders too', async () => {
    const dir = tempDir();
    execFileSync('mkdir', ['-p', join(dir, 'team', 'app')]);
    writeFileSync(join(dir, 'team', 'app', 'app.crt'), readFileSync(fixture('pairs/ec-pkcs8.crt')));
    expect((await check([dir, '--at', PIN])).code).toBe(2);
    const { json } = await checkJson([dir, '--recursive']);
    expect(json.certificates.map((c: { source: string }) => c.source)).toEqual([join(dir, 'team', 'app', 'app.crt')]);
  });
});
