/*
 * File system calls are synchronous on purpose: a CLI reading a folder of small files
 * spends more time in thread-pool round trips than in reading (measured: 1,000 pairs).
 */
/**
 * Reading what the user named: a file, a directory (not recursive), `-` (stdin) or
 * `env:NAME`. This is the I/O edge of credential loading; the decoding is in core.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../core/errors.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

export interface RawSource {
  /** How the source is named in messages and output: the path as given, `stdin`, `env:NAME`. */
  name: string;
  bytes: Buffer;
  /** Read as part of a directory: unrecognised files there are skipped, not errors. */
  fromDirectory: boolean;
  /** Permission bits of a file source (absent for stdin and env:). */
  mode?: number;
}

export interface SourceIO {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
}

/** Expand a positional PATH (file, directory or `-`) into raw sources. */
export async function readPathArgument(path: string, io: SourceIO): Promise<RawSource[]> {
  if (path === '-') return [{ name: 'stdin', bytes: await readStdin(io.stdin), fromDirectory: false }];
  if (path.startsWith('env:')) return [await readEnv(path.slice(4), io.env)];
  const info = await statOrThrow(path);
  if (info.isDirectory()) return readDirectory(path);
  return [{ name: path, bytes: await readFileChecked(path, info), fromDirectory: false, mode: info.mode & 0o777 }];
}

/** Read a SRC of `--cert`/`--key`/config: a path, `-` or `env:NAME`. Directories are refused. */
export async function readSingleSource(spec: string, io: SourceIO, option: string): Promise<RawSource> {
  if (spec === '-') return { name: 'stdin', bytes: await readStdin(io.stdin), fromDirectory: false };
  if (spec.startsWith('env:')) return readEnv(spec.slice(4), io.env);
  const info = await statOrThrow(spec);
  if (info.isDirectory()) {
    throw inputError(spec, `is a directory; ${option} takes one file`, 'name the file (cert inspect and cert check also take a directory as PATH)');
  }
  return { name: spec, bytes: await readFileChecked(spec, info), fromDirectory: false, mode: info.mode & 0o777 };
}

async function readDirectory(dir: string): Promise<RawSource[]> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw fsError(dir, error);
  }
  const sources: RawSource[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let info;
    try {
      info = statSync(path);
    } catch (error) {
      // A dangling or looping symlink in a download folder is not a certificate: skip it.
      const code = (error as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ELOOP') continue;
      throw fsError(path, error);
    }
    // FIFOs, sockets and devices are skipped: reading one could block forever.
    if (!info.isFile()) continue;
    sources.push({ name: path, bytes: await readFileChecked(path, info), fromDirectory: true, mode: info.mode & 0o777 });
  }
  return sources;
}

async function statOrThrow(path: string): Promise<Stats> {
  try {
    return statSync(path);
  } catch (error) {
    throw fsError(path, error);
  }
}

async function readFileChecked(path: string, info: { isFile(): boolean; size: number }): Promise<Buffer> {
  if (!info.isFile()) throw inputError(path, 'is not a regular file', 'name a certificate or key file');
  if (info.size > MAX_INPUT_BYTES) throw tooLarge(path);
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_INPUT_BYTES) throw tooLarge(path);
    return bytes;
  } catch (error) {
    throw fsError(path, error);
  }
}

function readEnv(name: string, env: NodeJS.ProcessEnv): RawSource {
  const source = `env:${name}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw inputError(source, 'is not a valid environment variable name');
  const value = env[name];
  if (value === undefined) throw inputError(source, `the environment variable ${name} is not set`);
  if (value.trim() === '') throw inputError(source, `the environment variable ${name} is empty`);
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > MAX_INPUT_BYTES) throw tooLarge(source);
  return { name: source, bytes, fromDirectory: false };
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > MAX_INPUT_BYTES) throw tooLarge('stdin');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(source: string) {
  return inputError(source, 'is larger than 1 MiB, too large for a certificate or key', 'name the certificate or key file itself');
}

function fsError(path: string, error: unknown) {
  if (error instanceof Error && error.name === 'AitossError') return error;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return inputError(path, 'no such file or directory', undefined, error);
    case 'EACCES':
    case 'EPERM':
      return inputError(path, 'permission denied', 'check the file permissions', error);
    case 'ELOOP':
      return inputError(path, 'too many levels of symbolic links (a symlink loop)', undefined, error);
    case 'ENOTDIR':
      return inputError(path, 'a part of the path is not a directory', undefined, error);
    case 'EISDIR':
      return inputError(path, 'is a directory', undefined, error);
    default:
      return inputError(path, `cannot be read (${code ?? (error as Error).message})`, undefined, error);
  }
}
