/**
 * The configuration file's keys and their validation. An unknown key or a value of the
 * wrong type is an input error (exit 2) naming the file, the key and what was expected.
 */
import { redactUrlCredentials } from '../core/redact.js';
import { isShowablePath, quotedValue } from '../input/src-value.js';
import { MAX_TIMER_MS, parseDuration } from '../core/duration.js';
import { inputError } from '../core/errors.js';

/** What a configuration file may hold. Paths are relative to the file. */
export interface FileConfig {
  /** Certificate SRC: a path, `-` or `env:NAME`. */
  cert?: string;
  /** Private key SRC: a path, `-` or `env:NAME`. */
  key?: string;
  /** Name of the environment variable holding the key passphrase. */
  passphraseEnv?: string;
  /** Fail the check when fewer than this many days remain. */
  failUnder?: number;
  /** `https:` URL that `ping` calls. */
  endpoint?: string;
  /** Extra trusted CA certificates (PEM file) for `ping`. */
  ca?: string;
  /** `ping`'s time limit: a duration (`10s`, `500ms`, `2m`) or a number of milliseconds. */
  timeout?: string | number;
  /** `ping`'s time limit in milliseconds (the older key; not with `timeout`). */
  timeoutMs?: number;
}

export type ConfigKey = keyof FileConfig;

interface KeySpec {
  expected: string;
  valid: (value: unknown) => boolean;
}

const nonEmptyString = (value: unknown) => typeof value === 'string' && value.trim() !== '';

const SPECS: Record<ConfigKey, KeySpec> = {
  cert: { expected: 'a string: a file path, "-" or "env:NAME"', valid: nonEmptyString },
  key: { expected: 'a string: a file path, "-" or "env:NAME"', valid: nonEmptyString },
  passphraseEnv: { expected: 'an environment variable name (a string such as "APP_KEY_PASSPHRASE")', valid: isEnvName },
  failUnder: { expected: 'a whole number of days (0 or more)', valid: (v) => Number.isSafeInteger(v) && (v as number) >= 0 },
  endpoint: { expected: 'an https:// URL (a string)', valid: isHttpsUrl },
  ca: { expected: 'a string: the path of a PEM file of CA certificates', valid: nonEmptyString },
  timeout: {
    expected: 'a duration such as "10s", "500ms" or "2m", or a whole number of milliseconds',
    valid: (v) => (typeof v === 'string' ? 'ms' in parseDuration(v) : isTimerMs(v)),
  },
  timeoutMs: { expected: `a whole number of milliseconds, more than 0 and at most ${MAX_TIMER_MS}`, valid: isTimerMs },
};

export const CONFIG_KEYS = Object.keys(SPECS) as ConfigKey[];

/** Validate what a configuration file holds; `file` names it in errors. */
export function validateConfig(raw: unknown, file: string): FileConfig {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw inputError(file, `the configuration must be an object of settings, not ${describe(raw)}`, `use keys among ${CONFIG_KEYS.join(', ')}`);
  }
  const config: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    // Own keys only: "valueOf" or "__proto__" in a file are unknown keys, not methods.
    const spec = Object.hasOwn(SPECS, name) ? SPECS[name as ConfigKey] : undefined;
    if (spec === undefined) {
      throw inputError(file, `unknown key ${JSON.stringify(name)}`, `expected one of ${CONFIG_KEYS.join(', ')}`);
    }
    if (value === undefined) continue;
    if (!spec.valid(value)) {
      throw inputError(file, `key "${name}": expected ${spec.expected}, got ${describe(value)}`);
    }
    config[name] = value;
  }
  if (config.timeout !== undefined && config.timeoutMs !== undefined) {
    throw inputError(file, 'keys "timeout" and "timeoutMs" both set the time limit', 'keep one');
  }
  return config as FileConfig;
}

function isTimerMs(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= MAX_TIMER_MS;
}

export function isEnvName(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}

export function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = redactUrlCredentials(value); // an endpoint's user:password@ is never shown
    // Not even the start of a key pasted into the wrong setting is repeated (quotedValue).
    if (shown.trim() !== '' && !isShowablePath(shown)) return `the string ${quotedValue(shown)}`;
    return `the string ${JSON.stringify(shown.length > 40 ? `${shown.slice(0, 37)}...` : shown)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
