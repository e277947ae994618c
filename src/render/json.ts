/** UNSAFE_CHARACTERS (src/core/errors.ts) less the C0 controls, which JSON.stringify escapes itself. */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Machine output: the report as stable JSON (see the README's JSON schema). JSON's
 * encoder escapes C0 controls but writes C1 controls, bidirectional overrides and line
 * separators raw, and the document is read on terminals too (`aitoss ... --json`, a CI
 * log): those are written as `\uXXXX` escapes, the same string to any JSON parser.
 */
export function renderJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${text}\n`;
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
