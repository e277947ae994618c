import { describe, expect, it } from 'vitest';
import { pairCertificates, sameStem } from '../../src/core/pairing.js';
import { certificateFile, loadedKey } from '../helpers/fixtures.js';

describe('pairing by public key', () => {
  it('pairs the demo folder whose file names do not match', () => {
    const { pairs, unpairedKeys } = pairCertificates(
      [certificateFile('demo/demo-2025_cert.pem'), certificateFile('demo/demo-2026_cert.pem')],
      [loadedKey('demo/demo-2026_private.pem'), loadedKey('demo/demo-2025_private.pem')],
    );
    expect(pairs.map((p) => [p.source, p.key?.source, p.keyMatch])).toEqual([
      ['demo/demo-2025_cert.pem', 'demo/demo-2025_private.pem', true],
      ['demo/demo-2026_cert.pem', 'demo/demo-2026_private.pem', true],
    ]);
    expect(unpairedKeys).toEqual([]);
  });

  it('lists keys and certificates that have no partner', () => {
    const { pairs, unpairedKeys } = pairCertificates(
      [certificateFile('pairs/rsa-pkcs8.crt'), certificateFile('pairs/ec-pkcs8.crt')],
      [loadedKey('pairs/ec-sec1.key')],
    );
    expect(pairs.map((p) => p.keyStatus)).toEqual(['none', 'none']);
    expect(pairs[0]?.key).toBeUndefined();
    expect(unpairedKeys.map((k) => k.source)).toEqual(['pairs/ec-sec1.key']);
  });

  it('takes the one certificate and the one key of the inputs as meant for each other (cert check app.crt other.key)', () => {
    const { pairs, unpairedKeys } = pairCertificates([certificateFile('pairs/rsa-pkcs8.crt')], [loadedKey('pairs/ec-sec1.key')]);
    expect(pairs[0]).toMatchObject({ keyStatus: 'mismatch', keyMatch: false });
    expect(pairs[0]?.key?.source).toBe('pairs/ec-sec1.key');
    expect(unpairedKeys).toEqual([]);
  });

  it('reports a mismatch when the key was named with the certificate', () => {
    const { pairs, unpairedKeys } = pairCertificates(
      [certificateFile('pairs/rsa-pkcs8.crt')],
      [loadedKey('pairs/rsa-pkcs1.key')],
      [{ certSource: 'pairs/rsa-pkcs8.crt', keySource: 'pairs/rsa-pkcs1.key' }],
    );
    expect(pairs[0]).toMatchObject({ keyMatch: false });
    expect(pairs[0]?.key?.source).toBe('pairs/rsa-pkcs1.key');
    expect(unpairedKeys).toEqual([]);
  });

  it('reports a mismatch for app.crt beside an app.key that does not match, same type or not', () => {
    for (const name of ['same-type', 'cross-type']) {
      const { pairs, unpairedKeys } = pairCertificates([certificateFile(`mismatch/${name}.crt`)], [loadedKey(`mismatch/${name}.key`)]);
      expect(pairs[0]?.keyMatch).toBe(false);
      expect(unpairedKeys).toEqual([]);
    }
  });

  it('does not call a key a mismatch when it belongs to another certificate present', () => {
    const { pairs } = pairCertificates(
      [certificateFile('mismatch/same-type.crt'), certificateFile('pairs/rsa-pkcs8.crt')],
      [loadedKey('pairs/rsa-pkcs8.key')],
    );
    expect(pairs.map((p) => p.keyMatch)).toEqual([null, true]);
  });

  it('pairs a key and certificate in one file', () => {
    const { pairs } = pairCertificates([certificateFile('formats/combined.pem')], [loadedKey('formats/combined.pem')]);
    expect(pairs[0]).toMatchObject({ keyMatch: true, source: 'formats/combined.pem' });
  });
});

describe('bundles', () => {
  it('takes the leaf and lists the intermediate that issued it', () => {
    const { pairs } = pairCertificates([certificateFile('formats/bundle.pem')], []);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]?.leaf.subject).toMatch(/^CN=formats\.partner\.example/);
    expect(pairs[0]?.position).toBe(1);
    expect(pairs[0]?.chain.map((l) => [l.position, l.issuedLeaf])).toEqual([[2, true]]);
    expect(pairs[0]?.leafNotFirst).toBe(false);
  });

  it('flags an intermediate placed before the leaf', () => {
    const { pairs } = pairCertificates([certificateFile('formats/bundle-intermediate-first.pem')], []);
    expect(pairs[0]?.position).toBe(2);
    expect(pairs[0]?.leafNotFirst).toBe(true);
  });

  it('reports a file of CA certificates as those certificates', () => {
    const { pairs } = pairCertificates([certificateFile('pki/root-ca.crt')], [loadedKey('pki/root-ca.key')]);
    expect(pairs[0]).toMatchObject({ keyMatch: true, chain: [] });
    expect(pairs[0]?.leaf.isCA).toBe(true);
  });
});

it('sameStem links the usual download names', () => {
  expect(sameStem('d/app.crt', 'd/app.key')).toBe(true);
  expect(sameStem('d/app-cert.pem', 'd/app-key.pem')).toBe(true);
  expect(sameStem('d/app_public.pem', 'd/app_private.pem')).toBe(true);
  expect(sameStem('d/app.crt', 'e/app.key')).toBe(false);
  expect(sameStem('d/app.crt', 'd/other.key')).toBe(false);
});
