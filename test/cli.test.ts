/**
 * src/cli.ts: which command the argument words name, that a program built with that
 * command alone behaves as the whole program does, and the conventions every command
 * shares (usage errors, help routing), through the built CLI.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, main, namedCommand, routeHelp, type CommandName } from '../src/cli.js';
import type { CliIO, CommandContext } from '../src/commands/context.js';
import { runCli } from './e2e/helpers.js';

function captureIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (chunk: string) => out.push(chunk) > 0 },
    stderr: { write: (chunk: string) => err.push(chunk) > 0 },
    get stdin(): never {
      throw new Error('stdin is not read in these tests');
    },
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    now: () => new Date('2026-12-01T00:00:00Z'),
  };
}

const ctx = (): CommandContext => ({ io: captureIO(), color: undefined, setOutcome: () => undefined });

function find(program: Command, path: string): Command {
  let command = program;
  for (const word of path.split(' ')) command = command.commands.find((c) => c.name() === word)!;
  return command;
}

describe('namedCommand', () => {
  it.each([
    [['cert', 'check', '--cert', 'a.crt'], 'cert check'],
    [['cert', 'inspect', 'certs/'], 'cert inspect'],
    [['--no-color', 'cert', 'inspect'], 'cert inspect'],
    [['--color', '--no-color', 'ping', 'https://example.test/'], 'ping'],
    [['config', '--json'], 'config'],
  ] as const)('%j names %s', (argv, name) => {
    expect(namedCommand(argv)).toBe(name);
  });

  it.each([[[]], [['--help']], [['help', 'cert']], [['cert']], [['cert', 'chek']], [['-V']], [['--colour', 'ping']], [['pingg']]])(
    '%j names none: the whole program is built',
    (argv) => {
      expect(namedCommand(argv)).toBeUndefined();
    },
  );
});

describe('buildProgram', () => {
  it('builds every command, cert first, by default', () => {
    const program = buildProgram(ctx());
    expect(program.commands.map((c) => c.name())).toEqual(['cert', 'config', 'ping']);
    expect(find(program, 'cert').commands.map((c) => c.name())).toEqual(['inspect', 'check']);
  });

  it.each(['cert inspect', 'cert check', 'config', 'ping'] as CommandName[])('built alone, %s has the same options and help', (name) => {
    const whole = find(buildProgram(ctx()), name);
    const alone = find(buildProgram(ctx(), name), name);
    expect(alone.options.map((o) => o.flags)).toEqual(whole.options.map((o) => o.flags));
    expect(alone.helpInformation()).toBe(whole.helpInformation());
  });
});

describe('main', () => {
  it('prints the whole help for --help', async () => {
    const io = captureIO();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/cert\s+inspect and check/);
    expect(io.out.join('')).toMatch(/config \[options\]/);
    expect(io.out.join('')).toMatch(/ping \[options\] \[url\]/);
  });

  it("suggests an option of the named command, and a command for a typo", async () => {
    const option = captureIO();
    expect(await main(['cert', 'check', '--requre-key'], option)).toBe(2);
    expect(option.err.join('')).toBe("aitoss: unknown option '--requre-key' (did you mean --require-key?); see 'aitoss cert check --help'\n");
    const command = captureIO();
    expect(await main(['cert', 'chek'], command)).toBe(2);
    expect(command.err.join('')).toBe("aitoss: unknown command 'chek' (did you mean check?); see 'aitoss cert --help'\n");
  });
});

describe('routeHelp', () => {
  it.each([
    [['help', 'cert', 'inspect'], ['cert', 'inspect', '--help']],
    [['cert', 'help', 'inspect'], ['cert', 'inspect', '--help']],
    [['--no-color', 'help', 'ping'], ['--no-color', 'ping', '--help']],
    [['help', 'ping', 'extra'], ['ping', '--help']],
    [['help'], ['--help']],
    [['help', 'cert'], ['cert', '--help']],
    [['help', 'certs'], ['certs']],
    [['cert', 'help', 'chek'], ['cert', 'chek']],
    [['cert', 'inspect', 'help'], ['cert', 'inspect', 'help']],
    [['ping', 'help'], ['ping', 'help']],
  ])('%j → %j', (argv, routed) => {
    expect(routeHelp(argv)).toEqual(routed);
  });
});

describe('usage errors through the built CLI', () => {
  it.each([
    [['certs'], "aitoss: unknown command 'certs' (did you mean cert?); see 'aitoss --help'"],
    [['help', 'certs'], "aitoss: unknown command 'certs' (did you mean cert?); see 'aitoss --help'"],
    [['cert', 'chekc'], "aitoss: unknown command 'chekc' (did you mean check?); see 'aitoss cert --help'"],
    [['cert', 'check', '--requre-key'], "aitoss: unknown option '--requre-key' (did you mean --require-key?); see 'aitoss cert check --help'"],
    [['ping', '--nno-proxy'], "aitoss: unknown option '--nno-proxy' (did you mean --no-proxy?); see 'aitoss ping --help'"],
    [['cert', 'inspect', '--colr'], "aitoss: unknown option '--colr' (did you mean --color?); see 'aitoss cert inspect --help'"],
    [['cert', 'inspect', '--zzzzzz'], "aitoss: unknown option '--zzzzzz'; see 'aitoss cert inspect --help'"],
    // The value of an unknown --name=value may be a secret typed in the wrong place.
    [['cert', 'check', '--passphrase=hunter2'], "aitoss: unknown option '--passphrase=…'; see 'aitoss cert check --help'"],
  ])('%j: one line on stderr, exit 2', async (args, line) => {
    const result = await runCli(args);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it.each([
    [['help', 'cert', 'inspect'], 'Usage: aitoss cert inspect [options] [path...]'],
    [['cert', 'help', 'inspect'], 'Usage: aitoss cert inspect [options] [path...]'],
    [['help', 'cert', 'check'], 'Usage: aitoss cert check [options] [path...]'],
    [['help', 'cert'], 'Usage: aitoss cert [options] [command]'],
    [['help', 'ping'], 'Usage: aitoss ping [options] [url]'],
    [['help', 'config'], 'Usage: aitoss config [options]'],
    [['help'], 'Usage: aitoss [options] [command]'],
  ])('%j shows that command\'s help, exit 0', async (args, usage) => {
    const result = await runCli(args);
    expect(result.stdout.split('\n')[0]).toBe(usage);
    expect(result.code).toBe(0);
  });
});
