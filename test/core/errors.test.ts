import { describe, expect, it } from 'vitest';
import { AitossError, escapeControlCharacters, inputError, usageError } from '../../src/core/errors.js';

describe('AitossError', () => {
  it('says source, problem and fix on one line', () => {
    expect(inputError('app.key', 'wrong passphrase', 'check AITOSS_KEY_PASSPHRASE').toLine()).toBe('app.key: wrong passphrase; check AITOSS_KEY_PASSPHRASE');
    expect(inputError(undefined, 'no certificate').toLine()).toBe('no certificate');
  });
  it('tells usage errors from input errors', () => {
    expect(usageError('name a file')).toMatchObject({ kind: 'usage', hint: 'see --help' });
    expect(inputError('f', 'x').kind).toBe('input');
    expect(inputError('f', 'x')).toBeInstanceOf(AitossError);
  });
  it('escapes control characters that came from the input', () => {
    expect(inputError('a\nb.pem', 'bad \u0000 byte\r').toLine()).toBe('a\\nb.pem: bad \\x00 byte\\r');
    expect(escapeControlCharacters('tab\there\u007f')).toBe('tab\\there\\x7f');
    // C1 controls, bidirectional controls and line separators too: an error line is one line, in order.
    expect(inputError('evil\u202ecrt.key', 'x\u009b2J\u2066y\u2028z').toLine()).toBe('evil\\u202ecrt.key: x\\x9b2J\\u2066y\\u2028z');
  });
  it('keeps the cause for DEBUG', () => {
    const cause = new Error('low level');
    expect(inputError('f', 'x', undefined, cause).cause).toBe(cause);
  });
});
