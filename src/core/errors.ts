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

/**
 * Characters a terminal acts on instead of showing: C0 controls and DEL (cursor moves,
 * colors, a carriage return that overwrites a line), C1 controls (U+0080–U+009F; CSI
 * U+009B starts an escape sequence on some terminals), the bidirectional controls that
 * reorder what is shown (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), and the
 * Unicode line and paragraph separators (U+2028, U+2029).
 */
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A string from outside (a file name, a certificate's subject, a configuration value, a
 * server's message) as data a terminal shows and never obeys: every unsafe character
 * above becomes a visible escape (`\n`, `\r`, `\t`, `\x1b`, `\u202e`). The one escaping
 * function of every text renderer.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
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
