/**
 * Key material never reaches any output. runCli (helpers.ts) checks every CLI run of the
 * suite against the body of every fixture key; this file proves that check can fail and
 * drives the paths most likely to leak: DEBUG stacks of key errors, JSON, combined files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Every SRC form (a flag, a PATH, AITOSS_CERT/AITOSS_KEY, a configuration file, ping's
 * --ca) given the key itself in every shape users paste it in, through every output
 * format: no slice of the key may appear anywhere. Keys are made here by openssl.
 */
describe('key material given where a path was expected never reaches any output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-leak-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key');
  openssl('genpkey', '-algorithm', 'ED25519', '-out', 'ed.key');
  openssl('req', '-x509', '-key', 'rsa.key', '-subj', '/CN=leak.example', '-days', '30', '-out', 'rsa.crt');
  openssl('pkcs12', '-export', '-in', 'rsa.crt', '-inkey', 'rsa.key', '-out', 'bundle.p12', '-passout', 'pass:x');
  const bagAttributes = openssl('pkcs12', '-in', 'bundle.p12', '-nodes', '-passin', 'pass:x').toString('utf8');
  const rsaPem = readFileSync(join(dir, 'rsa.key'), 'utf8');
  const edPem = readFileSync(join(dir, 'ed.key'), 'utf8');
  const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const rsaB64 = derOf(rsaPem).toString('base64');
  const edB64 = derOf(edPem).toString('base64');
  const edHex = derOf(edPem).toString('hex');
  expect(edB64.startsWith('MC4C')).toBe(true);
  expect(bagAttributes.startsWith('Bag Attributes')).toBe(true);

  /** Needles: slices of each key's DER base64 (the key itself), none of which may be printed. */
  const secrets = [rsaB64.slice(100, 140), rsaB64.slice(800, 840), rsaB64.slice(-60, -20), edB64.slice(16, 48), edB64.slice(30), edHex.slice(32)];

  const values: Array<[string, string]> = [
    ['PEM', rsaPem],
    ['PEM with a leading newline', `\n${rsaPem}`],
    ['PEM with a BOM', `\ufeff${rsaPem}`],
    ['openssl pkcs12 -nodes output (Bag Attributes)', bagAttributes],
    ['base64 of the PEM', Buffer.from(rsaPem).toString('base64')],
    ['base64 of the DER', rsaB64],
    ['Ed25519 DER in base64 (MC4C…)', edB64],
    ['Ed25519 DER in base64 with a leading newline', `\n${edB64}`],
    ['base64 of the DER with a character too many (no key, no path: ENAMETOOLONG)', `${rsaB64}x`],
    ['a truncated key body', rsaB64.slice(0, 1000)],
    ['Ed25519 DER in hex', edHex],
  ];

  type Form = 'flag --key' | 'flag --cert' | 'PATH' | 'AITOSS_KEY' | 'AITOSS_CERT' | 'config key' | 'ping --ca';
  const forms: Form[] = ['flag --key', 'flag --cert', 'PATH', 'AITOSS_KEY', 'AITOSS_CERT', 'config key', 'ping --ca'];
  const formats = [['--json'], [], ['--format', 'github'], ['--format', 'prometheus']];

  /** The command line, environment and working directory that give `value` through `form`. */
  function invocation(form: Form, value: string, format: string[], command: 'inspect' | 'check' | 'config'): { args: string[]; env: Record<string, string>; cwd?: string } {
    const env: Record<string, string> = { DEBUG: 'aitoss' };
    const head = command === 'config' ? ['config'] : ['cert', command];
    const tail = command === 'check' ? format : command === 'inspect' ? format.filter((f) => f === '--json') : format.includes('--json') ? ['--json'] : [];
    switch (form) {
      case 'flag --key':
        return { args: [...head, '--cert', join(dir, 'rsa.crt'), '--key', value, ...tail], env };
      case 'flag --cert':
        return { args: [...head, '--cert', value, ...tail], env };
      case 'PATH':
        return { args: command === 'config' ? [...head, ...tail] : [...head, value, ...tail], env };
      case 'AITOSS_KEY':
        return { args: [...head, ...tail], env: { ...env, AITOSS_CERT: join(dir, 'rsa.crt'), AITOSS_KEY: value } };
      case 'AITOSS_CERT':
        return { args: [...head, ...tail], env: { ...env, AITOSS_CERT: value } };
      case 'config key': {
        const project = mkdtempSync(join(dir, 'project-'));
        writeFileSync(join(project, '.aitossrc.json'), JSON.stringify({ cert: join(dir, 'rsa.crt'), key: value }));
        return { args: [...head, ...tail], env, cwd: project };
      }
      case 'ping --ca':
        return { args: ['ping', 'https://127.0.0.1:9/', '--no-proxy', '--ca', value, ...(format.includes('--json') ? ['--json'] : [])], env };
    }
  }

  const runs: Array<[string, Form, string, 'inspect' | 'check' | 'config', string]> = [];
  values.forEach(([name, value], v) =>
    forms.forEach((form, f) => {
      // Every value through every form; the formats and commands rotate so each pair meets each format across the matrix.
      const format = formats[(v + f) % formats.length] as string[];
      runs.push([name, form, format.join(' ') || 'text', (v + f) % 2 === 0 ? 'check' : 'inspect', value]);
    }),
  );
  // The shapes most likely to slip past detection, through every format of check and of config.
  for (const format of formats) {
    for (const form of ['flag --key', 'AITOSS_KEY', 'config key'] as const) {
      runs.push(['Ed25519 DER in base64 with a leading newline', form, format.join(' ') || 'text', 'check', `\n${edB64}`]);
      runs.push(['openssl pkcs12 -nodes output (Bag Attributes)', form, format.join(' ') || 'text', 'check', bagAttributes]);
    }
  }
  for (const [name, value] of values) {
    for (const form of ['flag --key', 'AITOSS_KEY', 'config key'] as const) {
      runs.push([name, form, 'text', 'config', value]);
      runs.push([name, form, '--json', 'config', value]);
    }
  }

  // --config takes a path too: the key pasted there is never echoed either.
  it.each(values.flatMap(([name, value]) => [[name, ['config', '--config', value]], [name, ['cert', 'check', '--config', value, '--json']]] as const))(
    '%s as --config',
    async (_name, args) => {
      const result = await runCli(args, { env: { DEBUG: 'aitoss' }, secrets });
      expect(result.code).toBe(2);
      const joined = (result.stdout + result.stderr).replace(/\\[nr]|\s/g, '');
      for (const secret of secrets) expect(joined).not.toContain(secret);
      expect(result.stdout + result.stderr).not.toMatch(/PRIVATE KEY|Bag Attributes|MC4C|MII[A-Za-z0-9+/]{8}/);
      expect(result.stderr).toMatch(/^aitoss: --config: names no readable file/);
    },
  );

  // Settings that are no path (a number of days, a duration, a URL, an HTTP method) quote a bad value, but never a key put there by mistake.
  it.each(
    values.flatMap(([name, value]) => {
      const project = mkdtempSync(join(dir, 'value-'));
      writeFileSync(join(project, '.aitossrc.json'), JSON.stringify({ failUnder: value }));
      return [
        [name, 'AITOSS_FAIL_UNDER', ['config'], { AITOSS_FAIL_UNDER: value }, undefined],
        [name, 'AITOSS_TIMEOUT', ['config', '--json'], { AITOSS_TIMEOUT: value }, undefined],
        [name, 'AITOSS_ENDPOINT', ['ping', '--json'], { AITOSS_ENDPOINT: value }, undefined],
        [name, 'ping --method', ['ping', 'https://127.0.0.1:9/', '--method', value], {}, undefined],
        [name, 'failUnder in the configuration file', ['config'], {}, project],
      ] as const;
    }),
  )('%s as %s', async (_name, _where, args, env, cwd) => {
    const result = await runCli(args, { env: { DEBUG: 'aitoss', ...env }, cwd, secrets });
    expect(result.code).toBe(2);
    const output = result.stdout + result.stderr;
    const joined = output.replace(/\\[nr]|\s/g, '');
    for (const secret of secrets) expect(joined).not.toContain(secret);
    expect(output).not.toMatch(/PRIVATE KEY|Bag Attributes|MC4C|MII[A-Za-z0-9+/]{8}/);
  });

  // The title names the shape, never the value (a test log is output too).
  it.each(runs)('%s as %s, %s, %s', async (_name, form, format, command, value) => {
    const { args, env, cwd } = invocation(form, value, format === 'text' ? [] : format.split(' '), command);
    // runCli rejects when a fixture key body or one of `secrets` is in stdout or stderr.
    const result = await runCli(args, { env, cwd, secrets });
    expect([0, 1, 2]).toContain(result.code);
    const output = result.stdout + result.stderr;
    // Also across escaped or wrapped lines: a needle split by `\n` is still a leak.
    const joined = output.replace(/\\[nr]|\s/g, '');
    for (const secret of secrets) expect(joined).not.toContain(secret);
    expect(output).not.toMatch(/PRIVATE KEY|Bag Attributes|MC4C|MII[A-Za-z0-9+/]{8}/);
    expect(result.stderr).not.toMatch(/internal error/);
    // An error is one line (DEBUG may add the stack of a file-system error, never of content).
    if (result.code === 2 && !result.stderr.includes('    at ')) expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
