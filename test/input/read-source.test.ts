import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('folders: -r, loops, hidden folders', () => {
  function tree() {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-tree-'));
    writeFileSync(join(dir, 'top.crt'), 't');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'one.crt'), '1');
    writeFileSync(join(dir, 'a', 'b', 'two.key'), '2');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'hidden.key'), 'h');
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'pkg', 'test.key'), 'n');
    // A loop back to the top, and one to a parent of the tree.
    symlinkSync(dir, join(dir, 'a', 'b', 'loop'));
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'b', 'up'));
    return dir;
  }

  it('without -r reads one level and counts the subfolders not read', async () => {
    const dir = tree();
    const read = await readPathArgument(dir, io());
    expect(read.sources.map((s) => s.name)).toEqual([join(dir, 'top.crt')]);
    expect(read.unreadFolders).toBe(2);
  });

  it('with -r reads every level once, hidden folders, node_modules and loops aside', async () => {
    const dir = tree();
    const read = await readPathArgument(dir, io(), { recursive: true });
    expect(read.sources.map((s) => s.name)).toEqual([join(dir, 'a', 'b', 'two.key'), join(dir, 'a', 'one.crt'), join(dir, 'top.crt')]);
    expect(read.skipped).toEqual([]);
  });

  it('lists a file over the size limit and a FIFO as skipped, and reads the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-read-'));
    writeFileSync(join(dir, 'video.mp4'), Buffer.alloc(2 * 1024 * 1024));
    writeFileSync(join(dir, 'ok.crt'), 'ok');
    const read = await readPathArgument(dir, io());
    expect(read.sources.map((s) => s.name)).toEqual([join(dir, 'ok.crt')]);
    expect(read.skipped).toEqual([{ source: join(dir, 'video.mp4'), code: 'too-large', reason: 'is larger than 1 MiB, too large for a certificate or key' }]);
  });
});

describe('SRC values that are not paths', () => {
  const keyPem = readFileSync(new URL('../../fixtures/pairs/ec-sec1.key', import.meta.url), 'utf8');

  it('reads a key given where a path was expected as content, named by where it came from', async () => {
    expect(await readSingleSource(keyPem, io(), { setting: 'key', origin: 'flag' })).toMatchObject({ name: '--key', label: '--key', bytes: Buffer.from(keyPem) });
    expect(await readSingleSource(`\n${keyPem}`, io(), { setting: 'key', origin: 'env:AITOSS_KEY' })).toMatchObject({ name: 'AITOSS_KEY (environment)' });
    expect((await readPathArgument(keyPem, io())).sources[0]).toMatchObject({ name: 'a PATH argument' });
  });

  it('refuses a value that is neither a file nor content without echoing it', async () => {
    const body = keyPem.split('\n').slice(1, -2).join('');
    const line = await errorOf(readSingleSource(`${body}!`, io(), { setting: 'key', origin: 'env:AITOSS_KEY' }));
    expect(line).toMatch(/^AITOSS_KEY \(environment\): names no readable file \(.*\) and is not a certificate or key either; the value is not shown/);
    expect(line).not.toContain(body.slice(10, 30));
    const long = await errorOf(readSingleSource(`${'A'.repeat(5000)}.pem`, io(), '--key'));
    expect(long).toMatch(/^--key: names no readable file \(the file name is too long\)/);
  });

  it('names a missing file by the setting it came from', async () => {
    expect(await errorOf(readSingleSource('nope.pem', io(), '--ca'))).toBe('--ca nope.pem: no such file or directory');
    expect(await errorOf(readSingleSource('garbage', io(), { setting: 'cert', origin: 'env:AITOSS_CERT' }))).toBe('AITOSS_CERT=garbage (environment): no such file or directory');
  });

  it('says that stdin was empty', async () => {
    expect(await errorOf(readPathArgument('-', io({}, '')))).toMatch(/^stdin: is empty: nothing was piped in/);
    expect(await errorOf(readSingleSource('-', io({}, ' \n'), '--cert'))).toMatch(/^stdin: is empty/);
  });
});
