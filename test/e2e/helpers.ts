/** Running the built CLI as a child process, as a user would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliForOtherUser } from '../helpers/other-user.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}bin/aitoss.cjs`;
/** The instant every end-to-end test evaluates at (see fixtures/README.md). */
export const PIN = '2026-12-01';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Added to a clean environment (PATH, HOME, NO_COLOR=1; nothing from AITOSS_*, GITHUB_*, CI). */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeoutMs?: number;
  /**
   * Run as this user id (only possible when the tests run as root), from a copy of the
   * CLI that user can read (test/helpers/other-user.ts).
   */
  uid?: number;
  /** More secrets (e.g. keys a test generated) that must not appear in any output. */
  secrets?: readonly string[];
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8' };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const cli = options.uid === undefined ? { node: process.execPath, bin: BIN } : cliForOtherUser();
    const child = spawn(cli.node, [cli.bin, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr };
      // Every CLI run of the suite goes through here: none may print key material.
      const leaked = leakedKeyMaterial(result) ?? options.secrets?.find((secret) => stdout.includes(secret) || stderr.includes(secret));
      if (leaked) reject(new Error(`aitoss ${args.join(' ')} printed private key material: ${leaked.slice(0, 12)}…`));
      else resolve(result);
    });
    // A run that ends before reading its input (most do) closes the pipe: not an error of the test.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A path inside the repository's fixtures. */
export function fixture(path: string): string {
  return `${ROOT}fixtures/${path}`;
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

let keyBodies: string[] | undefined;

/**
 * Every private key body in fixtures/, as base64 lines: none of them may ever appear in
 * any output. Lines are long enough (40+ chars) not to match by accident.
 */
export function fixtureKeyBodies(): string[] {
  if (keyBodies) return keyBodies;
  const bodies = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const text = readFileSync(path, 'latin1');
        for (const block of text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]*?)-----END/g)) {
          for (const line of (block[1] ?? '').split('\n')) if (/^[A-Za-z0-9+/=]{40,}$/.test(line.trim())) bodies.add(line.trim());
        }
        if (/key\.der$/.test(name)) bodies.add(readFileSync(path).toString('base64').slice(40, 104));
      }
    }
  };
  walk(`${ROOT}fixtures`);
  keyBodies = [...bodies];
  return keyBodies;
}

/** Fails when any fixture key body appears in a CLI result. */
export function leakedKeyMaterial(result: CliResult): string | undefined {
  const output = result.stdout + result.stderr;
  return fixtureKeyBodies().find((line) => output.includes(line));
}
