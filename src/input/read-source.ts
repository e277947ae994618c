/*
 * File system calls are synchronous on purpose: a CLI reading a folder of small files
 * spends more time in thread-pool round trips than in reading (measured: 1,000 pairs).
 */
/**
 * Reading what the user named: a file, a directory (one level, or every level with
 * --recursive), `-` (stdin) or `env:NAME`, or a SRC that holds the certificate or key
 * itself. This is the I/O edge of credential loading; the decoding is in core.
 *
 * In a directory, a file that cannot be read (too large, unreadable, a broken link, a
 * FIFO) is skipped with its reason; a file named directly is an error.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { AitossError, fileProblem, inputError, isAitossError } from '../core/errors.js';
import { isShowablePath, looksLikeContent, originLabel, sourceLabel, type SrcOrigin } from './src-value.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

/** Folders never read with --recursive: version control and dependency trees. */
const NEVER_WALKED = new Set(['node_modules']);

export interface RawSource {
  /** How the source is named in reports: the path as given, `stdin`, `env:NAME`, or where content came from (`--key`). */
  name: string;
  /** How the source is named in error messages: `--ca nope.pem`, `AITOSS_KEY (environment)`, a PATH as given. */
  label: string;
  bytes: Buffer;
  /** Read as part of a directory: unusable files there are skipped, not errors. */
  fromDirectory: boolean;
  /** Permission bits of a file source (absent for stdin, env: and content). */
  mode?: number;
}

/** A file of a folder that was not used, and why. */
export interface SkippedSource {
  source: string;
  /** Stable code, e.g. `too-large`, `csr`, `pkcs12`, `encrypted-key`, `not-certificate-or-key`. */
  code: string;
  /** The reason in words. */
  reason: string;
}

export interface PathContents {
  sources: RawSource[];
  skipped: SkippedSource[];
  /** Subfolders not read (without --recursive). */
  unreadFolders: number;
}

export interface SourceIO {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
}

export interface ReadOptions {
  /** Read subfolders too (hidden ones and node_modules excepted). */
  recursive?: boolean;
}

/** Expand a positional PATH (file, directory, `-`, `env:NAME`, or content) into raw sources. */
export async function readPathArgument(path: string, io: SourceIO, options: ReadOptions = {}): Promise<PathContents> {
  const from: SrcOrigin = { setting: 'path', origin: 'argument' };
  const one = (source: RawSource): PathContents => ({ sources: [source], skipped: [], unreadFolders: 0 });
  if (path === '-') return one(await readStdinSource(io.stdin));
  if (path.startsWith('env:')) return one(readEnv(path, io.env, from));
  if (looksLikeContent(path)) return one(contentSource(path, from));
  const label = sourceLabel(path, from);
  const info = statOrThrow(path, label);
  if (info.isDirectory()) return readDirectory(path, label, options.recursive === true);
  return one({ name: label, label, bytes: readFileChecked(path, info, label), fromDirectory: false, mode: info.mode & 0o777 });
}

/**
 * Read a SRC of `--cert`/`--key`/`--ca`, AITOSS_CERT/AITOSS_KEY or a configuration file:
 * a path, `-`, `env:NAME`, or the certificate or key itself. Directories are refused.
 * `from` says where the value came from (a bare string is a flag: `--ca`).
 */
export async function readSingleSource(spec: string, io: SourceIO, from: SrcOrigin | string): Promise<RawSource> {
  const origin: SrcOrigin = typeof from === 'string' ? { setting: from.replace(/^--/, '') as SrcOrigin['setting'], origin: 'flag', option: from } : from;
  if (spec === '-') return readStdinSource(io.stdin);
  if (spec.startsWith('env:')) return readEnv(spec, io.env, origin);
  if (looksLikeContent(spec)) return contentSource(spec, origin);
  const label = sourceLabel(spec, origin);
  const name = isShowablePath(spec) ? spec : label;
  const info = statOrThrow(spec, label);
  if (info.isDirectory()) {
    const option = origin.origin === 'flag' ? `--${origin.setting}` : `the ${origin.setting} setting`;
    throw inputError(label, `is a directory; ${option} takes one file`, 'name the file (cert inspect and cert check also take a directory as PATH)');
  }
  return { name, label, bytes: readFileChecked(spec, info, label), fromDirectory: false, mode: info.mode & 0o777 };
}

/** The certificate or key given where a path was expected: read as it is, named by where it came from. */
function contentSource(value: string, from: SrcOrigin): RawSource {
  const label = originLabel(from);
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > MAX_INPUT_BYTES) throw tooLarge(label);
  return { name: label, label, bytes, fromDirectory: false };
}

function readDirectory(root: string, rootLabel: string, recursive: boolean): PathContents {
  const contents: PathContents = { sources: [], skipped: [], unreadFolders: 0 };
  // Folders already read, by device and inode: a symlink loop is walked once.
  const walked = new Set<string>();
  const skip = (source: string, error: AitossError) => contents.skipped.push({ source, code: error.code ?? 'unreadable', reason: error.message });

  const walk = (dir: string, info: Stats, isRoot: boolean) => {
    const id = `${info.dev}:${info.ino}`;
    if (walked.has(id)) return;
    walked.add(id);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      if (isRoot) throw fsError(rootLabel, error);
      return skip(dir, fsError(dir, error));
    }
    for (const name of names.sort()) {
      // Hidden entries (.git, .ssh, editor backups) are not the user's certificates.
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      let entry: Stats;
      try {
        entry = statSync(path);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ENOENT' || code === 'ELOOP') {
          skip(path, fileProblem('broken-link', path, 'a symbolic link whose target does not exist or loops'));
        } else skip(path, fsError(path, error));
        continue;
      }
      if (entry.isDirectory()) {
        if (!recursive) contents.unreadFolders++;
        else if (!NEVER_WALKED.has(name)) walk(path, entry, false);
        continue;
      }
      try {
        contents.sources.push({ name: path, label: path, bytes: readFileChecked(path, entry, path), fromDirectory: true, mode: entry.mode & 0o777 });
      } catch (error) {
        if (!isAitossError(error)) throw error;
        skip(path, error);
      }
    }
  };
  walk(root, statOrThrow(root, rootLabel), true);
  return contents;
}

function statOrThrow(path: string, label: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const problem = fsError(label, error, isShowablePath(path));
    if (isShowablePath(path)) throw problem;
    // Neither a file nor content we recognise: say so without a byte of the value.
    throw fileProblem(problem.code ?? 'unreadable', label, `names no readable file (${problem.message}) and is not a certificate or key either; the value is not shown`, 'pass a file path, - for stdin, or env:NAME');
  }
}

function readFileChecked(path: string, info: { isFile(): boolean; size: number }, label: string): Buffer {
  // FIFOs, sockets and devices: reading one could block forever.
  if (!info.isFile()) throw fileProblem('not-a-file', label, 'is not a regular file', 'name a certificate or key file');
  if (info.size > MAX_INPUT_BYTES) throw tooLarge(label);
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_INPUT_BYTES) throw tooLarge(label);
    return bytes;
  } catch (error) {
    throw fsError(label, error, isShowablePath(path));
  }
}

function readEnv(spec: string, env: NodeJS.ProcessEnv, from: SrcOrigin): RawSource {
  const name = spec.slice(4);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw inputError(isShowablePath(spec) ? spec : originLabel(from), 'is not a valid environment variable name');
  }
  // A name that reads as key material (a key pasted after env:) is not repeated either.
  const shown = isShowablePath(name);
  const label = shown ? spec : originLabel(from);
  const variable = shown ? `the environment variable ${name}` : 'the environment variable it names (the name is not shown: it reads as key material)';
  const value = env[name];
  if (value === undefined) throw inputError(label, `${variable} is not set`);
  if (value.trim() === '') throw inputError(label, `${variable} is empty`);
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > MAX_INPUT_BYTES) throw tooLarge(label);
  return { name: label, label, bytes, fromDirectory: false };
}

async function readStdinSource(stdin: NodeJS.ReadableStream): Promise<RawSource> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > MAX_INPUT_BYTES) throw tooLarge('stdin');
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.toString('utf8').trim() === '') {
    throw fileProblem('empty', 'stdin', 'is empty: nothing was piped in', 'pipe the certificate or key in (aitoss cert inspect - < app.crt), or name the file');
  }
  return { name: 'stdin', label: 'stdin', bytes, fromDirectory: false };
}

function tooLarge(source: string) {
  return fileProblem('too-large', source, 'is larger than 1 MiB, too large for a certificate or key', 'name the certificate or key file itself');
}

/**
 * An fs error in words, naming `label`. The cause (whose message repeats the path) is
 * kept for DEBUG only when the path may be shown.
 */
function fsError(label: string, error: unknown, causeShowable = true) {
  if (isAitossError(error)) return error;
  const code = (error as { code?: string }).code;
  const cause = causeShowable ? error : undefined;
  switch (code) {
    case 'ENOENT':
      return fileProblem('broken-link', label, 'no such file or directory', undefined, cause);
    case 'EACCES':
    case 'EPERM':
      return fileProblem('unreadable', label, 'permission denied', 'check the file permissions', cause);
    case 'ELOOP':
      return fileProblem('broken-link', label, 'too many levels of symbolic links (a symlink loop)', undefined, cause);
    case 'ENOTDIR':
      return fileProblem('unreadable', label, 'a part of the path is not a directory', undefined, cause);
    case 'ENAMETOOLONG':
      return fileProblem('unreadable', label, 'the file name is too long', undefined, cause);
    case 'EISDIR':
      return fileProblem('unreadable', label, 'is a directory', undefined, cause);
    default:
      return fileProblem('unreadable', label, `cannot be read (${code ?? 'unknown error'})`, undefined, cause);
  }
}
