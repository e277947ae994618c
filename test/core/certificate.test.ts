import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { parseCertificate } from '../../src/core/certificate.js';
import { parsePem } from '../../src/core/pem.js';

const read = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');
const parse = (p: string) => parseCertificate(parsePem(read(p), p)[0]!.der, p);

describe('parseCertificate agrees with @peculiar/x509', () => {
  it.each(['pairs/rsa-pkcs8.crt', 'pairs/ec-sec1.crt', 'pairs/ed25519.crt', 'lifecycle/non-390.crt', 'pki/root-ca.crt'])('%s', async (path) => {
    const facts = parse(path);
    const reference = new x509.X509Certificate(read(path));
    expect(facts.notBefore.toISOString()).toBe(reference.notBefore.toISOString());
    expect(facts.notAfter.toISOString()).toBe(reference.notAfter.toISOString());
    expect(facts.serialNumber).toBe(reference.serialNumber.toUpperCase());
    expect(facts.subject.split(', ').sort()).toEqual(reference.subject.split(', ').sort());
    expect(facts.issuer.split(', ').sort()).toEqual(reference.issuer.split(', ').sort());
    const thumbprint = Buffer.from(await reference.getThumbprint('SHA-256')).toString('hex').toUpperCase();
    expect(facts.fingerprintSha256.replaceAll(':', '')).toBe(thumbprint);
    expect(facts.spki.equals(Buffer.from(reference.publicKey.rawData))).toBe(true);
  });
});

describe('public key description', () => {
  it('names RSA size, EC curve and Ed25519', () => {
    expect(parse('pairs/rsa-pkcs8.crt').publicKey).toEqual({ algorithm: 'RSA', size: 2048 });
    expect(parse('pairs/ec-sec1.crt').publicKey).toEqual({ algorithm: 'EC', curve: 'P-256' });
    expect(parse('pairs/ed25519.crt').publicKey).toEqual({ algorithm: 'Ed25519' });
  });
});

describe('client authentication', () => {
  it('is allowed with EKU clientAuth', () => {
    const facts = parse('pairs/rsa-pkcs8.crt');
    expect(facts.clientAuth).toBe(true);
    expect(facts.extendedKeyUsage).toEqual(['clientAuth']);
  });
  it('is not allowed with EKU serverAuth only', () => {
    const facts = parse('lifecycle/server-auth-only.crt');
    expect(facts.clientAuth).toBe(false);
    expect(facts.extendedKeyUsage).toEqual(['serverAuth']);
  });
  it('is allowed when the certificate has no EKU at all', () => {
    const facts = parse('lifecycle/no-eku.crt');
    expect(facts.extendedKeyUsage).toBeUndefined();
    expect(facts.clientAuth).toBe(true);
  });
});

it('tells CA certificates from leaves', () => {
  expect(parse('pki/intermediate-ca.crt').isCA).toBe(true);
  expect(parse('pki/root-ca.crt').selfIssued).toBe(true);
  expect(parse('pairs/rsa-pkcs8.crt').isCA).toBe(false);
});

it('names the source when DER is not a certificate', () => {
  expect(() => parseCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), 'bad.der')).toThrowError(/could not be parsed as X.509/);
});

describe('extensions read from the DER', () => {
  it('reads the authorityKeyIdentifier as @peculiar/x509 does', () => {
    const path = 'pairs/rsa-pkcs8.crt';
    const reference = new x509.X509Certificate(read(path)).getExtension(x509.AuthorityKeyIdentifierExtension)!;
    expect(parse(path).authorityKeyIdentifier!.replaceAll(':', '').toLowerCase()).toBe(reference.keyId);
    // A self-signed root made without one has none.
    expect(parse('pki/root-ca.crt').authorityKeyIdentifier).toBeUndefined();
  });

  it.each([
    ['verdicts/unknown-critical.crt', 'unknown-critical-extension', '1.2.3.4'],
    ['verdicts/duplicate-eku.crt', 'duplicate-extension', '2.5.29.37 (extendedKeyUsage)'],
    ['verdicts/malformed-eku.crt', 'malformed-eku', '2.5.29.37 (extendedKeyUsage)'],
  ])('%s: %s', (path, code, extension) => {
    expect(parse(path).extensionProblems).toEqual([{ code, extension }]);
  });

  it('a malformed extended key usage allows no use (it was read as "any use")', () => {
    const facts = parse('verdicts/malformed-eku.crt');
    expect(facts).toMatchObject({ clientAuth: false, extendedKeyUsage: undefined });
    // No extension at all still allows any use.
    expect(parse('lifecycle/no-eku.crt')).toMatchObject({ clientAuth: true, extendedKeyUsage: undefined, extensionProblems: [] });
  });

  it('finds nothing to reject in the certificates of the fixture PKI and pairs', () => {
    for (const path of ['pairs/rsa-pkcs8.crt', 'pairs/ed25519.crt', 'pki/root-ca.crt', 'pki/intermediate-ca.crt', 'lifecycle/server-auth-only.crt']) {
      expect(parse(path).extensionProblems).toEqual([]);
    }
  });
});
