import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSourceContents } from '../../src/core/credentials.js';
import { fixtureBytes } from '../helpers/fixtures.js';

const fixturePath = (path: string) => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));

describe('readSourceContents', () => {
  it('splits a file holding a key and a certificate', () => {
    const contents = readSourceContents(fixtureBytes('formats/combined.pem'), 'combined.pem');
    expect(contents?.certificates).toHaveLength(1);
    expect(contents?.keys.map((k) => k.format)).toEqual(['pkcs8']);
    expect(contents?.encoding).toBe('pem');
  });

  it('reads DER certificates and keys', () => {
    expect(readSourceContents(fixtureBytes('pairs/ec-der-cert.der'), 'c.der')).toMatchObject({ encoding: 'der', keys: [] });
    expect(readSourceContents(fixtureBytes('pairs/ec-der-key.der'), 'k.der')?.keys[0]?.format).toBe('pkcs8-der');
  });

  it('returns undefined for what is no certificate or key at all', () => {
    expect(readSourceContents(fixtureBytes('bad/garbage.txt'), 'g')).toBeUndefined();
    expect(readSourceContents(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), 'x.der')).toBeUndefined();
  });

  it.each([
    ['CERTIFICATE REQUEST', /holds a certificate signing request \(CSR\), not a certificate/],
    ['PUBLIC KEY', /holds a public key, not a private key/],
    ['PKCS7', /holds a PKCS#7 bundle: convert it with `openssl pkcs7 -print_certs/],
    ['SOMETHING ELSE', /holds a "SOMETHING ELSE" PEM block, not a certificate or private key/],
  ])('names a %s block for what it is', (label, message) => {
    const pem = `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
    expect(() => readSourceContents(Buffer.from(pem), 'x.pem')).toThrowError(message);
  });

  it('ignores EC PARAMETERS next to a key', () => {
    const key = fixtureBytes('pairs/ec-sec1.key').toString();
    const contents = readSourceContents(Buffer.from(`-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${key}`), 'k.pem');
    expect(contents?.keys.map((k) => k.format)).toEqual(['sec1']);
  });

  it('names the block of a bundle a certificate came from', () => {
    const contents = readSourceContents(fixtureBytes('formats/bundle.pem'), 'bundle.pem');
    expect(contents?.certificates).toHaveLength(2);
  });
});

describe('PKCS#12', () => {
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!hasOpenssl)('a .p12 made by openssl is named, with the command that extracts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-p12-'));
    const p12 = join(dir, 'app.p12');
    const made = spawnSync('openssl', ['pkcs12', '-export', '-in', fixturePath('pairs/rsa-pkcs8.crt'), '-inkey', fixturePath('pairs/rsa-pkcs8.key'), '-out', p12, '-passout', 'pass:x']);
    expect(made.status).toBe(0);
    expect(() => readSourceContents(readFileSync(p12), 'app.p12')).toThrowError(/holds a PKCS#12 \(\.p12\/\.pfx\) bundle/);
  });
});
