/**
 * Which key files sit inside a git work tree without being ignored (and so are one
 * `git add .` away from being pushed). One `git check-ignore` per work tree, and only
 * when a `.git` is found above a key file. When git cannot answer there (not installed,
 * a repository it refuses), the key file is reported as unknown, never as safe.
 *
 * The work tree is one the user merely inspects, perhaps unpacked from an archive: its
 * `.git/config` can name commands (git's gitsecurityboundary(7): "Git repository
 * configuration and hooks are not covered"). `check-ignore` reads the index, and with
 * `core.fsmonitor` set, reading the index runs that command. So git runs with
 * everything it could execute turned off (GIT_ARGS, gitEnvironment()).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Key files git would take, and those git could not answer for (with git's reason). */
export interface GitExposure {
  /** Inside a git work tree and not ignored. */
  unignored: Set<string>;
  /** Inside a git work tree, but git did not answer (not installed, refused the repository,
   * timed out): whether they are ignored is unknown, never assumed. */
  unknown: Map<string, string>;
}

export async function gitExposure(paths: readonly string[], cwd: string): Promise<GitExposure> {
  const exposure: GitExposure = { unignored: new Set(), unknown: new Map() };
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
    const result = spawnSync('git', ['-C', root, ...GIT_ARGS, 'check-ignore', '--stdin', '-z'], {
      input: `${absolute.join('\0')}\0`,
      encoding: 'utf8',
      env: gitEnvironment(process.env),
      timeout: GIT_TIMEOUT_MS,
    });
    // 0: some ignored, 1: none ignored; anything else: git could not say.
    const failure = gitFailure(result);
    if (failure !== undefined) {
      for (const file of files) exposure.unknown.set(file, failure);
      continue;
    }
    const ignored = new Set(result.stdout.split('\0').filter(Boolean).map((p) => resolve(root, p)));
    files.forEach((file, i) => {
      if (!ignored.has(absolute[i] as string)) exposure.unignored.add(file);
    });
  }
  return exposure;
}

const GIT_TIMEOUT_MS = 5000;

/** Why git gave no answer, in one line; undefined when it answered (exit 0 or 1). */
function gitFailure(result: { error?: Error; status: number | null; stderr: string }): string | undefined {
  const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'git is not installed';
  if (code === 'ETIMEDOUT') return `git did not answer within ${GIT_TIMEOUT_MS / 1000} s`;
  // A git that stops before reading its input (a repository it refuses) leaves us EPIPE;
  // its exit status and first line say why.
  const stoppedEarly = code === 'EPIPE' && result.status !== null && result.status > 1;
  if (result.error && !stoppedEarly) return `git could not be run (${code ?? result.error.message})`;
  if (result.status === 0 || result.status === 1) return undefined;
  // git's first line says why (e.g. "fatal: detected dubious ownership in repository at ...").
  const first = (result.stderr ?? '').split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  const said = first.length > 200 ? `${first.slice(0, 200)}…` : first;
  return said ? `git: ${said}` : `git exited ${result.status ?? 'on a signal'}`;
}

/**
 * Settings given on git's command line win over every configuration file, the
 * repository's included. Each turns off something a repository's configuration could
 * make git run, or write:
 * - core.fsmonitor: the command git runs to ask which files changed, on reading the
 *   index (check-ignore does); core.useBuiltinFSMonitor is its older name (git < 2.36).
 * - core.hooksPath: no hook runs for check-ignore, but should a later git run one, there
 *   is none to run.
 * - core.pager, core.sshCommand, core.askPass, credential.helper, protocol.allow,
 *   diff.external: commands git would start for a pager, a remote, a password, a diff;
 *   none belongs in check-ignore, and none can be reached through it.
 * - core.untrackedCache: the cache is a performance aid whose refresh writes the index.
 * safe.directory is left as git has it: a work tree owned by another user is refused by
 * git (exit 128): the key file is then reported as unknown (key-in-git-unknown), rather
 * than trusting that repository or assuming the key is ignored.
 */
export const GIT_ARGS: readonly string[] = [
  '--no-pager',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.useBuiltinFSMonitor=false',
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.pager=cat',
  '-c', 'core.sshCommand=false',
  '-c', 'core.askPass=',
  '-c', 'credential.helper=',
  '-c', 'protocol.allow=never',
  '-c', 'diff.external=',
  '-c', 'core.untrackedCache=false',
];

/**
 * git's environment: the caller's, less every GIT_* variable (GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE would point git at another repository than the one found;
 * GIT_CONFIG_PARAMETERS and GIT_CONFIG_COUNT add settings; the variables that choose the
 * user's own and the system's configuration files stay), plus the ones that keep git
 * from writing (GIT_OPTIONAL_LOCKS=0: no index refresh written back) and from asking
 * (GIT_TERMINAL_PROMPT=0). The user's global configuration and the system's stay: their
 * core.excludesFile decides what the user's `git add .` would take.
 */
const USER_CONFIG_CHOICES = new Set(['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_NOSYSTEM']);

export function gitEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (!name.startsWith('GIT_') || USER_CONFIG_CHOICES.has(name)) clean[name] = value;
  return { ...clean, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
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
