/**
 * What a command gets from the CLI entry: the process's streams and environment, and
 * the clock (only as the default for `--at`). Commands never exit the process; they
 * return an outcome and the entry maps it to an exit code.
 */
import { colorLevelFor, createStyle, type Style } from '../render/style.js';

export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The clock; commands take it only as the default of `--at`. */
  now: () => Date;
}

/** `success` → exit 0, `failure` → exit 1 (a gate that failed, a ping that failed). */
export type Outcome = 'success' | 'failure';

export interface CommandContext {
  io: CliIO;
  /** Global `--color` / `--no-color`, when given. */
  color: boolean | undefined;
  setOutcome(outcome: Outcome): void;
}

export function styleFor(ctx: CommandContext, stream: OutputStream = ctx.io.stdout): Style {
  return createStyle(colorLevelFor(stream, ctx.io.env, ctx.color));
}
