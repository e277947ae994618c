/**
 * Property tests over every in-process input path: PEM/DER/escaped/base64 decoding,
 * certificate parsing and key loading. Whatever the bytes, the only error that may
 * escape is an AitossError (one line, naming the source), never key material, and each
 * input is handled in bounded time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSourceContents } from '../../src/core/credentials.js';
import { AitossError } from '../../src/core/errors.js';
import { decodeInput, parsePem } from '../../src/core/pem.js';
import { loadPrivateKey } from '../../src/core/private-key.js';
import { fixtureKeyBodies } from '../e2e/helpers.js';
import { FUZZ_RUNS, MAX_MS_PER_INPUT } from './settings.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
function fixtureFiles(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? fixtureFiles(path) : /\.(crt|key|pem|der|b64|escaped)$/.test(name) ? [path] : [];
  });
}
const files = fixtureFiles();
const contents = files.map((f) => readFileSync(f));
const keyBodies = fixtureKeyBodies();

/** Read the bytes as the CLI would, loading keys with and without a passphrase. */
function handle(bytes: Uint8Array): void {
  const started = performance.now();
  try {
    const result = readSourceContents(bytes, 'fuzz.pem');
    for (const key of result?.keys ?? []) {
      try {
        loadPrivateKey(key, key.encrypted ? 'fixture-passphrase' : undefined);
      } catch (error) {
        expectUserError(error);
      }
    }
  } catch (error) {
    expectUserError(error);
  }
  expect(performance.now() - started).toBeLessThan(MAX_MS_PER_INPUT);
}

function expectUserError(error: unknown): void {
  if (!(error instanceof AitossError)) throw error;
  const line = error.toLine();
  expect(line).not.toContain('\n');
  expect(line).toMatch(/^fuzz\.pem( \(block \d+\))?: /);
  for (const body of keyBodies) expect(line).not.toContain(body);
}

describe('decoding never fails with anything but a clear input error', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => handle(bytes)), { numRuns: FUZZ_RUNS });
  });

  it('random text around PEM markers', () => {
    const label = fc.constantFrom('CERTIFICATE', 'PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'X', 'CERTIFICATE REQUEST');
    const piece = fc.oneof(
      label.map((l) => `-----BEGIN ${l}-----\n`),
      label.map((l) => `-----END ${l}-----\n`),
      fc.base64String({ maxLength: 200 }).map((s) => `${s}\n`),
      fc.constantFrom('Proc-Type: 4,ENCRYPTED\n', 'DEK-Info: AES-256-CBC,00\n', '\n', '\r\n', '\\n', '\uFEFF'),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => handle(Buffer.from(pieces.join('')))), { numRuns: FUZZ_RUNS });
  });

  it('every fixture truncated at a random point', () => {
    fc.assert(
      fc.property(fc.nat(contents.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (i, cut) => {
        const bytes = contents[i]!;
        handle(bytes.subarray(0, Math.floor(bytes.length * cut)));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('every fixture with bytes mutated', () => {
    fc.assert(
      fc.property(fc.nat(contents.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (i, edits) => {
        const bytes = Buffer.from(contents[i]!);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        handle(bytes);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('every fixture with a byte of its DER body mutated (valid base64, broken ASN.1)', () => {
    const pems = files
      .filter((f) => !f.includes('/bad/'))
      .map((f) => readFileSync(f, 'utf8'))
      .filter((t) => /^-----BEGIN [A-Z ]+-----\n/m.test(t) && !t.includes('Proc-Type') && !t.includes('\\n'));
    fc.assert(
      fc.property(fc.nat(pems.length - 1), fc.nat(), fc.integer({ min: 0, max: 255 }), (i, at, value) => {
        const [block] = parsePem(pems[i]!, 'x');
        const der = Buffer.from(block!.der);
        der[at % der.length] = value;
        handle(Buffer.from(`-----BEGIN ${block!.label}-----\n${der.toString('base64')}\n-----END ${block!.label}-----\n`));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('large and pathological inputs', () => {
  it('a 1 MiB single base64 line', () => {
    handle(Buffer.from('A'.repeat(1024 * 1024)));
    handle(Buffer.from(`-----BEGIN CERTIFICATE-----\n${'A'.repeat(1024 * 1024 - 60)}\n-----END CERTIFICATE-----\n`));
  });

  it('10,000 blocks in one file, and one more', () => {
    const block = '-----BEGIN X-----\nAAAA\n-----END X-----\n';
    const started = performance.now();
    expect(decodeInput(Buffer.from(block.repeat(10_000)), 'f')).toMatchObject({ kind: 'pem' });
    expect(() => decodeInput(Buffer.from(block.repeat(10_001)), 'f')).toThrowError(/more than 10000 PEM blocks/);
    expect(performance.now() - started).toBeLessThan(MAX_MS_PER_INPUT);
  });

  it('nested and unbalanced markers', () => {
    for (const text of [
      '-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----END CERTIFICATE-----\n',
      '-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAAA\n',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n',
      `${'-----BEGIN CERTIFICATE-----\n'.repeat(5000)}`,
    ]) {
      handle(Buffer.from(text));
    }
  });
});
