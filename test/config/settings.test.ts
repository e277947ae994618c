import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  credentialRequest,
  DEFAULT_ENDPOINT,
  DEFAULT_TIMEOUT_MS,
  holdsContent,
  resolveFromFile,
  resolveSettings,
  type SettingFlags,
} from '../../src/config/settings.js';
import { AitossError } from '../../src/core/errors.js';
import { fixtureBytes } from '../helpers/fixtures.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aitoss-settings-'));
  // A repository root: the configuration search stops here.
  mkdirSync(join(root, '.git'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeConfig(name: string, config: object): string {
  const path = join(root, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const resolve = (flags: SettingFlags = {}, env: NodeJS.ProcessEnv = {}, cwd = root) => resolveSettings(flags, { env, cwd });

describe('resolveSettings', () => {
  it('uses the defaults when nothing is set', async () => {
    const settings = await resolve();
    expect(settings).toEqual({
      configFile: undefined,
      configSearch: { from: root, stopAt: root, stop: 'repository', file: undefined, skipped: [] },
      cert: undefined,
      key: undefined,
      passphraseEnv: { value: 'AITOSS_KEY_PASSPHRASE', origin: 'default' },
      failUnder: { value: 30, origin: 'default' },
      endpoint: { value: DEFAULT_ENDPOINT, origin: 'default' },
      ca: undefined,
      timeoutMs: { value: DEFAULT_TIMEOUT_MS, origin: 'default' },
    });
  });

  it('takes a flag over the environment over the file over the default', async () => {
    const file = writeConfig('.aitossrc.json', { failUnder: 10, endpoint: 'https://file.example/', timeoutMs: 1234 });
    const env = { AITOSS_FAIL_UNDER: '20', AITOSS_ENDPOINT: 'https://env.example/' };
    expect((await resolve({}, {})).failUnder).toEqual({ value: 10, origin: file });
    expect((await resolve({}, env)).failUnder).toEqual({ value: 20, origin: 'env:AITOSS_FAIL_UNDER' });
    expect((await resolve({ failUnder: 5 }, env)).failUnder).toEqual({ value: 5, origin: 'flag' });
    expect((await resolve({ failUnder: 0 }, env)).failUnder).toEqual({ value: 0, origin: 'flag' });
    const settings = await resolve({}, env);
    expect(settings.endpoint).toEqual({ value: 'https://env.example/', origin: 'env:AITOSS_ENDPOINT' });
    expect(settings.timeoutMs).toEqual({ value: 1234, origin: file });
    expect(settings.configFile).toBe(file);
  });

  it('resolves paths in the file relative to the file, and keeps env: and - as they are', async () => {
    mkdirSync(join(root, 'sub/deeper'), { recursive: true });
    const file = writeConfig('.aitossrc.json', { cert: 'certs/app.crt', key: 'env:APP_KEY', ca: '/etc/ssl/ca.pem' });
    const here = await resolve({}, {}, root);
    expect(here.cert).toEqual({ value: join('certs', 'app.crt'), origin: file });
    expect(here.key).toEqual({ value: 'env:APP_KEY', origin: file });
    expect(here.ca).toEqual({ value: '/etc/ssl/ca.pem', origin: file });
    // From a subfolder, a path outside the working directory is shown absolute.
    const below = await resolve({}, {}, join(root, 'sub/deeper'));
    expect(below.cert?.value).toBe(join(root, 'certs/app.crt'));
    expect(resolveFromFile('-', file, root)).toBe('-');
  });

  it('reads AITOSS_CERT and AITOSS_KEY as a source or as the certificate itself', async () => {
    const pem = fixtureBytes('pairs/rsa-pkcs8.crt').toString('utf8');
    const settings = await resolve({}, { AITOSS_CERT: pem, AITOSS_KEY: 'secrets/app.key' });
    expect(settings.cert).toEqual({ value: 'env:AITOSS_CERT', origin: 'env:AITOSS_CERT' });
    expect(settings.key).toEqual({ value: 'secrets/app.key', origin: 'env:AITOSS_KEY' });
    expect((await resolve({ cert: 'app.crt' }, { AITOSS_CERT: pem })).cert).toEqual({ value: 'app.crt', origin: 'flag' });
    expect((await resolve({}, { AITOSS_CERT: 'env:OTHER' })).cert?.value).toBe('env:OTHER');
  });

  it('tells content from a path', () => {
    const pem = fixtureBytes('formats/formats.crt').toString('utf8');
    expect(holdsContent(pem)).toBe(true);
    expect(holdsContent(fixtureBytes('formats/cert.escaped').toString('utf8'))).toBe(true);
    expect(holdsContent(fixtureBytes('formats/cert.b64').toString('utf8'))).toBe(true);
    expect(holdsContent('certs/app.crt')).toBe(false);
    expect(holdsContent('/very/long/path/'.repeat(20))).toBe(false);
    expect(holdsContent('-')).toBe(false);
    expect(holdsContent(fixtureBytes('pairs/ec-der-cert.der').toString('base64'))).toBe(true);
  });

  it('rejects malformed environment values, naming the variable', async () => {
    await expect(resolve({}, { AITOSS_FAIL_UNDER: 'soon' })).rejects.toThrow(AitossError);
    await expect(resolve({}, { AITOSS_FAIL_UNDER: 'soon' })).rejects.toMatchObject({ source: 'env:AITOSS_FAIL_UNDER' });
    await expect(resolve({}, { AITOSS_ENDPOINT: 'ftp://x' })).rejects.toMatchObject({ source: 'env:AITOSS_ENDPOINT' });
  });

  it('rejects a bad configuration file', async () => {
    const file = writeConfig('.aitossrc.json', { failUnder: 'soon' });
    await expect(resolve()).rejects.toMatchObject({ source: file, kind: 'input' });
  });
});

describe('credentialRequest', () => {
  it('takes cert and key from the settings when no PATH is given', async () => {
    writeConfig('.aitossrc.json', { cert: 'app.crt', key: 'app.key', passphraseEnv: 'APP_PASS' });
    const settings = await resolve();
    const file = settings.configFile;
    expect(credentialRequest([], settings, {})).toEqual({ paths: [], cert: 'app.crt', key: 'app.key', certFrom: file, keyFrom: file, passphraseEnv: undefined });
    expect(credentialRequest([], settings, { APP_PASS: 'x' }).passphraseEnv).toBe('APP_PASS');
  });

  it('with PATHs, keeps only --cert/--key flags', async () => {
    writeConfig('.aitossrc.json', { cert: 'app.crt', key: 'app.key' });
    const fromFile = await resolve();
    expect(credentialRequest(['certs/'], fromFile, {})).toEqual({ paths: ['certs/'], cert: undefined, key: undefined, passphraseEnv: undefined });
    const fromFlag = await resolve({ key: 'flag.key', passphraseEnv: 'P' });
    expect(credentialRequest(['a.crt'], fromFlag, {})).toEqual({ paths: ['a.crt'], cert: undefined, key: 'flag.key', keyFrom: 'flag', passphraseEnv: 'P', passphraseFrom: 'flag' });
  });
});
