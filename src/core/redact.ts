/**
 * Credentials in a URL (`https://user:password@host/`) are never shown: `https://***@host/`.
 * Works on text that does not parse as a URL too (an error message quoting what was given).
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/(\/\/)[^/?#\s"]*@/g, '$1***@');
}
