/**
 * What only happens on a terminal or a closed pipe: the passphrase prompt (a real
 * pseudo-terminal made by util-linux `script`) and a reader that stops early.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSilentServer } from '../helpers/tls-servers.js';
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

  it('a wrong passphrase is asked again, three tries as ssh gives, then one clear error, exit 2', async () => {
    const { output, code } = await typingOnTerminal(['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-legacy.key'], ['nope1\r', 'nope2\r', 'nope3\r', 'never-asked\r']);
    expect(code).toBe(2);
    expect(output.match(/Passphrase for fixtures\/pairs\/rsa-encrypted-legacy\.key: /g)).toHaveLength(3);
    expect(output).toContain('Wrong passphrase, try again (2 of 3).');
    expect(output).toContain('Wrong passphrase, try again (3 of 3).');
    expect(output).toMatch(/aitoss: fixtures\/pairs\/rsa-encrypted-legacy\.key: wrong passphrase for the encrypted private key \(3 tries at the prompt\); type the passphrase the key was encrypted with/);
    // Worded for the prompt, not for a variable the user never set.
    expect(output).not.toContain('AITOSS_KEY_PASSPHRASE');
    expect(output).not.toMatch(/nope|never-asked/);
  });

  it('a wrong passphrase then the right one decrypts the key', async () => {
    const { output, code } = await typingOnTerminal(
      ['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-pkcs8.crt', 'fixtures/pairs/rsa-encrypted-pkcs8.key', '--at', PIN],
      ['wrong\r', 'fixture-passphrase\r'],
    );
    expect(code).toBe(0);
    expect(output).toContain('Wrong passphrase, try again (2 of 3).');
    expect(output).toMatch(/key {10}matches fixtures\/pairs\/rsa-encrypted-pkcs8\.key/);
    expect(output).not.toMatch(/fixture-passphrase|wrong\r/);
  });

  it('Ctrl-C at the prompt ends the run with one line, exit 130, the terminal restored', async () => {
    const { output, code } = await typingOnTerminal(['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-legacy.key'], ['abc\u0003']);
    expect(code).toBe(130);
    const after = output.slice(output.indexOf('Passphrase for'));
    expect(after.trim().split(/\r?\n/).map((line) => line.trimEnd())).toEqual(['Passphrase for fixtures/pairs/rsa-encrypted-legacy.key:', 'aitoss: interrupted']);
    expect(output).not.toMatch(/internal error|abc/);
  });

  it('SIGTERM at the prompt ends the run with one line, exit 143', async () => {
    const { output, code } = await typingOnTerminal(['cert', 'inspect', 'fixtures/pairs/rsa-encrypted-legacy.key'], ['SIGTERM']);
    expect(code).toBe(143);
    expect(output).toContain('aitoss: terminated');
    expect(output).not.toContain('internal error');
  });
});

/**
 * Run the CLI on a pseudo-terminal; at each passphrase prompt, type the next answer
 * (`SIGTERM`: send the CLI that signal instead).
 */
function typingOnTerminal(args: string[], answers: string[]): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    // The shell prints its pid, then becomes the CLI: the pid a signal is sent to.
    const child = spawn('script', ['-qefc', `echo "pid=$$"; exec ${command}`, '/dev/null'], { cwd: ROOT, env: cleanEnv({ TERM: 'dumb' }) });
    let output = '';
    let typed = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      const asked = output.split('Passphrase for').length - 1;
      if (asked > typed && typed < answers.length) {
        const answer = answers[typed++] as string;
        if (answer === 'SIGTERM') process.kill(Number(/pid=(\d+)/.exec(output)?.[1]), 'SIGTERM');
        else child.stdin.write(answer);
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

describe.skipIf(!hasScript)('the ping spinner', () => {
  /** ping on a pseudo-terminal of 80 columns (TERM=xterm: ora stays off on a dumb one). */
  function pingOnTerminal(args: string[]): { output: string; status: number | null } {
    const command = [process.execPath, BIN, 'ping', ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const result = spawnSync('script', ['-qefc', `stty cols 80 rows 24; ${command}`, '/dev/null'], {
      cwd: ROOT,
      env: cleanEnv({ TERM: 'xterm', NO_COLOR: undefined }),
      encoding: 'utf8',
      timeout: 15_000,
    });
    return { output: result.stdout, status: result.status };
  }

  it('names the phase it waits in on a terminal, and is gone when the verdict prints', async () => {
    const silent = await startSilentServer();
    try {
      const { output, status } = pingOnTerminal([`https://127.0.0.1:${silent.port}/`, '--timeout', '1500', '--no-proxy']);
      expect(status).toBe(1);
      expect(output).toContain(`TLS handshake with 127.0.0.1:${silent.port}`);
      // ora hides the cursor while it spins and shows it again when it stops, before the
      // verdict (colored: stdout is the terminal too) is printed.
      expect(output).toContain('\u001b[?25l');
      expect(output.indexOf('\u001b[?25h')).toBeGreaterThan(output.lastIndexOf('TLS handshake with'));
      expect(output.indexOf('\u001b[?25h')).toBeLessThan(output.indexOf('FAIL'));
      expect(output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')).toContain('FAIL  timeout in tls: timed out after 1500 ms');
    } finally {
      await silent.close();
    }
  });

  it('stays off when stderr is not a terminal', async () => {
    const silent = await startSilentServer();
    try {
      const result = spawnSync(process.execPath, [BIN, 'ping', `https://127.0.0.1:${silent.port}/`, '--timeout', '300', '--no-proxy'], {
        cwd: ROOT,
        env: cleanEnv({ TERM: 'xterm' }),
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toContain('TLS handshake with');
    } finally {
      await silent.close();
    }
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
