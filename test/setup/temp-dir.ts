/**
 * Each test file runs with a temporary directory of its own as os.tmpdir() (TMPDIR, and
 * TMP and TEMP for Windows), removed after the file's tests: what a test writes with
 * mkdtempSync(join(tmpdir(), ...)) does not outlive it. The CLI's child processes get
 * their environment from the tests (cleanEnv).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const NAMES = ['TMPDIR', 'TMP', 'TEMP'] as const;
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
const root = mkdtempSync(join(tmpdir(), 'aitoss-test-'));
for (const name of NAMES) process.env[name] = root;

afterAll(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  try {
    rmSync(root, { recursive: true, force: true });
  } catch {
    // A test made a directory unreadable (mode 000): open it up, then remove.
    openUp(root);
    rmSync(root, { recursive: true, force: true });
  }
});

function openUp(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.isSymbolicLink()) openUp(join(dir, entry.name));
  }
}
