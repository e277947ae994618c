/**
 * The CLI entry: commander wiring, global options, and the one place where an outcome
 * or an error becomes an exit code (0 success, 1 a failed gate or ping, 2 usage or
 * input error, 130/143 a command stopped by SIGINT/SIGTERM). Nothing below this file
 * exits the process.
 */
import { writeSync } from 'node:fs';
import { configBeingLoaded } from './config/load-config.js';
import { Command, CommanderError } from 'commander';
import { escapeControlCharacters, Interrupted, isAitossError } from './core/errors.js';
import { certInspectCommand } from './commands/cert-inspect.js';
import { certCheckCommand } from './commands/cert-check.js';
import { configCommand } from './commands/config.js';
import { pingCommand } from './commands/ping.js';
import { closestNames, longFlags, parseAt } from './commands/options.js';
import type { RunFailure } from './render/json.js';
import { renderRunFailure, type MachineFormat } from './render/run-failure.js';
import type { CliIO, CommandContext, OutputStream, Outcome, SignalSource } from './commands/context.js';
import { isShowablePath, looksLikeContent } from './input/src-value.js';
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
 * Run as the process (bin/aitoss.cjs): main() decides the exit code, and nothing ends
 * the run with success before it has: should the event loop drain while main() still
 * waits (a JavaScript configuration whose promise never settles), or code it loaded
 * call process.exit(), the 'exit' listener turns that into one line and a failing code.
 */
export async function run(argv: readonly string[]): Promise<void> {
  let finished = false;
  process.on('exit', () => {
    if (!finished) unfinishedRun(argv);
  });
  // SIGINT/SIGTERM while no command traps them (reading stdin, a slow file system, a
  // configuration still loading): 130/143 with one line and the machine format's
  // document, as ping and the passphrase prompt end, not a silent death by the signal.
  const onStopSignal = (signal: NodeJS.Signals) => {
    // ping and the prompt listen too: they stop their work and end the run themselves.
    if (process.listenerCount(signal) > 1) return;
    const exitCode = signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
    if (!finished) {
      finished = true;
      lastFailure(argv, { code: 'interrupted', message: `interrupted by ${signal}; no result`, source: null, exitCode });
    }
    process.exit(exitCode);
  };
  process.on('SIGINT', onStopSignal);
  process.on('SIGTERM', onStopSignal);
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (error) {
    // The directory was removed under the shell (or a parent made unsearchable).
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const message = `the working directory cannot be found (${code}): it was removed, or a directory above it cannot be searched; cd to an existing directory and run again`;
    lastFailure(argv, { code: 'input', message, source: null, exitCode: EXIT.input });
    finished = true;
    process.exitCode = EXIT.input;
    return;
  }
  const io = processIO(cwd);
  const code = await main(argv, io);
  finished = true;
  process.exitCode = code;
  // The command has finished: what a JavaScript configuration left running (a timer, a
  // socket) does not keep the process alive. It ends once the output has been handed
  // over, and a failure to write it (reported as an 'error' event) has been heard.
  for (const stream of [process.stdout, process.stderr]) await new Promise<void>((resolve) => stream.write('', () => resolve()));
  await new Promise((resolve) => setImmediate(resolve));
  process.exitCode = io.outputFailed() ? EXIT.input : code;
  process.exit();
}

/** Why the process is ending before main() returned, as its last line and exit code. */
function unfinishedRun(argv: readonly string[]): void {
  const file = configBeingLoaded();
  if (file !== undefined) {
    const message = `${escapeControlCharacters(file)}: the configuration never finished loading (a promise that never settles, or it ended the process); no result; a JavaScript configuration must export its settings, or a promise that settles`;
    lastFailure(argv, { code: 'input', message, source: file, exitCode: EXIT.input });
    process.exitCode = EXIT.input;
  } else {
    lastFailure(argv, { code: 'internal', message: 'internal error: the run ended before its command finished; no result; please report it', source: null, exitCode: EXIT.bug });
    process.exitCode = EXIT.bug;
  }
}

/** A failure outside main(): its line on stderr, and the machine format's document on stdout (see main). */
function lastFailure(argv: readonly string[], failure: RunFailure): void {
  lastWord(`aitoss: ${failure.message}\n`);
  const { format } = requestedOutput(routeHelp(argv), process.env);
  if (!format) return;
  try {
    writeSync(1, renderRunFailure(format, failure, new Date()));
  } catch {
    // stdout is closed or full: the exit code still says it.
  }
}

/** One line to stderr, written at once (the process may be ending); nowhere to report a failure. */
function lastWord(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // stderr is closed or full.
  }
}

/**
 * The process as a command sees it. A closed pipe on an output (`aitoss cert inspect dir
 * | head -1`) silences it and the run ends with its own exit code. Any other failure to
 * write standard output (a full disk: ENOSPC) is said in one line on stderr, and the
 * run exits 2: its report did not reach the reader. (process.stdout throws a file's
 * error from write(); a pipe's arrives as an 'error' event.)
 */
export function processIO(cwd: string): CliIO & { outputFailed(): boolean } {
  let failed = false;
  const stdout = guardedOutput(process.stdout, (error) => {
    if (failed) return;
    failed = true;
    const code = error.code ?? 'error';
    lastWord(`aitoss: standard output: cannot write the report (${code}${error.code === 'ENOSPC' ? ': no space left on device' : ''}); no result\n`);
    // main() may have returned already (a pipe reports late): the exit code says it now.
    process.exitCode = EXIT.input;
  });
  // stderr stays the stream itself (ping's spinner draws on it); a failure to write to it
  // has nowhere to be said, and the exit code still tells the outcome.
  const stderr = process.stderr;
  stderr.on('error', () => {});
  const write = stderr.write;
  stderr.write = function writeOrDrop(this: NodeJS.WriteStream, ...args: Parameters<typeof write>) {
    try {
      return Reflect.apply(write, this, args) as boolean;
    } catch {
      return true;
    }
  } as typeof write;
  return {
    outputFailed: () => failed,
    stdout,
    stderr,
    stdin: process.stdin,
    stderrIsTerminal: async () => process.stderr.isTTY === true,
    env: process.env,
    cwd,
    now: () => new Date(),
    signals: processSignals,
  };
}

/** `stream`, whose write errors go to `onFailure`, once; a closed pipe (EPIPE) silences it. */
function guardedOutput(stream: NodeJS.WriteStream, onFailure: (error: NodeJS.ErrnoException) => void): OutputStream {
  let closed = false;
  const fail = (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code !== 'EPIPE') onFailure(error);
  };
  stream.on('error', fail);
  return {
    get isTTY() {
      return stream.isTTY;
    },
    write(chunk: string): boolean {
      if (closed) return true;
      try {
        return stream.write(chunk);
      } catch (error) {
        fail(error as NodeJS.ErrnoException);
        return true;
      }
    },
  };
}

/** The commands, by the words that name them. */
export type CommandName = 'cert inspect' | 'cert check' | 'config' | 'ping';

/**
 * The command `argv` names, when its first words (after the global color flags) are
 * exactly one of ours (requestedOutput() reads its machine formats before commander
 * parses anything); undefined for help, a typo, an unknown global flag.
 */
export function namedCommand(argv: readonly string[]): CommandName | undefined {
  let i = 0;
  while (argv[i] === '--color' || argv[i] === '--no-color') i++;
  const [first, second] = [argv[i], argv[i + 1]];
  if (first === 'cert') return second === 'inspect' || second === 'check' ? `cert ${second}` : undefined;
  return first === 'config' || first === 'ping' ? first : undefined;
}

/** The program: every command, each with its options and help. */
export function buildProgram(ctx: CommandContext): Command {
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

  const cert = new Command('cert').description('inspect and check mTLS client certificates');
  cert.addCommand(certInspectCommand(ctx));
  cert.addCommand(certCheckCommand(ctx));
  program.addCommand(cert);
  program.addCommand(configCommand(ctx));
  program.addCommand(pingCommand(ctx));
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
  let line = withoutSecrets(text.trim().replace(/^error: /, ''));
  const option = /^unknown option '(--[^'=]+)(=[^']*)?'$/.exec(line);
  const unknownCommand = /^unknown command '([^']*)'$/.exec(line);
  // `option '--timeout <duration>' argument '10x' is invalid. expected …` → `--timeout 10x: expected …`
  const invalid = /^option '(?:-\w, )?(--[^ ',]+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(line);
  const missing = /^option '(?:-\w, )?(--[^ ',]+)(?:, --[^ ',]+)? (<[^>]+>)' argument missing$/.exec(line);
  let suggestions: string[] = [];
  if (missing) {
    line = `${missing[1]}: missing its value ${missing[2]}`;
  } else if (invalid) {
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

/** The machine formats of each command (the others are text). */
const MACHINE_FORMATS: Readonly<Record<CommandName, readonly MachineFormat[]>> = {
  'cert inspect': ['json'],
  'cert check': ['json', 'github', 'prometheus'],
  config: ['json'],
  ping: ['json'],
};

export interface RequestedOutput {
  /** The machine format asked for (`--json`, `-f/--format`; check's github in GitHub Actions), if any. */
  format: MachineFormat | undefined;
  /** `--at`, as given: the time a Prometheus failure is stamped with. */
  at: string | undefined;
}

/**
 * The output the arguments ask for, read from the words before commander parses them: a
 * usage error stops the parse, and its document must still be in the format asked for.
 * A format the command does not have gets none (the error says so on stderr).
 */
export function requestedOutput(argv: readonly string[], env: NodeJS.ProcessEnv): RequestedOutput {
  const name = namedCommand(argv);
  let format: string | undefined;
  let at: string | undefined;
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = (long: string, short?: string): string | undefined => {
      if (word === long || word === short) return words[++i];
      if (word.startsWith(`${long}=`)) return word.slice(long.length + 1);
      if (short && word.startsWith(short) && !word.startsWith('--')) return word.slice(short.length);
      return undefined;
    };
    at = value('--at') ?? at;
    format = value('--format', '-f') ?? format;
  }
  // --json anywhere, even where commander reads it as another option's value (`-f --json`).
  const json = words.includes('--json');
  const formats: readonly MachineFormat[] = name ? MACHINE_FORMATS[name] : ['json'];
  const asked = json ? 'json' : format;
  if (asked !== undefined) return { format: formats.find((f) => f === asked), at };
  return { format: name === 'cert check' && env.GITHUB_ACTIONS === 'true' ? 'github' : undefined, at };
}

export async function main(givenArgv: readonly string[], io: CliIO = processIO(process.cwd())): Promise<number> {
  let outcome: Outcome | undefined;
  const ctx: CommandContext = { io, color: undefined, setOutcome: (o) => (outcome = o) };
  const argv = routeHelp(givenArgv);
  const requested = requestedOutput(argv, io.env);
  const program = buildProgram(ctx);
  // The last usage error commander printed, for the machine format's error document.
  let usage: string | undefined;
  const configure = (command: Command) => {
    command.exitOverride();
    // Suggestions are usageLine's: commander's would break the line and skip alias names.
    command.showSuggestionAfterError(false);
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`aitoss: ${(usage = usageLine(text, command))}\n`),
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
    const exitCode = exitCodeFor(error, io);
    if (exitCode !== EXIT.success && requested.format) {
      io.stdout.write(renderRunFailure(requested.format, runFailure(error, exitCode, usage), failureTime(requested, io)));
    }
    return exitCode;
  }
  if ((outcome === 'interrupted-sigint' || outcome === 'interrupted-sigterm') && requested.format) {
    const signal = outcome === 'interrupted-sigint' ? 'SIGINT' : 'SIGTERM';
    const failure: RunFailure = { code: 'interrupted', message: `interrupted by ${signal}; no result`, source: null, exitCode: OUTCOME_EXIT[outcome] };
    io.stdout.write(renderRunFailure(requested.format, failure, failureTime(requested, io)));
  }
  return outcome === undefined ? EXIT.success : OUTCOME_EXIT[outcome];
}

/** The error as the machine formats carry it: the same line as on stderr. */
function runFailure(error: unknown, exitCode: number, usage: string | undefined): RunFailure {
  if (error instanceof CommanderError) {
    // Commander's help for a command named without its subcommand (`aitoss cert`) is no error line.
    return { code: 'usage', message: usage ?? 'no command given; see --help', source: null, exitCode };
  }
  if (isAitossError(error)) return { code: error.kind, message: error.toLine(), source: error.source ?? null, exitCode };
  if (error instanceof Interrupted) return { code: 'interrupted', message: `interrupted by ${error.signal}; no result`, source: null, exitCode };
  return { code: 'internal', message: internalErrorLine(error), source: null, exitCode };
}

/** `--at` when it is a valid date (a Prometheus failure is stamped as the check would have been), else now. */
function failureTime(requested: RequestedOutput, io: CliIO): Date {
  try {
    return requested.at === undefined ? io.now() : parseAt(requested.at);
  } catch {
    return io.now();
  }
}

/**
 * commander quotes the argument it could not place (`unknown option '-----BEGIN…'` when a
 * key is pasted as a PATH): a quoted value that is not a short plausible path or word is
 * replaced by what it looks like, never shown.
 */
function withoutSecrets(message: string): string {
  return message.replace(/'([^']*)'/g, (quoted, value: string) =>
    isShowablePath(value) ? quoted : `<${looksLikeContent(value) ? 'key or certificate content' : 'a value'} not shown>`,
  );
}

function exitCodeFor(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
      return EXIT.success;
    }
    // commander printed its one-line message already (see outputError).
    return EXIT.usage;
  }
  if (error instanceof Interrupted) {
    io.stderr.write(`aitoss: ${error.message}\n`);
    return error.signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
  }
  if (isAitossError(error)) {
    io.stderr.write(`aitoss: ${error.toLine()}\n`);
    if (debugEnabled(io.env)) io.stderr.write(`${(error.cause instanceof Error ? error.cause : error).stack}\n`);
    return error.kind === 'usage' ? EXIT.usage : EXIT.input;
  }
  io.stderr.write(`aitoss: ${internalErrorLine(error)}\n`);
  if (debugEnabled(io.env) && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  return EXIT.bug;
}

function internalErrorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${escapeControlCharacters(message.split('\n')[0] ?? '')}; please report it (DEBUG=aitoss shows details)`;
}

function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return (env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === 'aitoss' || name === '*' || name === 'aitoss:*');
}
