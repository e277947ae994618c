/** Machine output: the report as stable JSON (see the README's JSON schema). */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
