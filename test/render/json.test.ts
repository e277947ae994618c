/**
 * JSON is read on terminals too: no raw control, C1 or bidirectional character in a
 * document, and every string parses back to what it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNSAFE_CHARACTERS } from '../../src/core/errors.js';
import { renderJson, renderJsonError } from '../../src/render/json.js';

const UNSAFE = new RegExp(UNSAFE_CHARACTERS.source);

describe('renderJson', () => {
  it('writes C1 controls, bidirectional overrides and line separators as \\u escapes', () => {
    const subject = 'CN=evil\u202eexe.crt\u0085\u009b2J\u2028\u2066x\u007f';
    const text = renderJson({ subject, source: 'f\u001b[2K\u202ename.crt' });
    expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
    expect(text).toContain('CN=evil\\u202eexe.crt\\u0085\\u009b2J\\u2028\\u2066x\\u007f');
    expect(JSON.parse(text)).toEqual({ subject, source: 'f\u001b[2K\u202ename.crt' });
  });

  it('property: any strings, keys included, come back unchanged and no unsafe character is written raw', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 16 })), (value) => {
        const text = renderJson(value);
        // The document's own line breaks are its layout; everything else unsafe is escaped.
        expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
        expect(JSON.parse(text)).toEqual(value);
      }),
    );
  });

  it('the error document too', () => {
    const text = renderJsonError({ code: 'input', message: 'x\u202ey', source: 'a\u0085b', exitCode: 2 });
    expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
    expect(JSON.parse(text).error.source).toBe('a\u0085b');
  });
});
