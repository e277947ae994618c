/**
 * Which key files sit inside a git work tree without being ignored (and so are one
 * `git add .` away from being pushed). One `git check-ignore` per work tree, and only
 * when a `.git` is found above a key file; without git, nothing is reported.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export async function unignoredInGit(paths: readonly string[], cwd: string): Promise<Set<string>> {
  const exposed = new Set<string>();
  const roots = new Map<string, string[]>();
  const rootOf = new Map<string, string | null>();
  for (const path of paths) {
    const root = workTreeOf(dirname(resolve(cwd, path)), rootOf);
    if (root === null) continue;
    const list = roots.get(root);
    if (list) list.push(path);
    else roots.set(root, [path]);
  }
  for (const [root, files] of roots) {
    const absolute = files.map((f) => resolve(cwd, f));
    // Loaded on first use: child_process costs ~8 ms of startup, and most runs find no .git.
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync('git', ['-C', root, 'check-ignore', '--stdin', '-z'], {
      input: `${absolute.join('\0')}\0`,
      encoding: 'utf8',
      timeout: 5000,
    });
    // 0: some ignored, 1: none ignored; anything else (no git, not a repo): say nothing.
    if (result.error || (result.status !== 0 && result.status !== 1)) continue;
    const ignored = new Set(result.stdout.split('\0').filter(Boolean).map((p) => resolve(root, p)));
    files.forEach((file, i) => {
      if (!ignored.has(absolute[i] as string)) exposed.add(file);
    });
  }
  return exposed;
}

function workTreeOf(dir: string, cache: Map<string, string | null>): string | null {
  const seen: string[] = [];
  let current = dir;
  let root: string | null = null;
  for (;;) {
    const cached = cache.get(current);
    if (cached !== undefined) {
      root = cached;
      break;
    }
    seen.push(current);
    if (existsSync(`${current}/.git`)) {
      root = current;
      break;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of seen) cache.set(d, root);
  return root;
}
