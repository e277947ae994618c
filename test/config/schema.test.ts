import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, validateConfig } from '../../src/config/schema.js';
import { AitossError } from '../../src/core/errors.js';

const FILE = '/project/.aitossrc.json';

function errorOf(raw: unknown): AitossError {
  try {
    validateConfig(raw, FILE);
  } catch (error) {
    if (error instanceof AitossError) return error;
    throw error;
  }
  throw new Error('expected validateConfig to throw');
}

describe('validateConfig', () => {
  it('accepts every key with a value of its type', () => {
    const config = {
      cert: 'certs/app.crt',
      key: 'env:AITOSS_KEY',
      passphraseEnv: 'APP_KEY_PASSPHRASE',
      failUnder: 14,
      endpoint: 'https://apps-in-toss-api.toss.im/',
      ca: 'certs/ca.pem',
      timeout: '5s',
    };
    expect(validateConfig(config, FILE)).toEqual(config);
    // timeoutMs, the older key of the time limit, goes without timeout.
    expect(validateConfig({ timeoutMs: 5000 }, FILE)).toEqual({ timeoutMs: 5000 });
    expect([...Object.keys(config), 'timeoutMs'].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it.each([['10s'], ['500ms'], ['2m'], ['1m30s'], [2500]])('takes the time limit %j', (timeout) => {
    expect(validateConfig({ timeout }, FILE)).toEqual({ timeout });
  });

  it.each([
    [{ timeout: '10x' }, 'key "timeout": expected a duration such as "10s", "500ms" or "2m", or a whole number of milliseconds, got the string "10x"'],
    [{ timeout: 0 }, 'key "timeout": expected a duration such as "10s", "500ms" or "2m", or a whole number of milliseconds, got the number 0'],
    [{ timeout: '10s', timeoutMs: 10000 }, 'keys "timeout" and "timeoutMs" both set the time limit; keep one'],
  ])('rejects %j', (raw, message) => {
    expect(errorOf(raw).toLine()).toBe(`${FILE}: ${message}`);
  });

  it('reads an empty file as no settings', () => {
    expect(validateConfig(undefined, FILE)).toEqual({});
    expect(validateConfig(null, FILE)).toEqual({});
    expect(validateConfig({}, FILE)).toEqual({});
  });

  it('names the file, the unknown key and the keys expected', () => {
    const error = errorOf({ cert: 'a.crt', failunder: 7 });
    expect(error.kind).toBe('input');
    expect(error.toLine()).toBe(
      `${FILE}: unknown key "failunder"; expected one of cert, key, passphraseEnv, failUnder, endpoint, ca, timeout, timeoutMs`,
    );
  });

  it.each([
    [{ failUnder: '30' }, 'key "failUnder": expected a whole number of days (0 or more), got the string "30"'],
    [{ failUnder: -1 }, 'key "failUnder": expected a whole number of days (0 or more), got the number -1'],
    [{ failUnder: 7.5 }, 'key "failUnder": expected a whole number of days (0 or more), got the number 7.5'],
    [{ cert: 42 }, 'key "cert": expected a string: a file path, "-" or "env:NAME", got the number 42'],
    [{ key: ['a.key'] }, 'key "key": expected a string: a file path, "-" or "env:NAME", got an array'],
    [{ cert: '' }, 'key "cert": expected a string: a file path, "-" or "env:NAME", got the string ""'],
    [{ passphraseEnv: 'MY-VAR' }, 'key "passphraseEnv": expected an environment variable name (a string such as "APP_KEY_PASSPHRASE"), got the string "MY-VAR"'],
    [{ endpoint: 'http://example.com' }, 'key "endpoint": expected an https:// URL (a string), got the string "http://example.com"'],
    [{ ca: true }, 'key "ca": expected a string: the path of a PEM file of CA certificates, got boolean true'],
    [{ timeoutMs: 0 }, 'key "timeoutMs": expected a whole number of milliseconds, more than 0 and at most 2147483647, got the number 0'],
    [{ timeoutMs: { ms: 5 } }, 'key "timeoutMs": expected a whole number of milliseconds, more than 0 and at most 2147483647, got an object'],
  ])('rejects %j', (raw, message) => {
    const error = errorOf(raw);
    expect(error.source).toBe(FILE);
    expect(error.message).toBe(message);
  });

  it('rejects a file that is not an object of settings', () => {
    expect(errorOf(['cert']).message).toBe('the configuration must be an object of settings, not an array');
    expect(errorOf('cert: a.crt').message).toMatch(/^the configuration must be an object of settings, not the string/);
  });
});
