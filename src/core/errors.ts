/**
 * The one error type users see. It carries a message written for a person, the
 * input it concerns (a file path, `env:NAME`, `stdin`), and the exit code the CLI
 * should end with. Anything else that escapes is a bug and is shown as such.
 */
export type ErrorKind = 'usage' | 'input';

export class AitossError extends Error {
  override readonly name = 'AitossError';
  readonly kind: ErrorKind;
  /** The file or source the problem is about, when there is one. */
  readonly source: string | undefined;
  /** What the user can do about it, one short clause. */
  readonly hint: string | undefined;

  constructor(
    message: string,
    options: { kind?: ErrorKind; source?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'input';
    this.source = options.source;
    this.hint = options.hint;
  }

  /**
   * One line: `SOURCE: MESSAGE; HINT`. Control characters that came from the input (a
   * file name, a parser's quote of the file) are escaped, so it stays one line.
   */
  toLine(): string {
    const head = this.source ? `${this.source}: ${this.message}` : this.message;
    return escapeControlCharacters(this.hint ? `${head}; ${this.hint}` : head);
  }
}

export function inputError(source: string | undefined, message: string, hint?: string, cause?: unknown): AitossError {
  return new AitossError(message, { kind: 'input', source, hint, cause });
}

export function usageError(message: string, hint = 'see --help'): AitossError {
  return new AitossError(message, { kind: 'usage', hint });
}

export function isAitossError(value: unknown): value is AitossError {
  return value instanceof AitossError;
}

export function escapeControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
