/**
 * Loading every certificate and key the user named, decrypting keys with a passphrase
 * from the environment or a terminal prompt. Shared by inspect, check and ping.
 */
import type { CertificateFile, ExplicitPair } from '../core/pairing.js';
import { readSourceContents, type SourceContents } from '../core/credentials.js';
import { inputError, usageError } from '../core/errors.js';
import { loadPrivateKey, type LoadedKey } from '../core/private-key.js';
import { unignoredInGit } from './git-exposure.js';
import { readPathArgument, readSingleSource, type RawSource, type SourceIO } from './read-source.js';

export interface CredentialRequest {
  paths: readonly string[];
  cert?: string;
  key?: string;
  /** Name of the environment variable holding the key passphrase. */
  passphraseEnv?: string;
}

export interface CredentialIO extends SourceIO {
  /** The working directory relative paths are read from (default: the process's). */
  cwd?: string;
  /** Ask for a secret on the terminal; undefined when there is no terminal to ask on. */
  promptSecret?: (question: string) => Promise<string> | undefined;
}

export interface Credentials {
  certificateFiles: CertificateFile[];
  keys: LoadedKey[];
  explicit: ExplicitPair[];
  /** Sources read, in order, for messages. */
  sources: SourceContents[];
}

export const PASSPHRASE_ENV = 'AITOSS_KEY_PASSPHRASE';

export async function loadCredentials(request: CredentialRequest, io: CredentialIO): Promise<Credentials> {
  const specs = [...request.paths, request.cert, request.key].filter((s): s is string => s !== undefined);
  if (specs.filter((s) => s === '-').length > 1) throw usageError('stdin (-) can be read only once');

  const pathSources: Array<{ path: string; raws: RawSource[] }> = [];
  for (const path of request.paths) pathSources.push({ path, raws: await readPathArgument(path, io) });
  const certRaw = request.cert === undefined ? undefined : await readSingleSource(request.cert, io, '--cert');
  const keyRaw = request.key === undefined ? undefined : await readSingleSource(request.key, io, '--key');

  const seen = new Set<string>();
  const sources: SourceContents[] = [];
  const contentsOf = (source: RawSource): SourceContents | undefined => {
    if (seen.has(source.name)) return sources.find((s) => s.source === source.name);
    seen.add(source.name);
    const contents = readSourceContents(source.bytes, source.name);
    if (contents === undefined) {
      if (source.fromDirectory) return undefined;
      throw inputError(source.name, 'is not a certificate or private key (expected PEM, DER, or base64 of either)');
    }
    sources.push(contents);
    return contents;
  };

  for (const { path, raws } of pathSources) {
    const found = raws.map(contentsOf).filter(Boolean);
    if (found.length === 0 && raws.every((r) => r.fromDirectory)) {
      throw inputError(path, 'no certificate or private key found in this directory');
    }
  }
  if (certRaw) {
    const contents = contentsOf(certRaw);
    if (!contents || contents.certificates.length === 0) {
      throw inputError(certRaw.name, 'holds no certificate (given as --cert)', 'pass the certificate file to --cert and the key to --key');
    }
  }
  if (keyRaw) {
    const contents = contentsOf(keyRaw);
    if (!contents || contents.keys.length === 0) {
      throw inputError(keyRaw.name, 'holds no private key (given as --key)', 'pass the private key file to --key');
    }
  }

  const keys: LoadedKey[] = [];
  let passphrase = resolvePassphrase(request, io);
  for (const block of sources.flatMap((s) => s.keys)) {
    if (block.encrypted && passphrase === undefined) {
      const answer = io.promptSecret?.(`Passphrase for ${block.source}: `);
      if (answer) passphrase = await answer;
    }
    keys.push(loadPrivateKey(block, passphrase));
  }
  await describeKeyFiles(keys, [...pathSources.flatMap((p) => p.raws), certRaw, keyRaw], io.cwd ?? process.cwd());

  return {
    certificateFiles: sources
      .filter((s) => s.certificates.length > 0)
      .map((s) => ({ source: s.source, certificates: s.certificates })),
    keys,
    explicit: certRaw && keyRaw ? [{ certSource: certRaw.name, keySource: keyRaw.name }] : [],
    sources,
  };
}

/** Record each key file's permission bits and whether git would pick it up. */
async function describeKeyFiles(keys: LoadedKey[], raws: Array<RawSource | undefined>, cwd: string): Promise<void> {
  const modes = new Map(raws.filter((r) => r?.mode !== undefined).map((r) => [r!.name, r!.mode!]));
  const fileKeys = keys.filter((k) => modes.has(k.source));
  if (fileKeys.length === 0) return;
  const exposed = await unignoredInGit([...new Set(fileKeys.map((k) => k.source))], cwd);
  for (const key of fileKeys) key.file = { mode: modes.get(key.source)!, unignoredInGit: exposed.has(key.source) };
}

export function resolvePassphrase(request: Pick<CredentialRequest, 'passphraseEnv'>, io: Pick<SourceIO, 'env'>): string | undefined {
  if (request.passphraseEnv !== undefined) {
    const value = io.env[request.passphraseEnv];
    if (value === undefined) {
      throw usageError(`--passphrase-env ${request.passphraseEnv}: the environment variable is not set`, 'export it or drop the option');
    }
    return value;
  }
  const value = io.env[PASSPHRASE_ENV];
  return value === undefined || value === '' ? undefined : value;
}

