/**
 * What only happens on a terminal or a closed pipe: the passphrase prompt (a real
 * pseudo-terminal made by util-linux `script`) and a reader that stops early.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, PIN, ROOT } from './helpers.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Run the CLI on a pseudo-terminal, typing `typed` once it asks. */
function onTerminal(args: string[], typed: string): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env: cleanEnv({ TERM: 'dumb' }) });
    let output = '';
    let typedYet = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (!typedYet && output.includes('Passphrase for')) {
        typedYet = true;
        child.stdin.write(typed);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, code });
    });
  });
}

describe.skipIf(!hasScript)('the passphrase prompt on a terminal', () => {
  it('asks on the terminal, does not echo, and decrypts the key', async () => {
    const { output, code } = await onTerminal(['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-pkcs8.crt', 'fixtures/pairs/rsa-encrypted-pkcs8.key', '--at', PIN], 'fixture-passphrase\r');
    expect(code).toBe(0);
    expect(output).toContain('Passphrase for fixtures/pairs/rsa-encrypted-pkcs8.key: ');
    expect(output).not.toContain('fixture-passphrase');
    expect(output).toMatch(/key {10}matches fixtures\/pairs\/rsa-encrypted-pkcs8\.key/);
  });

  it('a wrong passphrase typed is one clear error, exit 2', async () => {
    const { output, code } = await onTerminal(['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-legacy.key'], 'nope\r');
    expect(code).toBe(2);
    expect(output).toMatch(/aitoss: fixtures\/pairs\/rsa-encrypted-legacy\.key: wrong passphrase for the encrypted private key/);
    expect(output).not.toContain('nope');
  });
});

it('a reader that stops early (| head -1) ends the run quietly', () => {
  // More output than a pipe buffers (64 KiB), so the writes after head exits hit EPIPE.
  const dir = mkdtempSync(join(tmpdir(), 'aitoss-pipe-'));
  const pem = readFileSync(`${ROOT}fixtures/pairs/rsa-pkcs8.crt`);
  for (let i = 0; i < 200; i++) writeFileSync(join(dir, `app-${String(i).padStart(3, '0')}.crt`), pem);
  const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" cert inspect "${dir}" --at ${PIN} | head -1; echo "exit=\${PIPESTATUS[0]}"`], {
    cwd: ROOT,
    env: cleanEnv(),
    encoding: 'utf8',
  });
  const [first, status] = result.stdout.trimEnd().split('\n');
  expect(first).toBe(`${join(dir, 'app-000.crt')}  OK  207 days left, expires 2027-06-26`);
  expect(status).toBe('exit=0');
  expect(result.stderr).toBe('');
});
