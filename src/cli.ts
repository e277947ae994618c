/**
 * The CLI entry: commander wiring, global options, and the one place where an outcome
 * or an error becomes an exit code (0 success, 1 a failed gate or ping, 2 usage or
 * input error, 130/143 a command stopped by SIGINT/SIGTERM). Nothing below this file
 * exits the process.
 */
import { fstatSync, writeSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { escapeControlCharacters, isAitossError } from './core/errors.js';
import { certInspectCommand } from './commands/cert-inspect.js';
import { certCheckCommand } from './commands/cert-check.js';
import { configCommand } from './commands/config.js';
import { pingCommand } from './commands/ping.js';
import { closestNames, longFlags } from './commands/options.js';
import type { CliIO, CommandContext, OutputStream, Outcome, SignalSource } from './commands/context.js';
import { VERSION } from './version.js';

export const EXIT = { success: 0, failure: 1, usage: 2, input: 2, bug: 70, sigint: 130, sigterm: 143 } as const;

const OUTCOME_EXIT: Readonly<Record<Outcome, number>> = {
  success: EXIT.success,
  failure: EXIT.failure,
  'interrupted-sigint': EXIT.sigint,
  'interrupted-sigterm': EXIT.sigterm,
};

const processSignals: SignalSource = {
  trap(listener) {
    const onSignal = (signal: NodeJS.Signals) => listener(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  },
};

/**
 * Run as the process (bin/aitoss.cjs): main() decides the exit code. The process then
 * ends at once when all output has reached the operating system, rather than after one
 * more turn of the event loop, which runs the tasks V8 has queued by then (on most runs
 * a young-generation GC, ~1 ms, of no use to a process about to end). Output still
 * queued (a pipe is asynchronous on some platforms) is left to flush as usual.
 */
export async function run(argv: readonly string[]): Promise<void> {
  const io = processIO();
  process.exitCode = await main(argv, io);
  if (io.outputFlushed()) process.exit();
}

/**
 * The process as a command sees it. Standard output is written to its descriptor
 * (directStdout); stderr is built on first use (process.stderr over a pipe loads
 * node:net, ~3 ms, and most runs never write to it, nor read stdin).
 */
export function processIO(): CliIO & { outputFlushed(): boolean } {
  let stdout: (OutputStream & { readonly writableLength: number }) | undefined;
  let stderr: NodeJS.WriteStream | undefined;
  return {
    outputFlushed: () => (stdout?.writableLength ?? 0) === 0 && (stderr?.writableLength ?? 0) === 0,
    get stdout() {
      return (stdout ??= process.platform === 'win32' ? closedPipeEndsRun(process.stdout) : directStdout());
    },
    get stderr() {
      return (stderr ??= closedPipeEndsRun(process.stderr));
    },
    get stdin() {
      return process.stdin;
    },
    // A pipe or a file is no terminal: one fstat answers without loading node:tty.
    stderrIsTerminal: async () => stderr?.isTTY ?? (isCharacterDevice(2) && (await import('node:tty')).isatty(2)),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    signals: processSignals,
  };
}

/** A closed pipe on an output (`aitoss cert inspect dir | head -1`) ends the run quietly. */
function closedPipeEndsRun(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') endOnClosedPipe();
    throw error;
  });
  return stream;
}

function endOnClosedPipe(): never {
  process.exit(process.exitCode ?? 0);
}

/**
 * Standard output written to descriptor 1 with write(2) (fs.writeSync), not through
 * process.stdout. A command writes its report once, at its end, and building
 * process.stdout for it costs more than the write: ~1.5 ms over a file and ~4.5 ms over
 * a pipe (it loads node:net), on every CI run. Should the descriptor refuse to block (a
 * non-blocking pipe: EAGAIN), the rest and all that follows goes through process.stdout,
 * which waits for the reader. A closed pipe (EPIPE) ends the run quietly, as with the
 * stream. Not on Windows, whose console wants the stream's UTF-16 conversion.
 */
function directStdout(): OutputStream & { readonly writableLength: number } {
  let stream: NodeJS.WriteStream | undefined;
  let terminal: boolean | undefined;
  return {
    get isTTY() {
      // Only a character device can be a terminal: a pipe or a file is told by one fstat.
      return (terminal ??= isCharacterDevice(1) && process.stdout.isTTY === true);
    },
    get writableLength() {
      return stream?.writableLength ?? 0;
    },
    write(chunk: string): boolean {
      if (stream) return stream.write(chunk);
      const bytes = Buffer.from(chunk, 'utf8');
      let written = 0;
      try {
        while (written < bytes.length) {
          const n = writeSync(1, bytes, written);
          // No progress: let the stream wait for the descriptor, as for EAGAIN.
          if (n <= 0) break;
          written += n;
        }
        if (written === bytes.length) return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') endOnClosedPipe();
        if (code !== 'EAGAIN') throw error;
      }
      stream = closedPipeEndsRun(process.stdout);
      return stream.write(bytes.subarray(written));
    },
  };
}

function isCharacterDevice(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/** The commands, by the words that name them. */
export type CommandName = 'cert inspect' | 'cert check' | 'config' | 'ping';

/**
 * The command `argv` names, when its first words (after the global color flags) are
 * exactly one of ours. The program is then built with that command alone: setting up
 * the options of all the others costs ~1 ms on every run. Anything else (help, a
 * typo, an unknown global flag) gets the whole program, so commander's help and
 * suggestions are what they always are.
 */
export function namedCommand(argv: readonly string[]): CommandName | undefined {
  let i = 0;
  while (argv[i] === '--color' || argv[i] === '--no-color') i++;
  const [first, second] = [argv[i], argv[i + 1]];
  if (first === 'cert') return second === 'inspect' || second === 'check' ? `cert ${second}` : undefined;
  return first === 'config' || first === 'ping' ? first : undefined;
}

/** The program with every command, or with `only` that one (see namedCommand). */
export function buildProgram(ctx: CommandContext, only?: CommandName): Command {
  const program = new Command('aitoss')
    .description('Keep the mTLS client certificates of Apps in Toss partners healthy.')
    .version(VERSION, '-V, --version')
    // --color before --no-color: commander then leaves the value undefined when neither is given.
    .option('--color', 'color the output even when it is not a terminal')
    .option('--no-color', 'never color the output (NO_COLOR is honored too)')
    .addHelpText(
      'after',
      `
Certificates for the Apps in Toss API are valid for 390 days; the console warns 30, 7 and 1
day before expiry. Run 'aitoss <command> --help' for a command's options and examples.`,
    );

  const wanted = (name: CommandName) => only === undefined || only === name;
  if (wanted('cert inspect') || wanted('cert check')) {
    const cert = new Command('cert').description('inspect and check mTLS client certificates');
    if (wanted('cert inspect')) cert.addCommand(certInspectCommand(ctx));
    if (wanted('cert check')) cert.addCommand(certCheckCommand(ctx));
    program.addCommand(cert);
  }
  if (wanted('config')) program.addCommand(configCommand(ctx));
  if (wanted('ping')) program.addCommand(pingCommand(ctx));
  return program;
}

/** The command words, by the command that holds them. */
const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = { '': ['cert', 'config', 'ping'], cert: ['inspect', 'check'] };

/**
 * `aitoss help cert inspect` and `aitoss cert help inspect` as `aitoss cert inspect --help`
 * (commander's help command reads one word only and would show `cert`'s help). A word
 * that names no command stays, without --help, so that commander reports it as an
 * unknown command with its suggestion. Only where a command name is expected:
 * `aitoss cert inspect help` still reads a file named help.
 */
export function routeHelp(argv: readonly string[]): readonly string[] {
  let i = 0;
  while (argv[i] === '--color' || argv[i] === '--no-color') i++;
  const at = argv[i] === 'help' ? i : argv[i] === 'cert' && argv[i + 1] === 'help' ? i + 1 : -1;
  if (at === -1) return argv;
  const path = argv.slice(i, at);
  for (const word of argv.slice(at + 1)) {
    const under = SUBCOMMANDS[path.join(' ')];
    if (under === undefined) break; // a command without subcommands: its help
    if (!under.includes(word)) return [...argv.slice(0, i), ...path, word];
    path.push(word);
  }
  return [...argv.slice(0, i), ...path, '--help'];
}

/**
 * Commander's error line made one line: its suggestion (`\n(Did you mean cert?)`) is
 * computed here, over every long name of an option (see closestNames), and the value of
 * an unknown `--name=value` is not repeated (it may be a secret typed in the wrong place).
 */
export function usageLine(text: string, command: Command): string {
  let line = text.trim().replace(/^error: /, '');
  const option = /^unknown option '(--[^'=]+)(=[^']*)?'$/.exec(line);
  const unknownCommand = /^unknown command '([^']*)'$/.exec(line);
  // `option '--timeout <duration>' argument '10x' is invalid. expected …` → `--timeout 10x: expected …`
  const invalid = /^option '(?:-\w, )?(--[^ ',]+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(line);
  let suggestions: string[] = [];
  if (invalid) {
    const [, flag, value, reason] = invalid as unknown as [string, string, string, string];
    line = `${flag} ${value.trim() === '' ? JSON.stringify(value) : value}: ${reason.replace(/^Allowed/, 'allowed').replace(/\.$/, '')}`;
  } else if (option) {
    const flag = option[1]!;
    line = `unknown option '${flag}${option[2] ? '=…' : ''}'`;
    const candidates: string[][] = [];
    for (let c: Command | null = command; c; c = c.parent) {
      for (const o of c.createHelp().visibleOptions(c)) candidates.push(longFlags(o.flags));
    }
    suggestions = closestNames(flag, candidates);
  } else if (unknownCommand) {
    const candidates = command
      .createHelp()
      .visibleCommands(command)
      .map((c) => [c.name(), ...c.aliases()]);
    suggestions = closestNames(unknownCommand[1]!, candidates);
  }
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(' or ')}?)` : '';
  return `${escapeControlCharacters(line)}${hint}; see '${names.join(' ')} --help'`;
}

export async function main(givenArgv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let outcome: Outcome | undefined;
  const ctx: CommandContext = { io, color: undefined, setOutcome: (o) => (outcome = o) };
  const argv = routeHelp(givenArgv);
  const program = buildProgram(ctx, namedCommand(argv));
  const configure = (command: Command) => {
    command.exitOverride();
    // Suggestions are usageLine's: commander's would break the line and skip alias names.
    command.showSuggestionAfterError(false);
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`aitoss: ${usageLine(text, command)}\n`),
    });
    command.hook('preAction', (thisCommand) => {
      ctx.color = thisCommand.optsWithGlobals().color as boolean | undefined;
    });
    command.commands.forEach(configure);
  };
  configure(program);

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    return exitCodeFor(error, io);
  }
  return outcome === undefined ? EXIT.success : OUTCOME_EXIT[outcome];
}

function exitCodeFor(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
      return EXIT.success;
    }
    // commander printed its one-line message already (see outputError).
    return EXIT.usage;
  }
  if (isAitossError(error)) {
    io.stderr.write(`aitoss: ${error.toLine()}\n`);
    if (debugEnabled(io.env)) io.stderr.write(`${(error.cause instanceof Error ? error.cause : error).stack}\n`);
    return error.kind === 'usage' ? EXIT.usage : EXIT.input;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`aitoss: internal error: ${message.split('\n')[0]}; please report it (DEBUG=aitoss shows details)\n`);
  if (debugEnabled(io.env) && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  return EXIT.bug;
}

function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return (env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === 'aitoss' || name === '*' || name === 'aitoss:*');
}
