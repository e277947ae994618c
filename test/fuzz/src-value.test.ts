/**
 * SRC values under hostile input: any key material, cut anywhere, wrapped in any
 * whitespace, with any bytes added, given as --key, AITOSS_KEY or a configuration value.
 * Whatever is read or refused, no 24-character slice of the key's base64 reaches the
 * error line.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAitossError } from '../../src/core/errors.js';
import { readSingleSource } from '../../src/input/read-source.js';
import type { SrcOrigin } from '../../src/input/src-value.js';
import { FUZZ_RUNS } from './settings.js';

/**
 * The quick pass (npm test, a fixed seed) cuts the committed fixture keys, so CI runs the
 * same cases every time; the long run (npm run fuzz) cuts fresh keys each time.
 */
const keys = (
  process.env.AITOSS_FUZZ_RUNS === undefined
    ? ['pairs/ed25519.key', 'pairs/ec-pkcs8.key', 'pairs/rsa-pkcs8.key'].map((name) => createPrivateKey(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url))))
    : [generateKeyPairSync('ed25519').privateKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey]
).map((key) => key.export({ type: 'pkcs8', format: 'der' }).toString('base64'));

const origins: SrcOrigin[] = [
  { setting: 'key', origin: 'flag' },
  { setting: 'key', origin: 'env:AITOSS_KEY' },
  { setting: 'cert', origin: '/repo/.aitossrc.yaml', cwd: '/repo' },
  { setting: 'path', origin: 'argument' },
];

const pem = (b64: string) => `-----BEGIN PRIVATE KEY-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;

describe('a SRC holding key material is never echoed', () => {
  it('any slice of a key, in any wrapping, given through any origin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...keys),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('plain', 'pem', 'pem-escaped', 'base64-of-pem'),
        fc.constantFrom('', '\n', ' ', '\ufeff', '"', 'x', './', 'env:'),
        fc.constantFrom('', '\n', ' ', 'x', '!', '.pem', '"'),
        fc.constantFrom(...origins),
        async (key, a, b, shape, before, after, from) => {
          const start = a % key.length;
          const end = start + 24 + (b % Math.max(1, key.length - start));
          const cut = key.slice(start, end);
          const body = shape === 'plain' ? cut : shape === 'pem' ? pem(cut) : shape === 'pem-escaped' ? pem(cut).replace(/\n/g, '\\n') : Buffer.from(pem(cut)).toString('base64');
          const value = `${before}${body}${after}`;
          let line = '';
          try {
            await readSingleSource(value, { env: {}, stdin: Readable.from([]) }, from);
            return; // read as content: named by its origin, checked below for the name
          } catch (error) {
            if (!isAitossError(error)) throw error;
            line = error.toLine();
          }
          const joined = line.replace(/\\[nr]|\s/g, '');
          for (let i = 0; i + 24 <= cut.length; i += 8) expect(joined).not.toContain(cut.slice(i, i + 24));
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('content read is named by where it came from, never by its bytes', async () => {
    for (const key of keys) {
      for (const from of origins) {
        const raw = await readSingleSource(`\n${pem(key)}`, { env: {}, stdin: Readable.from([]) }, from);
        expect(raw.name).not.toContain(key.slice(0, 24));
        expect(raw.label).toMatch(/^(--key|AITOSS_KEY \(environment\)|cert in \.aitossrc\.yaml|a PATH argument)$/);
      }
    }
  });
});
