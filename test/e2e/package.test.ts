/**
 * The published package: `npm pack` holds only the built files, bin/, README and
 * LICENSE, and installed into an empty folder it runs on its own (everything the CLI
 * needs is bundled, so the install needs no network).
 * `--ignore-scripts`: global-setup built dist/ already; rebuilding here would pull it
 * from under end-to-end tests running in parallel.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, fixture, PIN, ROOT } from './helpers.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const version = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version as string;
let installDir = '';
let files: string[] = [];

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'aitoss-pack-'));
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed[0]!.files.map((f) => f.path).sort();
  installDir = mkdtempSync(join(tmpdir(), 'aitoss-install-'));
  execFileSync(npm, ['init', '-y'], { cwd: installDir, stdio: 'ignore' });
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', join(packDir, packed[0]!.filename)], { cwd: installDir, stdio: 'ignore' });
}, 120_000);

describe('npm pack', () => {
  it('holds only the built files, bin/, README, LICENSE and package.json', () => {
    expect(files).toContain('bin/aitoss.cjs');
    expect(files).toContain('dist/cli.cjs');
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    const outside = files.filter((f) => !/^(dist\/|bin\/)/.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f));
    expect(outside).toEqual([]);
  });

  it('installs into an empty folder and runs from there', () => {
    const bin = join(installDir, 'node_modules', '.bin', 'aitoss');
    const run = (args: string[]) => spawnSync(bin, args, { cwd: installDir, env: cleanEnv(), encoding: 'utf8' });
    const versionRun = run(['--version']);
    expect(versionRun.status).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);
    const inspect = run(['cert', 'inspect', fixture('pairs/rsa-pkcs8.crt'), fixture('pairs/rsa-pkcs8.key'), '--at', PIN, '--json']);
    expect(inspect.stderr).toBe('');
    expect(inspect.status).toBe(0);
    expect(JSON.parse(inspect.stdout).certificates[0]).toMatchObject({ level: 'ok', keyMatch: true, daysRemaining: 207 });
  });
});
