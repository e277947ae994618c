import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitEnvironment, gitExposure } from '../../src/input/git-exposure.js';
import { fixture, runCli } from '../e2e/helpers.js';

describe('gitExposure', () => {
  it('reports key files in a work tree unless ignored, nested folders included', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'aitoss-git-'));
    execFileSync('git', ['init', '-q', repo]);
    mkdirSync(join(repo, 'certs'));
    for (const name of ['certs/app.key', 'certs/old.key', 'secret.key']) writeFileSync(join(repo, name), 'k');
    writeFileSync(join(repo, '.gitignore'), 'old.key\n');
    const exposure = await gitExposure(['certs/app.key', 'certs/old.key', 'secret.key'], repo);
    expect([...exposure.unignored].sort()).toEqual(['certs/app.key', 'secret.key']);
    expect(exposure.unknown.size).toBe(0);
  });

  it('reports nothing outside a work tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-nogit-'));
    writeFileSync(join(dir, 'app.key'), 'k');
    const exposure = await gitExposure(['app.key'], dir);
    expect(exposure.unignored.size + exposure.unknown.size).toBe(0);
  });

  it('says unknown, with git\'s reason, when git cannot answer for a work tree (a broken .git)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-brokengit-'));
    writeFileSync(join(dir, '.git'), 'gitdir: /nonexistent/aitoss\n');
    writeFileSync(join(dir, 'app.key'), 'k');
    const exposure = await gitExposure(['app.key'], dir);
    expect(exposure.unignored.size).toBe(0);
    expect(exposure.unknown.get('app.key')).toMatch(/^git: fatal: /);
  });

  it('says unknown when git is not installed', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'aitoss-git-'));
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'app.key'), 'k');
    const path = process.env.PATH;
    process.env.PATH = join(repo, 'no-bin-here');
    try {
      const exposure = await gitExposure(['app.key'], repo);
      expect(exposure.unknown.get('app.key')).toBe('git is not installed');
    } finally {
      process.env.PATH = path;
    }
  });

  // Root is how CI runs; git's ownership check is about another user's repository.
  it.runIf(process.getuid?.() === 0)('says unknown for a repository git refuses (owned by another user, checked as root)', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'aitoss-git-'));
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'app.key'), 'k');
    execFileSync('chown', ['-R', '65534:65534', repo]);
    const exposure = await gitExposure(['app.key'], repo);
    expect(exposure.unignored.size).toBe(0);
    expect(exposure.unknown.get('app.key')).toMatch(/dubious ownership/);
  });

  it("git gets no GIT_* variable that would point it elsewhere, and none that let it write or ask", () => {
    const env = gitEnvironment({ PATH: '/bin', GIT_DIR: '/elsewhere', GIT_INDEX_FILE: 'x', GIT_CONFIG_PARAMETERS: "'core.fsmonitor'='x'", GIT_CONFIG_GLOBAL: '/home/u/.gitconfig' });
    expect(env).toEqual({ PATH: '/bin', GIT_CONFIG_GLOBAL: '/home/u/.gitconfig', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' });
  });
});

describe('a repository that names commands in its .git/config runs none of them', () => {
  /**
   * A work tree with a tracked file (git reads the index, which asks the fsmonitor),
   * an unignored key pair, and a .git/config whose core.fsmonitor, hooks and pager write
   * a marker. The test first proves that git itself runs the monitor there.
   */
  function hostileRepository() {
    const repo = mkdtempSync(join(tmpdir(), 'aitoss-hostile-git-'));
    const marker = join(repo, '..', `${repo.split('/').pop()}-ran`);
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'README'), 'tracked\n');
    execFileSync('git', ['-C', repo, 'add', 'README']);
    cpSync(fixture('pairs/ec-pkcs8.crt'), join(repo, 'app.crt'));
    cpSync(fixture('pairs/ec-pkcs8.key'), join(repo, 'app.key'));
    chmodSync(join(repo, 'app.key'), 0o600);
    const script = join(repo, '.git', 'run-me');
    writeFileSync(script, `#!/bin/sh\necho ran >> '${marker}'\ncat >/dev/null\n`, { mode: 0o755 });
    mkdirSync(join(repo, '.git', 'hooks'), { recursive: true });
    for (const hook of ['post-index-change', 'reference-transaction']) writeFileSync(join(repo, '.git', 'hooks', hook), `#!/bin/sh\necho ran >> '${marker}'\n`, { mode: 0o755 });
    for (const [key, value] of [
      ['core.fsmonitor', script],
      ['core.pager', script],
      ['core.sshCommand', script],
      ['diff.external', script],
    ]) execFileSync('git', ['-C', repo, 'config', key as string, value as string]);
    return { repo, marker };
  }

  it('the fsmonitor marker: written by a plain git, never by cert inspect', async () => {
    const { repo, marker } = hostileRepository();
    // The trap is live: git's own status (and the check-ignore aitoss used to run) runs it.
    spawnSync('git', ['-C', repo, 'status', '--porcelain'], { encoding: 'utf8' });
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    spawnSync('git', ['-C', repo, 'check-ignore', '--stdin', '-z'], { input: `${join(repo, 'app.key')}\0` });
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);

    const result = await runCli(['cert', 'inspect', '.', '--at', '2026-12-01'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    // The check itself still ran: the key is reported as one `git add` away from a push.
    expect(result.stdout).toMatch(/inside a git work tree and not ignored/);
    expect(existsSync(marker)).toBe(false);
  });
});
