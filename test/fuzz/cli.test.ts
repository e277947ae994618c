/**
 * The built CLI under hostile input: random bytes as files and as `env:` values, special
 * files, symlink loops and unreadable folders. Every run ends with exit 0 or 2 as
 * specified, at most one line on stderr, no stack trace, no key material, in bounded time.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, leakedKeyMaterial, PIN, runCli, type CliResult, type RunOptions } from '../e2e/helpers.js';
import { FUZZ_RUNS } from './settings.js';
import { isRoot, OTHER_UID, sharedTempDir } from '../helpers/other-user.js';

/** Spawning costs ~100 ms a run: the CLI-level properties use a fraction of FUZZ_RUNS. */
const CLI_RUNS = Math.max(10, Math.floor(FUZZ_RUNS / 8));
const work = mkdtempSync(join(tmpdir(), 'aitoss-fuzz-'));

function expectWellBehaved(result: CliResult, allowed: number[] = [0, 2]) {
  expect(result.signal).toBeNull();
  expect(allowed).toContain(result.code);
  const errorLines = result.stderr.split('\n').filter(Boolean);
  expect(errorLines.length).toBeLessThanOrEqual(1);
  if (result.code === 2) expect(errorLines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(leakedKeyMaterial(result)).toBeUndefined();
}

async function inspect(args: string[], options?: RunOptions) {
  const started = Date.now();
  const result = await runCli(['cert', 'inspect', ...args, '--at', PIN], { timeoutMs: 10_000, ...options });
  expect(Date.now() - started).toBeLessThan(10_000);
  return result;
}

describe('random input through the CLI', () => {
  const keyText = readFileSync(fixture('pairs/rsa-pkcs8.key'), 'utf8');
  const mutated = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })).map(([cut, edits]) => {
    const bytes = Buffer.from(keyText.slice(0, Math.floor(keyText.length * cut)));
    for (const [at, value] of edits) if (bytes.length) bytes[at % bytes.length] = value;
    return bytes;
  });

  it('as a file', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2048 }), mutated), async (bytes) => {
        const path = join(work, `input-${n++}.pem`);
        writeFileSync(path, bytes);
        expectWellBehaved(await inspect([path]));
      }),
      { numRuns: CLI_RUNS },
    );
  });

  it('as an env: value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 600 }), mutated.map((b) => b.toString('utf8')), mutated.map((b) => b.toString('base64'))), async (value) => {
        fc.pre(!value.includes('\0'));
        expectWellBehaved(await inspect(['--cert', 'env:FUZZ_CERT'], { env: { FUZZ_CERT: value } }));
      }),
      { numRuns: CLI_RUNS },
    );
  });
});

describe('special files', () => {
  it('a symlink loop inside a directory argument is skipped', async () => {
    const dir = join(work, 'loop');
    mkdirSync(dir);
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    cpSync(fixture('pairs/ec-sec1.crt'), join(dir, 'app.crt'));
    const result = await inspect([dir, '--json']);
    expectWellBehaved(result, [0]);
    expect(JSON.parse(result.stdout).certificates).toHaveLength(1);
  });

  it('a symlink loop named directly is one clear error', async () => {
    const result = await inspect([join(work, 'loop', 'a')]);
    expectWellBehaved(result, [2]);
    expect(result.stderr).toMatch(/loop\/a: too many levels of symbolic links/);
  });

  it('a FIFO never blocks: named, it is refused; in a folder, it is skipped', async () => {
    const dir = join(work, 'fifo');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'pipe.pem')]);
    cpSync(fixture('pairs/ec-sec1.crt'), join(dir, 'app.crt'));
    const named = await inspect([join(dir, 'pipe.pem')]);
    expectWellBehaved(named, [2]);
    expect(named.stderr).toMatch(/pipe\.pem: is not a regular file/);
    const folder = await inspect([dir, '--json']);
    expectWellBehaved(folder, [0]);
    expect(JSON.parse(folder.stdout).certificates).toHaveLength(1);
  });

  it('a directory without read permission', async () => {
    // As root every directory is readable: run the CLI as another user to see the real
    // error, in a directory that user can reach (the test's own is private), from a copy
    // of the CLI it can read (the checkout may be private too).
    const dir = join(isRoot() ? sharedTempDir() : work, 'locked');
    mkdirSync(dir);
    chmodSync(dir, 0o000);
    const options = isRoot() ? { uid: OTHER_UID, cwd: '/' } : {};
    const result = await inspect([dir], options);
    expectWellBehaved(result, [2]);
    expect(result.stderr).toMatch(/locked: permission denied/);
  });

  it('10,000 blocks in a file under 1 MiB', async () => {
    const path = join(work, 'many.pem');
    writeFileSync(path, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'.repeat(10_000).slice(0, 1024 * 1024));
    expectWellBehaved(await inspect([path]), [2]);
  });
});
