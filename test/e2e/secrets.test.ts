/**
 * Key material never reaches any output. runCli (helpers.ts) checks every CLI run of the
 * suite against the body of every fixture key; this file proves that check can fail and
 * drives the paths most likely to leak: DEBUG stacks of key errors, JSON, combined files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureKeyBodies, leakedKeyMaterial, PIN, runCli } from './helpers.js';

it('the leak check finds a key body in output', () => {
  const body = readFileSync(fixture('pairs/ec-sec1.key'), 'utf8').split('\n')[1]!;
  expect(fixtureKeyBodies()).toContain(body);
  expect(leakedKeyMaterial({ code: 0, signal: null, stdout: `x ${body} y`, stderr: '' })).toBe(body);
  expect(leakedKeyMaterial({ code: 0, signal: null, stdout: 'nothing secret', stderr: '' })).toBeUndefined();
});

describe('no key material in any mode', () => {
  it.each([
    ['JSON of a file holding key and certificate', ['cert', 'inspect', 'fixtures/formats/combined.pem', '--json', '--at', PIN], {}],
    ['text of every key format', ['cert', 'inspect', 'fixtures/pairs', '--at', PIN], { AITOSS_KEY_PASSPHRASE: 'fixture-passphrase' }],
    ['DEBUG stack of a wrong passphrase', ['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-pkcs8.key'], { DEBUG: 'aitoss', AITOSS_KEY_PASSPHRASE: 'wrong' }],
    ['DEBUG stack of a key given as --cert', ['cert', 'inspect', '--cert', 'fixtures/pairs/rsa-pkcs8.key'], { DEBUG: 'aitoss' }],
    ['DEBUG with an env: key', ['cert', 'inspect', '--cert', 'fixtures/pairs/rsa-pkcs8.crt', '--key', 'env:K', '--json'], { DEBUG: 'aitoss', K: readFileSync(fixture('pairs/rsa-pkcs8.key'), 'utf8') }],
    ['a mismatched pair', ['cert', 'inspect', '--cert', 'fixtures/mismatch/same-type.crt', '--key', 'fixtures/mismatch/same-type.key'], { DEBUG: 'aitoss' }],
  ] as const)('%s', async (_name, args, env) => {
    // runCli rejects when any fixture key body appears in stdout or stderr.
    const result = await runCli(args, { env });
    expect([0, 2]).toContain(result.code);
    expect(result.stdout + result.stderr).not.toMatch(/PRIVATE KEY-----/);
  });
});
