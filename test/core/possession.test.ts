import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/core/certificate.js';
import { pairCertificates } from '../../src/core/pairing.js';
import { provesPossession } from '../../src/core/possession.js';
import { loadPrivateKey } from '../../src/core/private-key.js';
import { certificateFile, loadedKey } from '../helpers/fixtures.js';

const leafOf = (path: string) => certificateFile(path).certificates[0]!;

describe('proof of possession', () => {
  it.each([
    ['RSA PKCS#8', 'pairs/rsa-pkcs8'],
    ['RSA PKCS#1', 'pairs/rsa-pkcs1'],
    ['EC SEC1', 'pairs/ec-sec1'],
    ['EC PKCS#8', 'pairs/ec-pkcs8'],
    ['Ed25519', 'pairs/ed25519'],
    ['encrypted PKCS#8', 'pairs/rsa-encrypted-pkcs8'],
    ['legacy encrypted PKCS#1', 'pairs/rsa-encrypted-legacy'],
  ])('proves a real %s key', (_name, base) => {
    expect(provesPossession(loadedKey(`${base}.key`), leafOf(`${base}.crt`))).toBe(true);
  });

  it('proves a DER key', () => {
    expect(provesPossession(loadedKey('pairs/ec-der-key.der'), leafOf('pairs/ec-der-cert.der'))).toBe(true);
  });

  it.each(['forged-rsa', 'forged-ec', 'forged-ec-pkcs8'])('refuses %s: the certificate’s public key without its private key', (name) => {
    const key = loadedKey(`verdicts/${name}.key`);
    const cert = leafOf(`verdicts/${name}.crt`);
    // The forgery is real: the public halves are byte-identical, which is all pairing by SPKI sees.
    expect(key.spki.equals(cert.spki)).toBe(true);
    expect(provesPossession(key, cert)).toBe(false);
  });

  it('refuses a key of another certificate', () => {
    expect(provesPossession(loadedKey('pairs/rsa-pkcs8.key'), leafOf('pairs/rsa-pkcs1.crt'))).toBe(false);
  });

  it('proves Ed448 by a signature', async () => {
    const { privateKey } = generateKeyPairSync('ed448');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const key = loadPrivateKey({ source: 'ed448.key', format: 'pkcs8-der', encrypted: false, der });
    expect(provesPossession(key, { spki: key.spki })).toBe(true);
    const other = generateKeyPairSync('ed448').publicKey.export({ format: 'der', type: 'spki' });
    expect(provesPossession(key, { spki: other })).toBe(false);
  });

  it('pairs a forged key as not proven, and prefers a proven key with the same public half', () => {
    const forged = loadedKey('verdicts/forged-ec.key');
    const { pairs } = pairCertificates([certificateFile('verdicts/forged-ec.crt')], [forged]);
    expect(pairs[0]).toMatchObject({ keyStatus: 'not-proven', keyMatch: false });
    expect(pairs[0]!.key).toBe(forged);
    // Explicitly named together: still not proven.
    const named = pairCertificates([certificateFile('verdicts/forged-rsa.crt')], [loadedKey('verdicts/forged-rsa.key')], [
      { certSource: 'verdicts/forged-rsa.crt', keySource: 'verdicts/forged-rsa.key' },
    ]);
    expect(named.pairs[0]).toMatchObject({ keyStatus: 'not-proven', keyMatch: false });
  });

  it('a certificate parsed twice is proven once per key (the result is remembered)', () => {
    const key = loadedKey('pairs/ec-sec1.key');
    const cert = parseCertificate(leafOf('pairs/ec-sec1.crt').der, 'again');
    expect(provesPossession(key, cert)).toBe(true);
    expect(provesPossession(key, cert)).toBe(true);
  });
});
