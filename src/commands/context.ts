/**
 * What a command gets from the CLI entry: the process's streams and environment, and
 * the clock (only as the default for `--at`). Commands never exit the process; they
 * return an outcome and the entry maps it to an exit code.
 */
import type { InspectIO } from '../input/inspect-inputs.js';
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
  /** Ctrl-C and termination requests, for commands that wait on the network (absent: not trapped). */
  signals?: SignalSource;
  /**
   * Whether stderr is a terminal, answered without building the stderr stream (over a
   * pipe that costs ~1.5 ms). Absent: `stderr.isTTY` is asked.
   */
  stderrIsTerminal?: () => Promise<boolean>;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalSource {
  /**
   * Call `listener` on SIGINT or SIGTERM instead of ending the process; returns the
   * function that removes the listener (the default behavior comes back).
   */
  trap(listener: (signal: StopSignal) => void): () => void;
}

/**
 * `success` → exit 0, `failure` → exit 1 (a gate that failed, a ping that failed);
 * `interrupted-sigint` → 130 and `interrupted-sigterm` → 143 (128 + the signal number,
 * as a shell reports a process ended by that signal): the command stopped cleanly.
 */
export type Outcome = 'success' | 'failure' | 'interrupted-sigint' | 'interrupted-sigterm';

export interface CommandContext {
  io: CliIO;
  /** Global `--color` / `--no-color`, when given. */
  color: boolean | undefined;
  setOutcome(outcome: Outcome): void;
}

export function styleFor(ctx: CommandContext, stream: OutputStream = ctx.io.stdout): Promise<Style> {
  return createStyle(colorLevelFor(stream, ctx.io.env, ctx.color));
}

/** What credential loading needs from the process; stdin stays unbuilt unless it is read. */
export function inspectIO(io: CliIO): InspectIO {
  return {
    env: io.env,
    cwd: io.cwd,
    get stdin() {
      return io.stdin;
    },
    get promptOutput() {
      return io.stderr as NodeJS.WritableStream;
    },
  };
}
