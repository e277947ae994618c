import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSrcValue, isShowablePath, looksLikeContent, originLabel, sourceLabel } from '../../src/input/src-value.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const keyPem = fixture('pairs/rsa-pkcs8.key');
const keyDerB64 = Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
const edDerB64 = 'MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSAM';

describe('looksLikeContent: a certificate or key where a path was expected', () => {
  it.each([
    ['PEM', keyPem],
    ['PEM with a leading newline', `\n${keyPem}`],
    ['PEM with a BOM', `\ufeff${keyPem}`],
    ['PEM escaped with \\n', keyPem.replace(/\n/g, '\\n')],
    ['a BEGIN marker in the middle', `x -----BEGIN PRIVATE KEY----- y`],
    ['an END marker alone', '-----END PRIVATE KEY-----'],
    ['openssl pkcs12 -nodes output', `Bag Attributes\n    localKeyID: 01\n${keyPem}`],
    ['base64 of the PEM', Buffer.from(keyPem).toString('base64')],
    ['base64 of the DER', keyDerB64],
    ['an Ed25519 key in base64 (MC4C…)', edDerB64],
    ['the Ed25519 key after a newline', `\n${edDerB64}`],
    ['a line break alone', 'app\n.key'],
  ])('%s', (_name, value) => expect(looksLikeContent(value)).toBe(true));

  it.each(['certs/app.crt', '/home/me/Downloads/apps-in-toss (1)/client.key', 'C:\\new\\app.key', '-', 'Makefile', 'M'.repeat(20)])(
    '%s is not content',
    (value) => expect(looksLikeContent(value)).toBe(false),
  );
});

describe('isShowablePath: only short plausible paths are echoed', () => {
  it.each([
    'certs/app.crt',
    '/var/lib/docker/overlay2/3f5a9c0d1e2b4a6f8c7d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b/merged/app.crt',
    '../apps-in-toss-2025/client.key',
    '/home/runner/work/PartnerBackend2024/PartnerBackend2024/certs/AppsInTossClientCertificate.pem',
    'ApplicationCertificatesProduction/app.crt',
    '/tmp/aitoss-downloads-Xk3Lp9/holiday.mp4',
    'C:\\Users\\Admin\\Downloads\\client.key',
  ])('%s is shown', (value) => expect(isShowablePath(value)).toBe(true));

  it.each([
    ['a key', keyPem],
    ['base64 with a character too many', `${keyDerB64}x`],
    ['a truncated key body', keyDerB64.slice(0, 200)],
    ['a slice of a key line', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj'],
    ['a 24-character slice split by a slash', 'q8Yk2/Hd9sLp3Xz0wNbT4vRc'],
    ['a key prefix after env:', 'env:MC4CAQAwBQYDK2VwBCIEIFBt'],
    ['an Ed25519 key\'s DER in hex', Buffer.from(edDerB64, 'base64').toString('hex')],
    ['an EC key\'s DER in hex', Buffer.from(fixture('pairs/ec-pkcs8.key').replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('hex')],
    ['a key\'s DER in hex in a path', `certs/${Buffer.from(edDerB64, 'base64').toString('hex')}.key`],
    ['a path of 2,000 characters', `/${'a/'.repeat(1000)}`],
    ['a right-to-left override', 'app\u202Etrc.key'],
    ['an escape sequence', 'app\u001b[2J.crt'],
  ])('%s is not shown', (_name, value) => expect(isShowablePath(value)).toBe(false));
});

describe('labels name where a value came from', () => {
  it('for a path that may be shown', () => {
    expect(sourceLabel('nope.pem', { setting: 'ca', origin: 'flag' })).toBe('--ca nope.pem');
    expect(sourceLabel('garbage', { setting: 'cert', origin: 'env:AITOSS_CERT' })).toBe('AITOSS_CERT=garbage (environment)');
    expect(sourceLabel('certs/app.crt', { setting: 'cert', origin: '/p/.aitossrc.yaml', cwd: '/p' })).toBe('cert: certs/app.crt in .aitossrc.yaml');
    expect(sourceLabel('app.crt', { setting: 'path', origin: 'argument' })).toBe('app.crt');
  });

  it('for content, only where it came from', () => {
    expect(sourceLabel(keyPem, { setting: 'key', origin: 'flag' })).toBe('--key');
    expect(sourceLabel(keyPem, { setting: 'key', origin: 'env:AITOSS_KEY' })).toBe('AITOSS_KEY (environment)');
    expect(sourceLabel(keyPem, { setting: 'key', origin: '/p/.aitossrc.yaml', cwd: '/p' })).toBe('key in .aitossrc.yaml');
    expect(sourceLabel(keyPem, { setting: 'key', origin: '/elsewhere/.aitossrc.yaml', cwd: '/p' })).toBe('key in /elsewhere/.aitossrc.yaml');
    expect(originLabel({ setting: 'path', origin: 'argument' })).toBe('a PATH argument');
  });
});

describe('describeSrcValue: what aitoss config shows', () => {
  it('shows sources as they are and content by its kind and size', () => {
    expect(describeSrcValue('certs/app.crt')).toBe('certs/app.crt');
    expect(describeSrcValue('env:APP_KEY')).toBe('env:APP_KEY');
    expect(describeSrcValue('-')).toBe('-');
    expect(describeSrcValue(keyPem)).toBe(`<PEM content, ${Buffer.byteLength(keyPem).toLocaleString('en-US')} bytes>`);
    expect(describeSrcValue(edDerB64)).toBe('<base64 content, 64 bytes>');
    expect(describeSrcValue(`${keyDerB64}x`)).toMatch(/^<not shown: [\d,]+ bytes that do not look like a file path>$/);
  });
});
