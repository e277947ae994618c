/**
 * The effective settings of a run, each value with where it came from. Precedence:
 * command-line flags, then the environment (AITOSS_CERT, AITOSS_KEY, AITOSS_FAIL_UNDER,
 * AITOSS_ENDPOINT, AITOSS_TIMEOUT), then the configuration file, then the defaults. Every command that
 * takes credentials, a threshold or an endpoint resolves them here.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseDuration } from '../core/duration.js';
import { inputError } from '../core/errors.js';
import { redactUrlCredentials } from '../core/redact.js';
import { DEFAULT_FAIL_UNDER } from '../core/verdict.js';
import { PASSPHRASE_ENV, type CredentialRequest } from '../input/credentials.js';
import { looksLikeContent, quotedValue } from '../input/src-value.js';
import { loadConfigAndSearch, type ConfigSearch } from './load-config.js';
import { isHttpsUrl, type FileConfig } from './schema.js';

export const DEFAULT_ENDPOINT = 'https://apps-in-toss-api.toss.im/';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** `flag`, `env:NAME`, the absolute path of the configuration file, or `default`. */
export type Origin = string;

export interface Setting<T> {
  value: T;
  origin: Origin;
}

/** Values given on the command line (undefined: not given): the file's keys, and `--config`. */
export interface SettingFlags extends FileConfig {
  /** `--config FILE`: use this file instead of searching. */
  config?: string;
}

export interface Settings {
  /** The configuration file that was read, if any. */
  configFile: string | undefined;
  /** How it was found: undefined when named by --config. */
  configSearch: ConfigSearch | undefined;
  cert: Setting<string> | undefined;
  key: Setting<string> | undefined;
  passphraseEnv: Setting<string>;
  failUnder: Setting<number>;
  endpoint: Setting<string>;
  ca: Setting<string> | undefined;
  timeoutMs: Setting<number>;
}

export interface SettingsIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The environment variables read as settings. */
export const SETTING_ENV = {
  cert: 'AITOSS_CERT',
  key: 'AITOSS_KEY',
  failUnder: 'AITOSS_FAIL_UNDER',
  endpoint: 'AITOSS_ENDPOINT',
  timeout: 'AITOSS_TIMEOUT',
} as const;

export async function resolveSettings(flags: SettingFlags, io: SettingsIO): Promise<Settings> {
  const { loaded, search } = await loadConfigAndSearch({ cwd: io.cwd, configPath: flags.config, env: io.env });
  const file = loaded?.config ?? {};
  const fileOrigin = loaded?.file ?? '';
  const fromFile = <K extends keyof FileConfig>(key: K): Setting<NonNullable<FileConfig[K]>> | undefined => {
    const value = file[key];
    return value === undefined ? undefined : { value: value as NonNullable<FileConfig[K]>, origin: fileOrigin };
  };
  const flag = <T>(value: T | undefined): Setting<T> | undefined => (value === undefined ? undefined : { value, origin: 'flag' });
  const pathFromFile = (key: 'cert' | 'key' | 'ca') => {
    const setting = fromFile(key);
    return setting && { ...setting, value: resolveFromFile(setting.value, fileOrigin, io.cwd) };
  };

  return {
    configFile: loaded?.file,
    configSearch: search,
    cert: flag(flags.cert) ?? envSource(SETTING_ENV.cert, io.env) ?? pathFromFile('cert'),
    key: flag(flags.key) ?? envSource(SETTING_ENV.key, io.env) ?? pathFromFile('key'),
    passphraseEnv: flag(flags.passphraseEnv) ?? fromFile('passphraseEnv') ?? { value: PASSPHRASE_ENV, origin: 'default' },
    failUnder: flag(flags.failUnder) ?? envFailUnder(io.env) ?? fromFile('failUnder') ?? { value: DEFAULT_FAIL_UNDER, origin: 'default' },
    endpoint: flag(flags.endpoint) ?? envEndpoint(io.env) ?? fromFile('endpoint') ?? { value: DEFAULT_ENDPOINT, origin: 'default' },
    ca: flag(flags.ca) ?? pathFromFile('ca'),
    timeoutMs: flag(flags.timeoutMs) ??
      envTimeout(io.env) ??
      (file.timeout === undefined ? fromFile('timeoutMs') : { value: timeoutMs(file.timeout), origin: fileOrigin }) ?? {
        value: DEFAULT_TIMEOUT_MS,
        origin: 'default',
      },
  };
}

/**
 * What to load, from positional PATHs and the settings. PATHs name what to read: with
 * PATHs, only `--cert`/`--key` flags add to them; without, the certificate and key come
 * from the settings (flags, environment, configuration file).
 */
export function credentialRequest(paths: readonly string[], settings: Settings, env: NodeJS.ProcessEnv): CredentialRequest {
  const pick = (setting: Setting<string> | undefined) =>
    setting && (paths.length === 0 || setting.origin === 'flag') ? setting : undefined;
  const passphrase = settings.passphraseEnv;
  const cert = pick(settings.cert);
  const key = pick(settings.key);
  return {
    paths,
    cert: cert?.value,
    key: key?.value,
    certFrom: cert?.origin,
    keyFrom: key?.origin,
    // A flag insists on its variable; a configuration file names it for where it is set;
    // the default (AITOSS_KEY_PASSPHRASE) is read by loadCredentials itself.
    ...(passphrase.origin === 'flag' || (passphrase.origin !== 'default' && env[passphrase.value] !== undefined)
      ? { passphraseEnv: passphrase.value, passphraseFrom: passphrase.origin }
      : {}),
  };
}

/**
 * `AITOSS_CERT`/`AITOSS_KEY`: a SRC (a path, `-`, `env:NAME`), or the certificate or key
 * itself (PEM, PEM with `\n` escapes, or base64), read as `env:NAME`.
 */
function envSource(name: string, env: NodeJS.ProcessEnv): Setting<string> | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  return { value: holdsContent(value) ? `env:${name}` : value.trim(), origin: `env:${name}` };
}

/** Whether an environment value is a certificate or key rather than a path to one (see src-value.ts). */
export function holdsContent(value: string): boolean {
  const text = value.trim();
  if (text === '-' || text.startsWith('env:')) return false;
  return looksLikeContent(value);
}

function envFailUnder(env: NodeJS.ProcessEnv): Setting<number> | undefined {
  const value = env[SETTING_ENV.failUnder];
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw inputError(`env:${SETTING_ENV.failUnder}`, `expected a whole number of days (0 or more), got ${quotedValue(value)}`);
  }
  return { value: Number(value.trim()), origin: `env:${SETTING_ENV.failUnder}` };
}

/** `AITOSS_TIMEOUT`: a duration (`10s`, `500ms`, `2m`) or a number of milliseconds. */
function envTimeout(env: NodeJS.ProcessEnv): Setting<number> | undefined {
  const value = env[SETTING_ENV.timeout];
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = parseDuration(value);
  if ('problem' in parsed) {
    throw inputError(`env:${SETTING_ENV.timeout}`, `${parsed.problem}, got ${quotedValue(value)}`);
  }
  return { value: parsed.ms, origin: `env:${SETTING_ENV.timeout}` };
}

/** The file's `timeout`, validated by the schema: a duration or milliseconds. */
function timeoutMs(value: string | number): number {
  if (typeof value === 'number') return value;
  const parsed = parseDuration(value);
  if ('problem' in parsed) throw new Error(`settings: an unvalidated timeout ${JSON.stringify(value)}`);
  return parsed.ms;
}

function envEndpoint(env: NodeJS.ProcessEnv): Setting<string> | undefined {
  const value = env[SETTING_ENV.endpoint];
  if (value === undefined || value.trim() === '') return undefined;
  if (!isHttpsUrl(value.trim())) {
    throw inputError(`env:${SETTING_ENV.endpoint}`, `expected an https:// URL, got ${quotedValue(redactUrlCredentials(value))}`);
  }
  return { value: value.trim(), origin: `env:${SETTING_ENV.endpoint}` };
}

/**
 * A path in a configuration file is relative to that file. It is shown relative to the
 * working directory when it lies below it, absolute otherwise. `-` and `env:NAME` stay.
 */
export function resolveFromFile(src: string, file: string, cwd: string): string {
  // The certificate or key itself, written into the file: read as it is, never shown.
  if (src === '-' || src.startsWith('env:') || looksLikeContent(src)) return src;
  const absolute = isAbsolute(src) ? src : resolve(dirname(file), src);
  const fromCwd = relative(cwd, absolute);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : absolute;
}

