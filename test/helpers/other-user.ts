/**
 * Running the built CLI as another user: the tests of what one user must not be able to
 * do to another (a planted configuration file, a directory one cannot read) need a
 * second user, and only root can become one. As root the CLI runs as OTHER_UID (65534,
 * "nobody" on most systems), a uid the test sets with spawn's uid/gid options.
 *
 * That user may not be able to read the checkout (CI also runs the suite from a private,
 * mode 0700 directory, with Node 22 and 24 installed inside it): the CLI then runs from
 * a copy of bin/, dist/ and package.json, and of the node binary when that user cannot
 * run it where it is, in a directory every user can read (mode 0755, under the system's
 * temporary directory). The copy is made once per test file.
 *
 * Not root: these tests cannot run, and they fail (requireRoot) rather than pass without
 * having tried: run the suite as root (CI does), e.g. in a container.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, linkSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const OTHER_UID = 65534;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Fails the test when it is not running as root: what it tests needs a second user. */
export function requireRoot(what: string): void {
  if (!isRoot()) {
    throw new Error(`${what}: this test needs a second user, which only root can become (spawn's uid option); run the suite as root, as CI does`);
  }
}

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) {
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A new directory (mode 0755) that OTHER_UID can enter, under /tmp rather than the
 * test's own temporary directory (mode 0700); removed when the test process ends.
 */
export function sharedTempDir(prefix = 'aitoss-shared-'): string {
  const dir = mkdtempSync(join('/tmp', prefix));
  chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}

let copy: { node: string; bin: string } | undefined;

/**
 * The node binary and bin/aitoss.cjs, both usable by OTHER_UID.
 */
export function cliForOtherUser(): { node: string; bin: string } {
  if (copy) return copy;
  const dir = sharedTempDir('aitoss-cli-copy-');
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  let node = process.execPath;
  if (!runsAsOtherUser(node)) {
    node = join(dir, 'node');
    try {
      linkSync(realpathSync(process.execPath), node);
    } catch {
      copyFileSync(realpathSync(process.execPath), node);
    }
    chmodSync(node, 0o755);
  }
  // Everything in the copy readable by all: the build writes with the umask, which may be 077.
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  copy = { node, bin: join(dir, 'bin', 'aitoss.cjs') };
  if (!runsAsOtherUser(copy.node, [copy.bin, '--version'])) {
    throw new Error(`uid ${OTHER_UID} cannot run ${copy.node} ${copy.bin}: the other-user tests cannot run here`);
  }
  return copy;
}

function runsAsOtherUser(node: string, args: string[] = ['-e', '0']): boolean {
  const result = spawnSync(node, args, { uid: OTHER_UID, gid: OTHER_UID, cwd: '/', stdio: 'ignore', timeout: 15_000 });
  return result.status === 0;
}
