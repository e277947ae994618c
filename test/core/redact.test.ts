import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrlCredentials } from '../../src/core/redact.js';

describe('redactUrlCredentials: no part of a password is shown', () => {
  it.each([
    ['a URL', 'https://user:s3cret@h.example/path', 'https://***@h.example/path'],
    ['a space in the password (WHATWG URLs accept it)', 'https://user:s3 cret@h.example/', 'https://***@h.example/'],
    ['a tab in the password', 'https://user:s3\tcret@h.example/', 'https://***@h.example/'],
    ['a quote in the password', 'https://user:s3"cret@h.example/', 'https://***@h.example/'],
    ['a space in the user name', 'https://us er:s3cret@h.example/', 'https://***@h.example/'],
    ['a slash in the password (no URL)', 'https://user:s3/cret@h.example/', 'https://***@h.example/'],
    ['a question mark in the password (no URL)', 'https://user:s3?cret@h.example/', 'https://***@h.example/'],
    ['no scheme', 'user:s3cret@h.example', '***@h.example'],
    ['an unparseable host', 'https://user:s3cret@[::1/', 'https://***@[::1/'],
    ['http', 'http://user:s3cret@localhost/', 'http://***@localhost/'],
  ])('%s', (_name, value, shown) => {
    expect(redactUrlCredentials(value)).toBe(shown);
  });

  it('a // typed in a password is no scheme separator', () => {
    expect(redactUrlCredentials('partner:Zq!!//@api.example/path')).toBe('***@api.example/path');
    expect(redactUrlCredentials('https://partner:a//b c@api.example/')).toBe('https://***@api.example/');
  });

  it('leaves URLs without credentials as given, an @ in the path included', () => {
    expect(redactUrlCredentials('https://apps-in-toss-api.toss.im/')).toBe('https://apps-in-toss-api.toss.im/');
    expect(redactUrlCredentials('https://h.example/users/@me?x=a@b')).toBe('https://h.example/users/@me?x=a@b');
  });

  it('property: a password typed into a URL never survives redaction', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 24 }).filter((p) => !p.includes('@') && /^[\x21-\x7e]+$/.test(p)), fc.constantFrom('https://', 'http://', ''), (password, scheme) => {
        const secret = `Zq${password}`;
        const shown = redactUrlCredentials(`${scheme}partner:${secret}@api.example/path`);
        expect(shown).not.toContain(secret);
        expect(shown).toContain('***@');
      }),
    );
  });
});
