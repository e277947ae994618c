/**
 * Edge outcomes of the built CLI: every run ends with 0, 1, 2, 130 or 143 and at most
 * one line on stderr, and never with 0 before its command finished.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, fixture, PIN, runCli } from './helpers.js';

/** A repository root (the configuration search stops there) holding `files`. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-outcomes-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const oneLine = (stderr: string) => expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
const CHECK_EXPIRED = ['cert', 'check', fixture('lifecycle/expired.crt'), '--at', PIN];

describe('a JavaScript configuration that misbehaves', () => {
  it('a promise that never settles: exit 2 with one line, at once, never a silent pass', async () => {
    const dir = project({ 'aitoss.config.mjs': 'export default new Promise(() => {});\n' });
    const started = Date.now();
    for (const args of [CHECK_EXPIRED, ['config']]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `aitoss: ${join(dir, 'aitoss.config.mjs')}: the configuration never finished loading (a promise that never settles, or it ended the process); no result; a JavaScript configuration must export its settings, or a promise that settles\n`,
      );
    }
    // The event loop drains: no waiting for the 10 s bound.
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('a promise kept pending by a timer: the 10 s bound, exit 2', async () => {
    const dir = project({ 'aitoss.config.mjs': 'setInterval(() => {}, 1000);\nexport default new Promise(() => {});\n' });
    const result = await runCli(CHECK_EXPIRED, { cwd: dir, timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `aitoss: ${join(dir, 'aitoss.config.mjs')}: the configuration did not finish loading within 10 s; a JavaScript configuration must export its settings, or a promise that settles\n`,
    );
  }, 40_000);

  it('a configuration that calls process.exit(0): exit 2, not a pass', async () => {
    const dir = project({ '.aitossrc.cjs': 'process.exit(0);\n' });
    const result = await runCli(CHECK_EXPIRED, { cwd: dir });
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/\.aitossrc\.cjs: the configuration never finished loading/);
  });

  it('a getter that throws: an input error naming the file, exit 2', async () => {
    const dir = project({ '.aitossrc.cjs': 'module.exports = { get failUnder() { throw new Error("no threshold today"); } };\n' });
    const result = await runCli(CHECK_EXPIRED, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `aitoss: ${join(dir, '.aitossrc.cjs')}: reading the configuration's values threw: no threshold today; fix the file or name another with --config FILE\n`,
    );
  });
});

/**
 * The built CLI in `cwd`, sent `signal` once `ready` exists (a configuration writes it
 * while it loads: the run is under way, past the process's start), its stdin left open.
 */
async function stoppedRun(args: string[], cwd: string, ready: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
  const deadline = Date.now() + 20_000;
  while (!existsSync(ready)) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the run never reached its configuration: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  child.kill(signal);
  return { ...(await ended), stdout, stderr };
}

describe('a signal while no command traps it', () => {
  it('SIGTERM while a configuration loads: 143, one line, and the JSON error document', async () => {
    const dir = project({ '.aitossrc.cjs': 'require("fs").writeFileSync(__dirname + "/loading", "");\nsetInterval(() => {}, 1000);\nmodule.exports = new Promise(() => {});\n' });
    const result = await stoppedRun([...CHECK_EXPIRED, '--json'], dir, join(dir, 'loading'), 'SIGTERM');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(143);
    expect(result.stderr).toBe('aitoss: interrupted by SIGTERM; no result\n');
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'interrupted', exitCode: 143 } });
  }, 40_000);

  it('SIGINT while reading standard input: 130, one line', async () => {
    const dir = project({ '.aitossrc.cjs': 'require("fs").writeFileSync(__dirname + "/loading", "");\nmodule.exports = {};\n' });
    const result = await stoppedRun(['cert', 'check', '-', '--at', PIN], dir, join(dir, 'loading'), 'SIGINT');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('aitoss: interrupted by SIGINT; no result\n');
  }, 40_000);
});

describe('the process around the run', () => {
  it('a deleted working directory: one line, exit 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-gone-'));
    const result = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" cert inspect "$4"', 'sh', dir, process.execPath, BIN, fixture('pairs/ec-pkcs8.crt')], {
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'aitoss: the working directory cannot be found (ENOENT): it was removed, or a directory above it cannot be searched; cd to an existing directory and run again\n',
    );
  });

  it('standard output on a full device: one line, exit 2', () => {
    const result = spawnSync('sh', ['-c', 'exec "$1" "$2" cert inspect "$3" --at "$4" >/dev/full', 'sh', process.execPath, BIN, fixture('pairs/ec-pkcs8.crt'), PIN], {
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('aitoss: standard output: cannot write the report (ENOSPC: no space left on device); no result\n');
  });

  it('standard error on a full device: the exit code still tells the outcome', () => {
    const result = spawnSync('sh', ['-c', 'exec "$1" "$2" cert inspect "$3" 2>/dev/full', 'sh', process.execPath, BIN, '/nonexistent/app.crt'], { env: cleanEnv(), encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('a closed pipe silences the output, and the exit code is still the verdict', () => {
    for (const [args, code] of [
      [CHECK_EXPIRED, 1],
      [['cert', 'check', fixture('pairs/ec-pkcs8.crt'), '--at', PIN], 0],
    ] as const) {
      const result = spawnSync('bash', ['-c', '"$@" | (exec 0<&-; true); exit "${PIPESTATUS[0]}"', 'bash', process.execPath, BIN, ...args], {
        env: cleanEnv(),
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(code);
    }
  });
});
