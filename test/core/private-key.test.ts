import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePem } from '../../src/core/pem.js';
import { AitossError } from '../../src/core/errors.js';
import { fingerprint, keyBlockFromDer, keyBlockFromPem, loadPrivateKey } from '../../src/core/private-key.js';

const bytes = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url));
const PASSPHRASE = 'fixture-passphrase';

function blockOf(path: string) {
  const [block] = parsePem(bytes(path).toString('utf8'), path);
  return keyBlockFromPem(block!, path);
}

describe('loadPrivateKey reads every format and its public half is the certificate’s', () => {
  it.each([
    ['pairs/rsa-pkcs8', 'pkcs8', { algorithm: 'RSA', size: 2048 }],
    ['pairs/rsa-pkcs1', 'pkcs1', { algorithm: 'RSA', size: 2048 }],
    ['pairs/ec-sec1', 'sec1', { algorithm: 'EC', curve: 'P-256' }],
    ['pairs/ec-pkcs8', 'pkcs8', { algorithm: 'EC', curve: 'P-256' }],
    ['pairs/ed25519', 'pkcs8', { algorithm: 'Ed25519' }],
    ['pairs/rsa-encrypted-pkcs8', 'pkcs8-encrypted', { algorithm: 'RSA', size: 2048 }],
    ['pairs/rsa-encrypted-legacy', 'pkcs1-encrypted', { algorithm: 'RSA', size: 2048 }],
  ] as const)('%s', (name, format, publicKey) => {
    const block = blockOf(`${name}.key`);
    expect(block.format).toBe(format);
    const key = loadPrivateKey(block, block.encrypted ? PASSPHRASE : undefined);
    expect(key.publicKey).toEqual(publicKey);
    const cert = new X509Certificate(bytes(`${name}.crt`));
    expect(key.spki.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(cert.checkPrivateKey(key.keyObject())).toBe(true);
    // What TLS gets: PEM that loads without a passphrase, and is this key.
    const pem = key.pemForTls();
    expect(pem).not.toMatch(/ENCRYPTED/);
    expect(cert.checkPrivateKey(createPrivateKey(pem))).toBe(true);
    if (!block.encrypted) expect(pem).toBe(bytes(`${name}.key`).toString('utf8').replace(/\r\n/g, '\n'));
  });

  it('reads a PKCS#8 DER key', () => {
    const block = keyBlockFromDer(bytes('pairs/ec-der-key.der'), 'k.der');
    expect(block?.format).toBe('pkcs8-der');
    expect(loadPrivateKey(block!).publicKey).toEqual({ algorithm: 'EC', curve: 'P-256' });
  });

  it('says a DER certificate is no key', () => {
    expect(keyBlockFromDer(bytes('pairs/ec-der-cert.der'), 'c.der')).toBeUndefined();
  });
});

describe('encrypted keys', () => {
  it.each(['pairs/rsa-encrypted-pkcs8.key', 'pairs/rsa-encrypted-legacy.key'])('%s without a passphrase names the ways to give one', (path) => {
    expect(errorLine(() => loadPrivateKey(blockOf(path)))).toMatch(
      new RegExp(`^${path.replace('.', '\\.')}: the private key is encrypted and no passphrase was given; set AITOSS_KEY_PASSPHRASE`),
    );
  });
  it.each(['pairs/rsa-encrypted-pkcs8.key', 'pairs/rsa-encrypted-legacy.key'])('%s with a wrong passphrase says so', (path) => {
    expect(() => loadPrivateKey(blockOf(path), 'wrong')).toThrowError(/wrong passphrase/);
  });
});

it('the key fingerprint is the SHA-256 of the public key, not of the private key', () => {
  const key = loadPrivateKey(blockOf('pairs/rsa-pkcs8.key'));
  const spki = createPublicKey(key.keyObject()).export({ type: 'spki', format: 'der' });
  expect(key.publicKeyFingerprintSha256).toBe(fingerprint(spki));
  expect(key.publicKeyFingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

function errorLine(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AitossError) return error.toLine();
    throw error;
  }
  throw new Error('did not throw');
}
