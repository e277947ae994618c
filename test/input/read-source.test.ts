import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AitossError } from '../../src/core/errors.js';
import { MAX_INPUT_BYTES, readPathArgument, readSingleSource } from '../../src/input/read-source.js';

const io = (env: NodeJS.ProcessEnv = {}, stdin = '') => ({ env, stdin: Readable.from([Buffer.from(stdin)]) });

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AitossError) return error.toLine();
    throw error;
  }
  throw new Error('did not fail');
}

describe('readPathArgument', () => {
  it('reads a folder one level deep, sorted, skipping hidden files and subfolders, listing broken links as skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-read-'));
    writeFileSync(join(dir, 'b.crt'), 'b');
    writeFileSync(join(dir, 'a.key'), 'a');
    writeFileSync(join(dir, '.hidden'), 'h');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'c.crt'), 'c');
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling.crt'));
    const { sources, skipped, unreadFolders } = await readPathArgument(dir, io());
    expect(sources.map((s) => [s.name, s.bytes.toString(), s.fromDirectory])).toEqual([
      [join(dir, 'a.key'), 'a', true],
      [join(dir, 'b.crt'), 'b', true],
    ]);
    expect(sources[0]?.mode).toBeTypeOf('number');
    expect(skipped).toEqual([{ source: join(dir, 'dangling.crt'), code: 'broken-link', reason: expect.stringMatching(/symbolic link/) }]);
    expect(unreadFolders).toBe(1);
  });

  it('reads stdin as -, and env:NAME', async () => {
    expect((await readPathArgument('-', io({}, 'pem'))).sources[0]).toMatchObject({ name: 'stdin' });
    expect((await readPathArgument('env:X', io({ X: 'value' }))).sources[0]?.bytes.toString()).toBe('value');
  });

  it('refuses a file over 1 MiB, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-read-'));
    writeFileSync(join(dir, 'big'), Buffer.alloc(MAX_INPUT_BYTES + 1));
    expect(await errorOf(readPathArgument(join(dir, 'big'), io()))).toMatch(/big: is larger than 1 MiB/);
    expect(await errorOf(readPathArgument('env:BIG', io({ BIG: 'x'.repeat(MAX_INPUT_BYTES + 1) })))).toMatch(/^env:BIG: is larger than 1 MiB/);
    expect(await errorOf(readPathArgument('-', io({}, 'x'.repeat(MAX_INPUT_BYTES + 1))))).toMatch(/^stdin: is larger than 1 MiB/);
  });

  it('names a missing file', async () => {
    expect(await errorOf(readPathArgument('/nonexistent/app.crt', io()))).toBe('/nonexistent/app.crt: no such file or directory');
  });
});

describe('env: sources', () => {
  it.each([
    ['an unset variable', {}, 'env:APP: the environment variable APP is not set'],
    ['an empty one', { APP: '  ' }, 'env:APP: the environment variable APP is empty'],
  ])('%s is an error', async (_name, env, line) => {
    expect(await errorOf(readSingleSource('env:APP', io(env), '--cert'))).toBe(line);
  });
  it('refuses a name that is no variable name', async () => {
    expect(await errorOf(readSingleSource('env:1A-B', io(), '--cert'))).toBe('env:1A-B: is not a valid environment variable name');
  });
});

it('readSingleSource refuses a directory for --cert', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-read-'));
  expect(await errorOf(readSingleSource(dir, io(), '--cert'))).toMatch(/is a directory; --cert takes one file/);
});
