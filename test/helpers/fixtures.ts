/** Loading fixture files into core types, for unit tests of pure modules. */
import { readFileSync } from 'node:fs';
import { readSourceContents } from '../../src/core/credentials.js';
import type { CertificateFile } from '../../src/core/pairing.js';
import { loadPrivateKey, type LoadedKey } from '../../src/core/private-key.js';

export const PIN = new Date('2026-12-01T00:00:00Z');
export const FIXTURE_PASSPHRASE = 'fixture-passphrase';

export function fixtureBytes(path: string): Buffer {
  return readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));
}

export function certificateFile(path: string): CertificateFile {
  const contents = readSourceContents(fixtureBytes(path), path);
  if (!contents) throw new Error(`${path} is unrecognized`);
  return { source: path, certificates: contents.certificates };
}

export function loadedKey(path: string): LoadedKey {
  const contents = readSourceContents(fixtureBytes(path), path);
  const block = contents?.keys[0];
  if (!block) throw new Error(`${path} has no key`);
  return loadPrivateKey(block, block.encrypted ? FIXTURE_PASSPHRASE : undefined);
}
