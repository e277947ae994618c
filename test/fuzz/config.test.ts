/**
 * Configuration loading under hostile input: any value where the settings object should
 * be, and any bytes in a `.aitossrc` (JSON or YAML). Only a one-line AitossError naming
 * the file may come out.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { validateConfig } from '../../src/config/schema.js';
import { AitossError } from '../../src/core/errors.js';
import { FUZZ_RUNS } from './settings.js';

function expectConfigError(error: unknown, file: string): void {
  if (!(error instanceof AitossError)) throw error;
  const line = error.toLine();
  expect(line.startsWith(`${file}: `)).toBe(true);
  expect(line).not.toMatch(/[\n\r]/);
}

const keys = fc.constantFrom('cert', 'key', 'passphraseEnv', 'failUnder', 'endpoint', 'ca', 'timeoutMs');

describe('validateConfig', () => {
  it('accepts or names the problem for any value', () => {
    const settings = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.oneof(keys, fc.string()), fc.anything()),
      fc.dictionary(keys, fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null))),
    );
    fc.assert(
      fc.property(settings, (raw) => {
        try {
          const config = validateConfig(raw, '/x/.aitossrc');
          for (const name of Object.keys(config)) expect(['cert', 'key', 'passphraseEnv', 'failUnder', 'endpoint', 'ca', 'timeoutMs']).toContain(name);
        } catch (error) {
          expectConfigError(error, '/x/.aitossrc');
        }
      }),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-fuzz-config-'));
  it('any bytes in .aitossrc and .aitossrc.json', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.dictionary(fc.oneof(keys, fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 })).map((o) => JSON.stringify(o)),
      fc.dictionary(keys, fc.string({ maxLength: 20 })).map((o) => Object.entries(o).map(([k, v]) => `${k}: ${v}`).join('\n')),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('.aitossrc', '.aitossrc.json', '.aitossrc.yaml'), text, async (name, content) => {
        const file = join(dir, name);
        writeFileSync(file, content);
        try {
          await loadConfig({ cwd: dir, configPath: file });
        } catch (error) {
          expectConfigError(error, file);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
