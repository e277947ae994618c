import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateNamesDer, certificateSpki, formatDerName, keyDerivationOf, publicKeyOfPrivateKey } from '../../src/core/der.js';
import { createKeyPair, x509 } from '../../scripts/lib/pki.mjs';

const dir = new URL('../../fixtures/', import.meta.url);
const files = (sub: string, ext: string) => readdirSync(new URL(sub, dir)).filter((f) => f.endsWith(ext)).map((f) => `${sub}${f}`);

describe('certificateSpki is the SPKI node:crypto exports', () => {
  it.each([...files('pairs/', '.crt'), ...files('pki/', '.crt'), ...files('lifecycle/', '.crt')])('%s', (path) => {
    const cert = new X509Certificate(readFileSync(new URL(path, dir)));
    expect(certificateSpki(cert.raw)?.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });
  it('returns undefined for DER that is no certificate', () => {
    expect(certificateSpki(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toBeUndefined();
    expect(certificateSpki(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('publicKeyOfPrivateKey matches OpenSSL’s derivation', () => {
  const cases = [
    ['RSA 2048', 'rsa', 2048],
    ['RSA 3072', 'rsa', 3072],
    ['RSA 1023 (odd bit length)', 'rsa', 1023],
    ['EC P-256', 'ec', undefined],
  ] as const;
  it.each(cases)('%s in every encoding', (_name, type, bits) => {
    const pair = createKeyPair(type, bits ? { bits } : {});
    const expected = createPublicKey(pair.privateKey).export({ type: 'spki', format: 'der' });
    const encodings = type === 'rsa' ? (['pkcs8', 'pkcs1'] as const) : (['pkcs8', 'sec1'] as const);
    for (const encoding of encodings) {
      const der = pair.privateKey.export({ format: 'der', type: encoding });
      const derived = publicKeyOfPrivateKey(der, encoding);
      expect(derived?.spki.equals(expected)).toBe(true);
      if (type === 'rsa') expect(derived?.info).toEqual({ algorithm: 'RSA', size: bits });
      else expect(derived?.info).toEqual({ algorithm: 'EC', curve: 'P-256' });
    }
  });

  it('leaves Ed25519 to node:crypto', () => {
    const der = createKeyPair('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(publicKeyOfPrivateKey(der, 'pkcs8')).toBeUndefined();
  });

  it('rejects truncated or trailing bytes', () => {
    const der = createPrivateKey(readFileSync(new URL('pairs/rsa-pkcs8.key', dir))).export({ format: 'der', type: 'pkcs8' });
    expect(publicKeyOfPrivateKey(der.subarray(0, der.length - 5), 'pkcs8')).toBeUndefined();
    expect(publicKeyOfPrivateKey(Buffer.concat([der, Buffer.from([0])]), 'pkcs8')).toBeUndefined();
  });
});

describe('keyDerivationOf: the cost of an encrypted key, read before decrypting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-kdf-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'plain.key');
  const encryptedDer = (name: string, ...args: string[]) => {
    openssl('pkcs8', '-topk8', '-in', 'plain.key', '-out', name, '-passout', 'pass:pw', ...args);
    return Buffer.from(readFileSync(join(dir, name), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  };

  it.each([
    ["openssl's default (2,048)", [], { kdf: 'pbkdf2', cost: 2048 }],
    ['-iter 600000', ['-iter', '600000'], { kdf: 'pbkdf2', cost: 600_000 }],
    ['PBES1 (-v1 PBE-SHA1-3DES)', ['-v1', 'PBE-SHA1-3DES', '-iter', '5000'], { kdf: 'pbes1', cost: 5000 }],
    ['scrypt', ['-scrypt', '-scrypt_N', '1024', '-scrypt_r', '8', '-scrypt_p', '2'], { kdf: 'scrypt', cost: 1024 * 8 * 2 }],
  ])('%s', (name, args, expected) => {
    expect(keyDerivationOf(encryptedDer(`${name.replace(/\W/g, '')}.key`, ...(args as string[])))).toEqual(expected);
  });

  it('is undefined for what it does not know, and never throws on damaged input', () => {
    expect(keyDerivationOf(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toBeUndefined();
    const der = encryptedDer('flip.key');
    for (let i = 0; i < der.length; i++) {
      const flipped = Buffer.from(der);
      flipped[i] = (flipped[i] as number) ^ 0xff;
      expect(() => keyDerivationOf(flipped)).not.toThrow();
    }
  });
});

describe('formatDerName', () => {
  it('prints a DER name in encoded order', () => {
    const der = Buffer.from(new x509.Name('C=KR, O=Viva Republica, CN=Apps in Toss Client CA').toArrayBuffer());
    expect(formatDerName(der)).toBe('C=KR, O=Viva Republica, CN=Apps in Toss Client CA');
  });

  it('decodes UTF-8 names', () => {
    const der = Buffer.from(new x509.Name('CN=토스 파트너').toArrayBuffer());
    expect(formatDerName(der)).toBe('CN=토스 파트너');
  });

  it('falls back to hex on garbage', () => {
    expect(formatDerName(Buffer.from([0x30, 0x05, 0x31]))).toBe('#300531');
    expect(formatDerName(Buffer.from([0x30, 0x03, 0x31, 0x01, 0x30]))).toBe('#3003310130');
  });
});

describe('certificateNamesDer', () => {
  it('finds the issuer and subject Names of every fixture certificate, as @peculiar/x509 encodes them', () => {
    const certificates = [...files('pki/', '.crt'), ...files('pairs/', '.crt'), ...files('lifecycle/', '.crt')];
    expect(certificates.length).toBeGreaterThan(10);
    for (const file of certificates) {
      const der = new X509Certificate(readFileSync(new URL(file, dir))).raw;
      const reference = new x509.X509Certificate(der);
      const names = certificateNamesDer(der);
      expect(names?.issuer.toString('hex'), file).toBe(Buffer.from(reference.issuerName.toArrayBuffer()).toString('hex'));
      expect(names?.subject.toString('hex'), file).toBe(Buffer.from(reference.subjectName.toArrayBuffer()).toString('hex'));
      expect(formatDerName(names!.subject), file).toBe(reference.subject);
    }
  });

  it('is undefined on what is no certificate', () => {
    expect(certificateNamesDer(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toBeUndefined();
    expect(certificateNamesDer(Buffer.alloc(0))).toBeUndefined();
  });
});
