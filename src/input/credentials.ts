/**
 * Loading every certificate and key the user named, decrypting keys with a passphrase
 * from the environment or a terminal prompt. Shared by inspect, check and ping.
 *
 * A file named directly (a PATH, --cert, --key) that is not a usable certificate or key
 * is an error; a file found in a folder is skipped with its reason, and the rest of the
 * folder is reported.
 */
import type { CertificateFile, ExplicitPair } from '../core/pairing.js';
import { readSourceContents, type SourceContents } from '../core/credentials.js';
import { escapeControlCharacters, fileProblem, inputError, isAitossError, usageError, type AitossError } from '../core/errors.js';
import { checkKeyDerivation, loadPrivateKey, type KeyBlock, type LoadedKey } from '../core/private-key.js';
import { gitExposure } from './git-exposure.js';
import { readPathArgument, readSingleSource, type RawSource, type SkippedSource, type SourceIO } from './read-source.js';
import { isShowablePath, shownFile } from './src-value.js';

export type { SkippedSource } from './read-source.js';

export interface CredentialRequest {
  paths: readonly string[];
  cert?: string;
  key?: string;
  /** Where `cert` and `key` came from: `flag` (the default), `env:NAME`, or a configuration file's path. */
  certFrom?: string;
  keyFrom?: string;
  /** Name of the environment variable holding the key passphrase. */
  passphraseEnv?: string;
  /** Where passphraseEnv was named: `flag` (the default) or a configuration file's path. */
  passphraseFrom?: string;
  /** Read the subfolders of directories too. */
  recursive?: boolean;
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
  /** Files of folders that were not used, with why. */
  skipped: SkippedSource[];
}

export const PASSPHRASE_ENV = 'AITOSS_KEY_PASSPHRASE';
/** Tries at the passphrase prompt, as ssh gives. */
export const PROMPT_TRIES = 3;

export async function loadCredentials(request: CredentialRequest, io: CredentialIO): Promise<Credentials> {
  const specs = [...request.paths, request.cert, request.key].filter((s): s is string => s !== undefined);
  if (specs.filter((s) => s === '-').length > 1) throw usageError('stdin (-) can be read only once');
  const cwd = io.cwd ?? process.cwd();

  const skipped: SkippedSource[] = [];
  const pathSources: Array<{ path: string; raws: RawSource[]; unreadFolders: number }> = [];
  for (const path of request.paths) {
    const read = await readPathArgument(path, io, { recursive: request.recursive });
    skipped.push(...read.skipped);
    pathSources.push({ path, raws: read.sources, unreadFolders: read.unreadFolders });
  }
  const certRaw = request.cert === undefined ? undefined : await readSingleSource(request.cert, io, { setting: 'cert', origin: request.certFrom ?? 'flag', cwd });
  const keyRaw = request.key === undefined ? undefined : await readSingleSource(request.key, io, { setting: 'key', origin: request.keyFrom ?? 'flag', cwd });

  // Errors name a file directly given by its label (`--key app.key`, `AITOSS_CERT (environment)`).
  const labels = new Map<string, string>();
  const inFolders = new Set<string>();
  for (const raw of [...pathSources.flatMap((p) => p.raws), certRaw, keyRaw]) {
    if (!raw) continue;
    if (raw.fromDirectory) inFolders.add(raw.name);
    else if (raw.label !== raw.name) labels.set(raw.name, raw.label);
  }
  const relabel = (error: unknown) => {
    if (!isAitossError(error) || error.source === undefined) return error;
    const label = labels.get(error.source.replace(/ \(block \d+\)$/, ''));
    return label === undefined ? error : error.withSource(error.source.replace(/^.*?(?= \(block \d+\)$|$)/, label));
  };
  const skip = (source: string, error: AitossError) => skipped.push({ source, code: error.code ?? 'unusable', reason: error.message });

  const seen = new Set<string>();
  const sources: SourceContents[] = [];
  const contentsOf = (source: RawSource): SourceContents | undefined => {
    if (seen.has(source.name)) return sources.find((s) => s.source === source.name);
    seen.add(source.name);
    let contents: SourceContents | undefined;
    try {
      contents = readSourceContents(source.bytes, source.name, source.mode === undefined ? undefined : source.name);
      if (contents === undefined) {
        throw fileProblem('not-certificate-or-key', source.name, 'is not a certificate or private key (expected PEM, DER, or base64 of either)');
      }
    } catch (error) {
      if (source.fromDirectory && isAitossError(error)) return void skip(source.name, error);
      throw relabel(error);
    }
    sources.push(contents);
    return contents;
  };

  for (const { path, raws, unreadFolders } of pathSources) {
    const found = raws.map(contentsOf).filter(Boolean);
    if (found.length === 0 && raws.every((r) => r.fromDirectory)) {
      const subfolders =
        unreadFolders > 0 && !request.recursive
          ? `; ${unreadFolders === 1 ? '1 subfolder was' : `${unreadFolders} subfolders were`} not read`
          : '';
      const skippedCount = skipped.filter((s) => s.source.startsWith(path)).length;
      const skippedHere = skippedCount > 0 ? ` (${skippedCount} ${skippedCount === 1 ? 'file' : 'files'} skipped)` : '';
      throw inputError(path, `no certificate or private key found in this directory${skippedHere}${subfolders}`, subfolders ? 'add -r to read subfolders' : undefined);
    }
  }
  if (certRaw) {
    const contents = contentsOf(certRaw);
    if (!contents || contents.certificates.length === 0) {
      throw inputError(certRaw.label, 'holds no certificate', 'pass the certificate file to --cert and the key to --key');
    }
  }
  if (keyRaw) {
    const contents = contentsOf(keyRaw);
    if (!contents || contents.keys.length === 0) {
      throw inputError(keyRaw.label, 'holds no private key', 'pass the private key file to --key');
    }
  }

  const passphrases = new Passphrases(request, io);
  const keys: LoadedKey[] = [];
  for (const block of sources.flatMap((s) => s.keys)) {
    try {
      keys.push(await passphrases.load(block, labels.get(block.source) ?? block.source));
    } catch (error) {
      if (inFolders.has(block.source) && isAitossError(error) && error.code !== undefined) skip(block.source, error);
      else throw relabel(error);
    }
  }
  await describeKeyFiles(keys, [...pathSources.flatMap((p) => p.raws), certRaw, keyRaw], cwd);

  return {
    certificateFiles: sources
      .filter((s) => s.certificates.length > 0)
      .map((s) => ({ source: s.source, certificates: s.certificates })),
    keys,
    explicit: certRaw && keyRaw ? [{ certSource: certRaw.name, keySource: keyRaw.name }] : [],
    sources,
    // In file order, whichever step (reading, decoding, decrypting) turned the file down.
    skipped: skipped.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)),
  };
}

/**
 * The passphrase of encrypted keys: from the environment, or typed at the terminal. A
 * typed one that does not decrypt is asked again, up to PROMPT_TRIES times per key.
 */
class Passphrases {
  private value: string | undefined;
  private typed = false;
  private readonly fromEnv: { name: string; where: string } | undefined;

  constructor(
    private readonly request: CredentialRequest,
    private readonly io: CredentialIO,
  ) {
    this.value = resolvePassphrase(request, io);
    if (this.value !== undefined) {
      const name = request.passphraseEnv ?? PASSPHRASE_ENV;
      const from = request.passphraseEnv === undefined ? undefined : (request.passphraseFrom ?? 'flag');
      const where = from === undefined ? '' : from === 'flag' ? ' (--passphrase-env)' : ` (passphraseEnv in ${shownFile(from, io.cwd)})`;
      this.fromEnv = { name, where };
    }
  }

  async load(block: KeyBlock, label: string): Promise<LoadedKey> {
    if (!block.encrypted) return loadPrivateKey(block);
    // Before asking: a key that would take minutes to decrypt is refused first.
    checkKeyDerivation(block);
    const shown = escapeControlCharacters(label);
    if (this.value === undefined) await this.ask(`Passphrase for ${shown}: `);
    for (let tries = 1; ; tries++) {
      try {
        return loadPrivateKey(block, this.value);
      } catch (error) {
        if (!isAitossError(error) || (error.code !== 'wrong-passphrase' && error.code !== 'encrypted-key')) throw error;
        if (error.code === 'encrypted-key' && !this.typed) throw error;
        if (this.typed && tries < PROMPT_TRIES && (await this.ask(`Wrong passphrase, try again (${tries + 1} of ${PROMPT_TRIES}). Passphrase for ${shown}: `))) continue;
        throw this.wrong(block, error, tries);
      }
    }
  }

  /** Ask on the terminal; false when there is none. */
  private async ask(question: string): Promise<boolean> {
    const answer = this.io.promptSecret?.(question);
    if (answer === undefined) return false;
    this.value = await answer;
    this.typed = true;
    return true;
  }

  private wrong(block: KeyBlock, error: AitossError, tries: number): AitossError {
    if (this.typed) {
      return fileProblem('wrong-passphrase', block.source, `wrong passphrase for the encrypted private key (${tries} ${tries === 1 ? 'try' : 'tries'} at the prompt)`, 'type the passphrase the key was encrypted with', error.cause);
    }
    const env = this.fromEnv ?? { name: PASSPHRASE_ENV, where: '' };
    return fileProblem(
      'wrong-passphrase',
      block.source,
      `the passphrase in ${env.name}${env.where} does not decrypt the private key`,
      `check the value of ${env.name}${this.request.passphraseEnv === undefined ? ' (unset it to be asked on a terminal)' : ''}`,
      error.cause,
    );
  }
}

/** Record each key file's permission bits and whether git would pick it up. */
async function describeKeyFiles(keys: LoadedKey[], raws: Array<RawSource | undefined>, cwd: string): Promise<void> {
  const modes = new Map(raws.filter((r) => r?.mode !== undefined).map((r) => [r!.name, r!.mode!]));
  const fileKeys = keys.filter((k) => modes.has(k.source));
  if (fileKeys.length === 0) return;
  const git = await gitExposure([...new Set(fileKeys.map((k) => k.source))], cwd);
  for (const key of fileKeys) {
    const unknown = git.unknown.get(key.source);
    key.file = { mode: modes.get(key.source)!, unignoredInGit: unknown !== undefined ? null : git.unignored.has(key.source), ...(unknown !== undefined && { gitUnknown: unknown }) };
  }
}

export function resolvePassphrase(request: Pick<CredentialRequest, 'passphraseEnv'>, io: Pick<SourceIO, 'env'>): string | undefined {
  if (request.passphraseEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(request.passphraseEnv)) {
      // Never the passphrase itself (or a key) pasted where the variable's name was expected.
      const shown = isShowablePath(request.passphraseEnv) ? ` ${request.passphraseEnv}` : '';
      throw usageError(`--passphrase-env${shown}: expected the name of an environment variable (the value is never given on the command line)`, 'export the passphrase in a variable and name it: --passphrase-env APP_KEY_PASSPHRASE');
    }
    const value = io.env[request.passphraseEnv];
    if (value === undefined) {
      throw usageError(`--passphrase-env ${request.passphraseEnv}: the environment variable is not set`, 'export it or drop the option');
    }
    return value;
  }
  const value = io.env[PASSPHRASE_ENV];
  return value === undefined || value === '' ? undefined : value;
}
