/** Machine output: the report as stable JSON (see the README's JSON schema). */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Why a command produced no report: `usage`, `input` and `internal` errors, or a stop by a signal. */
export type RunFailureCode = 'usage' | 'input' | 'internal' | 'interrupted';

export interface RunFailure {
  code: RunFailureCode;
  /** The line printed on stderr, without its `aitoss: ` prefix. */
  message: string;
  /** The file or source the error is about (`certs/app.crt`, `env:AITOSS_CERT`), when there is one. */
  source: string | null;
  exitCode: number;
}

export const ERROR_SCHEMA_VERSION = 1;

/**
 * The JSON document of a run that could not produce its report: CI parsers never read an
 * empty stdout, and `ok: false` is where every aitoss JSON document carries its verdict.
 */
export function renderJsonError(failure: RunFailure): string {
  return renderJson({ schemaVersion: ERROR_SCHEMA_VERSION, ok: false, error: failure });
}
