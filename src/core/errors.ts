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
  /** What is wrong with a file, as a stable code (`too-large`, `csr`, ...): a folder lists the file as skipped with it. */
  readonly code: string | undefined;

  constructor(
    message: string,
    options: { kind?: ErrorKind; source?: string; hint?: string; cause?: unknown; code?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'input';
    this.source = options.source;
    this.hint = options.hint;
    this.code = options.code;
  }

  /** The same error about another source (a file named by where it came from: `--key app.key`). */
  withSource(source: string): AitossError {
    return new AitossError(this.message, { kind: this.kind, source, hint: this.hint, cause: this.cause, code: this.code });
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

/** An input error about a file's contents or readability, with the code a skipped file is listed under. */
export function fileProblem(code: string, source: string | undefined, message: string, hint?: string, cause?: unknown): AitossError {
  return new AitossError(message, { kind: 'input', source, hint, cause, code });
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

/**
 * The user stopped the run while it waited on them (Ctrl-C at the passphrase prompt,
 * SIGTERM): exit 130 or 143 with one line, as a shell reports a process ended by the signal.
 */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(signal === 'SIGINT' ? 'interrupted' : 'terminated');
  }
}
