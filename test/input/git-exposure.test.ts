import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unignoredInGit } from '../../src/input/git-exposure.js';

describe('unignoredInGit', () => {
  it('reports key files in a work tree unless ignored, nested folders included', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'aitoss-git-'));
    execFileSync('git', ['init', '-q', repo]);
    mkdirSync(join(repo, 'certs'));
    for (const name of ['certs/app.key', 'certs/old.key', 'secret.key']) writeFileSync(join(repo, name), 'k');
    writeFileSync(join(repo, '.gitignore'), 'old.key\n');
    const exposed = await unignoredInGit(['certs/app.key', 'certs/old.key', 'secret.key'], repo);
    expect([...exposed].sort()).toEqual(['certs/app.key', 'secret.key']);
  });

  it('reports nothing outside a work tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-nogit-'));
    writeFileSync(join(dir, 'app.key'), 'k');
    expect((await unignoredInGit(['app.key'], dir)).size).toBe(0);
  });
});
