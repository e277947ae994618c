/**
 * Credentials in a URL (`https://user:password@host/`) are never shown: `https://***@host/`.
 * Works on a value that does not parse as a URL too (an error message quoting what was
 * given): there nothing tells where a password ends (a space, a quote, a `/` typed in
 * it), so everything from after the scheme's `//` (or from the start, for `user:password@host`) up to
 * the last `@` is masked. A URL that parses is redacted by its parts, so an `@` in its
 * path or query is no credential.
 */
export function redactUrlCredentials(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (scheme) {
    try {
      const url = new URL(text);
      if (url.username === '' && url.password === '') return text;
      url.username = '***';
      url.password = '';
      return url.href;
    } catch {
      // Not a URL: masked as text below.
    }
  }
  const at = text.lastIndexOf('@');
  if (at === -1) return text;
  // Only the `//` after a scheme ends what may be shown: a `//` typed in a password does not.
  const start = scheme && scheme[0].length <= at ? scheme[0].length : 0;
  return `${text.slice(0, start)}***${text.slice(at)}`;
}
