import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeInput, isWholeDer, parsePem, toPem } from '../../src/core/pem.js';
import { AitossError } from '../../src/core/errors.js';

const fixture = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url));
const certPem = fixture('formats/formats.crt').toString('utf8');
const certDer = parsePem(certPem, 'x')[0]!.der;

function blocksOf(bytes: Uint8Array) {
  const decoded = decodeInput(bytes, 'src');
  if (decoded.kind !== 'pem') throw new Error(`expected pem, got ${decoded.kind}`);
  return decoded;
}

describe('decodeInput', () => {
  it('reads plain PEM and round-trips the DER', () => {
    const decoded = blocksOf(Buffer.from(certPem));
    expect(decoded.encoding).toBe('pem');
    expect(decoded.blocks).toHaveLength(1);
    expect(decoded.blocks[0]!.label).toBe('CERTIFICATE');
    expect(decoded.blocks[0]!.pem).toBe(certPem);
  });

  it.each([
    ['CRLF line endings', 'formats/crlf.crt'],
    ['a UTF-8 BOM', 'formats/bom.crt'],
    ['an openssl -text preamble', 'formats/openssl-text.crt'],
  ])('reads PEM with %s to the same certificate', (_name, path) => {
    const decoded = blocksOf(fixture(path));
    expect(decoded.blocks).toHaveLength(1);
    expect(decoded.blocks[0]!.der.equals(certDer)).toBe(true);
  });

  it('detects PEM with literal \\n escapes', () => {
    const decoded = blocksOf(fixture('formats/cert.escaped'));
    expect(decoded.encoding).toBe('escaped-pem');
    expect(decoded.blocks[0]!.der.equals(certDer)).toBe(true);
  });

  it('detects base64 of a PEM', () => {
    const decoded = blocksOf(fixture('formats/cert.b64'));
    expect(decoded.encoding).toBe('base64-pem');
    expect(decoded.blocks[0]!.der.equals(certDer)).toBe(true);
  });

  it('detects raw DER and base64 of DER', () => {
    expect(decodeInput(certDer, 'x')).toMatchObject({ kind: 'der', encoding: 'der' });
    const b64 = decodeInput(Buffer.from(certDer.toString('base64')), 'x');
    expect(b64.kind === 'der' && b64.encoding === 'base64-der' && b64.der.equals(certDer)).toBe(true);
  });

  it('strips quotes a secret store may have kept', () => {
    const quoted = `"${fixture('formats/cert.escaped').toString('utf8')}"`;
    expect(blocksOf(Buffer.from(quoted)).blocks[0]!.der.equals(certDer)).toBe(true);
  });

  it('splits bundles and keeps block order', () => {
    const decoded = blocksOf(fixture('formats/combined.pem'));
    expect(decoded.blocks.map((b) => b.label)).toEqual(['PRIVATE KEY', 'CERTIFICATE']);
    expect(decoded.blocks.map((b) => b.position)).toEqual([1, 2]);
  });

  it('keeps legacy encryption headers', () => {
    const [block] = blocksOf(fixture('pairs/rsa-encrypted-legacy.key')).blocks;
    expect(block!.headers['Proc-Type']).toBe('4,ENCRYPTED');
    expect(block!.headers['DEK-Info']).toMatch(/^AES-256-CBC,/);
    expect(block!.pem).toContain('Proc-Type: 4,ENCRYPTED\nDEK-Info:');
  });

  it('returns unrecognized for text that is neither PEM nor base64', () => {
    expect(decodeInput(fixture('bad/garbage.txt'), 'x')).toEqual({ kind: 'unrecognized' });
    expect(decodeInput(Buffer.alloc(0), 'x')).toEqual({ kind: 'unrecognized' });
  });
});

describe('broken PEM', () => {
  it('names a truncated file', () => {
    expect(() => decodeInput(fixture('bad/truncated.crt'), 'bad/truncated.crt')).toThrowError(/no END line: the file is truncated/);
  });
  it('names a block not closed before the next one', () => {
    const text = `${certPem.split('-----END')[0]}${certPem}`;
    expect(() => parsePem(text, 'f')).toThrowError(/not closed before the next BEGIN/);
  });
  it('rejects a body that is not base64', () => {
    const text = certPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    const error = (() => {
      try {
        parsePem(text, 'cert.pem');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AitossError);
    expect((error as AitossError).source).toBe('cert.pem');
    expect((error as AitossError).message).toMatch(/not valid base64/);
  });
});

describe('isWholeDer', () => {
  it('accepts exactly one DER sequence and nothing else', () => {
    expect(isWholeDer(certDer)).toBe(true);
    expect(isWholeDer(certDer.subarray(0, certDer.length - 1))).toBe(false);
    expect(isWholeDer(Buffer.concat([certDer, Buffer.from([0])]))).toBe(false);
    expect(isWholeDer(Buffer.from('0123'))).toBe(false);
  });
});

it('toPem writes 64-column bodies that parse back', () => {
  const pem = toPem('CERTIFICATE', certDer);
  expect(pem.split('\n').slice(1, -3).every((line) => line.length === 64)).toBe(true);
  expect(parsePem(pem, 'x')[0]!.der.equals(certDer)).toBe(true);
});
