/**
 * src/cli.ts in process: which command the argument words name, and that a program
 * built with that command alone behaves as the whole program does.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, main, namedCommand, type CommandName } from '../src/cli.js';
import type { CliIO, CommandContext } from '../src/commands/context.js';

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
    expect(option.err.join('')).toContain("(Did you mean --require-key?)");
    const command = captureIO();
    expect(await main(['cert', 'chek'], command)).toBe(2);
    expect(command.err.join('')).toContain("(Did you mean check?)");
  });
});
