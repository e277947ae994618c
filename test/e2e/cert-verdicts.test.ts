/**
 * Verdicts that do not lie, through the built CLI: keys proven by their private half,
 * rotation sets of one issuer, certificates a TLS server rejects, one story in every
 * output (header, verdict, counts, next action), and names shown as data.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, PIN, runCli, type CliResult } from './helpers.js';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-verdicts-'));
  tempDirs.push(dir);
  return dir;
}

const v = (name: string) => `fixtures/verdicts/${name}`;
const check = (args: string[]): Promise<CliResult> => runCli(['cert', 'check', ...args, '--at', PIN]);
const inspect = (args: string[]): Promise<CliResult> => runCli(['cert', 'inspect', ...args, '--at', PIN]);
async function checkJson(args: string[]) {
  const result = await check([...args, '--json']);
  expect(result.stderr).toBe('');
  return { code: result.code, json: JSON.parse(result.stdout) };
}
async function inspectJson(args: string[]) {
  const result = await inspect([...args, '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('a key reported as matching is proven by its private half', () => {
  it.each(['forged-rsa', 'forged-ec', 'forged-ec-pkcs8'])('%s: check --require-key fails with key-not-proven; inspect says so', async (name) => {
    const pair = [v(`${name}.crt`), v(`${name}.key`)];
    const { code, json } = await checkJson([...pair, '--require-key']);
    expect(code).toBe(1);
    expect(json.certificates[0]).toMatchObject({ verdict: 'fail', reasons: ['key-not-proven'], keyMatch: false, keyStatus: 'not-proven' });
    const named = await checkJson(['--cert', pair[0]!, '--key', pair[1]!]);
    expect(named.code).toBe(1);
    expect(named.json.certificates[0].reasons).toEqual(['key-not-proven']);

    const text = await inspect(pair);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^fixtures/verdicts/${name}\\.crt {2}KEY NOT PROVEN {2}`, 'm'));
    expect(text.stdout).toMatch(/^ {2}key {10}NOT PROVEN fixtures\/verdicts\/\S+\.key/m);
    expect(text.stdout).not.toMatch(/^ {2}key {10}matches/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 certificate: 1 key not proven · /);
  });

  it('a real pair still matches', async () => {
    for (const name of ['rsa-pkcs8', 'ec-sec1', 'ed25519']) {
      const { code, json } = await checkJson([fixture(`pairs/${name}.crt`), fixture(`pairs/${name}.key`), '--require-key']);
      expect(code).toBe(0);
      expect(json.certificates[0]).toMatchObject({ keyMatch: true, keyStatus: 'proven' });
    }
  });
});

describe('rotation sets: same subject, same issuer', () => {
  it.each([
    ['a self-signed certificate', 'self-signed'],
    ['a certificate from another CA of the same name', 'same-issuer-name'],
  ])('%s with the same subject never supersedes the console certificate', async (_what, stranger) => {
    const args = [v('console.crt'), v('console.key'), v(`${stranger}.crt`), v(`${stranger}.key`)];
    const { code, json } = await checkJson(args);
    expect(code).toBe(1);
    const [console, other] = json.certificates;
    expect(console).toMatchObject({ source: v('console.crt'), verdict: 'fail', reasons: ['below-threshold'], supersededBy: null });
    expect(other).toMatchObject({ verdict: 'pass', supersededBy: null });
    expect(console.rotationSet).not.toBe(other.rotationSet);
    const text = await inspect(args);
    expect(text.stdout).not.toMatch(/SUPERSEDED/);
  });
});

describe('certificates a TLS server rejects fail the gate', () => {
  it.each([
    ['unknown-critical', 'unknown-critical-extension', /the critical extension 1\.2\.3\.4 is one TLS servers do not know/],
    ['duplicate-eku', 'duplicate-extension', /the extension 2\.5\.29\.37 \(extendedKeyUsage\) appears more than once/],
    ['malformed-eku', 'malformed-eku', /its extended key usage extension 2\.5\.29\.37 \(extendedKeyUsage\) is malformed/],
  ])('%s: reason %s, UNUSABLE in inspect', async (name, reason, message) => {
    const pair = [v(`${name}.crt`), v(`${name}.key`)];
    const { code, json } = await checkJson(pair);
    expect(code).toBe(1);
    expect(json.certificates[0].reasons).toEqual([reason]);
    const text = await inspect(pair);
    expect(text.stdout).toMatch(new RegExp(`^fixtures/verdicts/${name}\\.crt {2}UNUSABLE {2}`, 'm'));
    expect(text.stdout).toMatch(message);
    expect(text.stdout).not.toMatch(/any use/);
  });

  it('notBefore after notAfter is never valid', async () => {
    const pair = [v('never-valid.crt'), v('never-valid.key')];
    const { code, json } = await checkJson(pair);
    expect(code).toBe(1);
    expect(json.certificates[0]).toMatchObject({ level: 'never-valid', reasons: ['never-valid'] });
    const text = await check(pair);
    expect(text.stdout.split('\n')[0]).toBe('FAIL  fixtures/verdicts/never-valid.crt: never valid: it starts 2027-01-01, after it ends 2026-06-01');
  });
});

describe('one story: header, verdict, counts and next action agree', () => {
  it('a key mismatch is never under an OK header, nor counted ok', async () => {
    const result = await inspect([fixture('mismatch/same-type.crt'), fixture('mismatch/same-type.key')]);
    expect(result.stdout).toMatch(/^\S+same-type\.crt {2}KEY MISMATCH {2}207 days left/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 certificate: 1 key mismatch · /);
  });

  it('check never prints OK next to a FAIL verdict', async () => {
    const result = await check([fixture('pairs/rsa-pkcs8.crt'), fixture('pairs/rsa-pkcs8.key'), '--fail-under', '400']);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/ {2}OK {2}/);
    expect(result.stdout).toMatch(/^\S+rsa-pkcs8\.crt {2}FAIL {2}207 days left/m);
    expect(result.stdout).toMatch(/→ renew now: 207 days left is under this check's threshold of 400/);
  });

  it('explicit paths, a certificate and a key that match nothing: key-mismatch', async () => {
    const { code, json } = await checkJson([fixture('pairs/rsa-pkcs8.crt'), fixture('pairs/ec-sec1.key')]);
    expect(code).toBe(1);
    expect(json.certificates[0]).toMatchObject({ reasons: ['key-mismatch'], keySource: fixture('pairs/ec-sec1.key') });
  });

  it('keys that match no certificate fail the certificates without a key (no-matching-key)', async () => {
    const { code, json } = await checkJson([fixture('pairs/rsa-pkcs8.crt'), fixture('pairs/ec-pkcs8.crt'), fixture('pairs/ec-sec1.key')]);
    expect(code).toBe(1);
    expect(json.certificates.map((c: { reasons: string[] }) => c.reasons)).toEqual([['no-matching-key'], ['no-matching-key']]);
  });

  it('every failure reason has its own next action', async () => {
    const leaf = await checkJson([fixture('formats/bundle-intermediate-first.pem'), fixture('formats/formats.key')]);
    expect(leaf.json.certificates[0].nextAction).toMatch(/^put the client certificate first in \S+bundle-intermediate-first\.pem/);
    const eku = await checkJson([fixture('lifecycle/server-auth-only.crt'), fixture('lifecycle/server-auth-only.key')]);
    expect(eku.json.certificates[0].nextAction).toMatch(/^issue a new certificate for client authentication/);
    for (const { json } of [leaf, eku]) expect(json.certificates[0].nextAction).not.toMatch(/nothing to do/);
  });

  it('a CA certificate in a folder is reported as one: never told to renew, never failing --require-key', async () => {
    const dir = tempDir();
    copyFileSync(fixture('pki/root-ca.crt'), join(dir, 'root-ca.crt'));
    copyFileSync(fixture('pairs/ec-sec1.crt'), join(dir, 'app.crt'));
    copyFileSync(fixture('pairs/ec-sec1.key'), join(dir, 'app.key'));
    const { code, json } = await checkJson([dir, '--require-key']);
    expect(code).toBe(0);
    const ca = json.certificates.find((c: { isCA: boolean }) => c.isCA);
    expect(ca).toMatchObject({ verdict: 'ca-certificate', reasons: [], status: 'ca-certificate', rotationSet: null });
    expect(ca.nextAction).not.toMatch(/renew/);
    const text = await check([dir, '--require-key']);
    expect(text.stdout).toMatch(/· 2 certificates: 1 pass, 1 CA certificate, not judged · /);
    const inspected = await inspect([dir]);
    expect(inspected.stdout).toMatch(/root-ca\.crt {2}CA CERTIFICATE {2}/);
    expect(inspected.stdout).not.toMatch(/renew from 2034/);
    const onlyCa = await check([fixture('pki/root-ca.crt')]);
    expect(onlyCa.code).toBe(2);
    expect(onlyCa.stderr).toMatch(/no client certificate among the inputs, only CA certificates/);
    // inspect counts them in the same words, plural included.
    copyFileSync(fixture('pki/intermediate-ca.crt'), join(dir, 'intermediate-ca.crt'));
    expect((await inspect([dir])).stdout).toMatch(/^3 certificates: 2 CA certificates, 1 ok · /m);
  });

  it('under a day: "less than a day", never "0 days"', async () => {
    const pair = [fixture('lifecycle/critical-12h.crt'), fixture('lifecycle/critical-12h.key')];
    const inspected = await inspect(pair);
    expect(inspected.stdout).toMatch(/CRITICAL {2}less than a day left, expires 2026-12-01 at 12:00 UTC$/m);
    const checked = await check(pair);
    expect(checked.stdout.split('\n')[0]).toBe('FAIL  ' + fixture('lifecycle/critical-12h.crt') + ': less than a day left (< 30)');
    for (const out of [inspected.stdout, checked.stdout]) expect(out).not.toMatch(/\b0 days\b/);
  });

  it('after expiry: whole days since, rounded down ("less than a day ago" one hour after, never "1 day ago")', async () => {
    const crt = fixture('lifecycle/critical-12h.crt'); // notAfter 2026-12-01 12:00 UTC
    const at = (when: string, command: string, ...extra: string[]) => runCli(['cert', command, crt, fixture('lifecycle/critical-12h.key'), '--at', when, ...extra]);
    const hourAfter = await at('2026-12-01T13:00:00Z', 'inspect');
    expect(hourAfter.stdout).toMatch(/EXPIRED {2}expired less than a day ago$/m);
    expect((await at('2026-12-01T13:00:00Z', 'check', '-q')).stdout).toBe(`FAIL  ${crt}: expired less than a day ago (2026-12-01)\n      → issue the next certificate now; none is staged\n`);
    expect((await at('2026-12-03T00:00:00Z', 'inspect')).stdout).toMatch(/EXPIRED {2}expired 1 day ago$/m);
  });

  it('superseded certificates are named and counted as such everywhere, with whose days they are', async () => {
    const args = [fixture('demo')];
    const text = await check(args);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^SUPERSEDED {2}\S+demo-2025_cert\.pem: superseded by \S+demo-2026_cert\.pem; this one has 44 days left, expires 2027-01-14$/,
    );
    const github = await runCli(['cert', 'check', ...args, '--at', PIN, '--format', 'github']);
    expect(github.stdout.trimEnd().split('\n').at(-1)).toMatch(/^aitoss: check passed · 2 certificates: 1 pass, 1 superseded · /);
    const inspected = await inspectJson(args);
    expect(inspected.certificates.map((c: { status: string }) => c.status)).toEqual(['superseded', 'ok']);
    expect(inspected.certificates[0].nextAction).toMatch(/^replaced by \S+demo-2026_cert\.pem: keep that one deployed/);
  });
});

describe('terminal output is data', () => {
  it('a file name cannot forge a PASS line, move the cursor or reorder text', async () => {
    const dir = tempDir();
    const name = 'x\u001b[2K\rPASS  fake.crt: 365 days left\u202e\u0085.crt';
    writeFileSync(join(dir, name), await import('node:fs').then((fs) => fs.readFileSync(fixture('lifecycle/expired.crt'))));
    for (const format of ['text', 'github', 'prometheus']) {
      const result = await runCli(['cert', 'check', dir, '--at', PIN, '--format', format]);
      expect(result.code).toBe(1);
      expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(result.stdout.split('\n').filter((l) => l.startsWith('PASS'))).toEqual([]);
    }
    const inspected = await inspect([dir]);
    expect(inspected.stdout).toContain('x\\x1b[2K\\rPASS  fake.crt: 365 days left\\u202e\\x85.crt');
  });

  it('an error line names a hostile file as data too', async () => {
    const result = await check(['missing\u202e\u001b[31m.crt']);
    expect(result.code).toBe(2);
    // Shown escaped, or (the input layer's choice for a value that is no plausible path) not at all.
    expect(result.stderr).not.toMatch(/[\u001b\u202e]/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
