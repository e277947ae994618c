/**
 * src/cli.ts: which command the argument words name, that a program built with that
 * command alone behaves as the whole program does, and the conventions every command
 * shares (usage errors, help routing), through the built CLI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProgram, main, namedCommand, routeHelp } from '../src/cli.js';
import type { CliIO, CommandContext } from '../src/commands/context.js';
import { BIN, cleanEnv, ROOT, runCli } from './e2e/helpers.js';

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

  it.each([[[]], [['--help']], [['help', 'cert']], [['cert']], [['cert', 'chek']], [['-V']], [['--colour', 'ping']], [['pingg']]])('%j names none', (argv) => {
    expect(namedCommand(argv)).toBeUndefined();
  });
});

describe('buildProgram', () => {
  it('builds every command, cert first, by default', () => {
    const program = buildProgram(ctx());
    expect(program.commands.map((c) => c.name())).toEqual(['cert', 'config', 'ping']);
    expect(find(program, "cert").commands.map((c) => c.name())).toEqual(["inspect", "check"]);
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
    // An option's names are all candidates; it is offered under the name written first (curl's --cacert).
    [['ping', '--ca-cert', 'x.pem'], "aitoss: unknown option '--ca-cert' (did you mean --cacert?); see 'aitoss ping --help'"],
    [['ping', '--caa', 'x.pem'], "aitoss: unknown option '--caa' (did you mean --cacert?); see 'aitoss ping --help'"],
    [['cert', 'inspect', '--colr'], "aitoss: unknown option '--colr' (did you mean --color?); see 'aitoss cert inspect --help'"],
    [['ping', '--timeout'], "aitoss: --timeout: missing its value <duration>; see 'aitoss ping --help'"],
    [['cert', 'check', '-f'], "aitoss: --format: missing its value <format>; see 'aitoss cert check --help'"],
    [['ping', '--ca'], "aitoss: --cacert: missing its value <file>; see 'aitoss ping --help'"],
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

describe('--timeout takes units, from the flag, the environment and the configuration file', () => {
  // 127.0.0.1:1 refuses at once: the report is printed with the time limit in effect.
  const refused = 'https://127.0.0.1:1/';
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
  ])('--timeout %s is %d ms', async (value, ms) => {
    const result = await runCli(['ping', refused, '--timeout', value, '--json']);
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, timeoutMs: ms });
  });

  it.each([
    ['10x', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['0', 'expected a duration of at least 1ms'],
    ['-1s', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['30d', 'expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds)'],
    ['9999999999', 'expected a duration of at most 596h (about 24 days)'],
  ])('--timeout %s: one line naming the flag, exit 2', async (value, problem) => {
    const result = await runCli(['ping', refused, '--timeout', value]);
    expect(result.stderr).toBe(`aitoss: --timeout ${value}: ${problem}; see 'aitoss ping --help'\n`);
    expect(result.code).toBe(2);
  });

  it('AITOSS_TIMEOUT and the file key timeout take units too; the flag wins', async () => {
    const project = mkdtempSync(join(tmpdir(), 'aitoss-timeout-'));
    try {
      writeFileSync(join(project, '.aitossrc.yaml'), 'timeout: 2m\n');
      const config = async (env: Record<string, string> = {}) => JSON.parse((await runCli(['config', '--json'], { cwd: project, env })).stdout).settings.timeoutMs;
      expect(await config()).toEqual({ value: 120_000, origin: join(project, '.aitossrc.yaml') });
      expect(await config({ AITOSS_TIMEOUT: '750ms' })).toEqual({ value: 750, origin: 'env:AITOSS_TIMEOUT' });
      const flag = await runCli(['ping', refused, '--timeout', '3s', '--json'], { cwd: project, env: { AITOSS_TIMEOUT: '750ms' } });
      expect(JSON.parse(flag.stdout).timeoutMs).toBe(3000);

      const badEnv = await runCli(['ping', refused], { cwd: project, env: { AITOSS_TIMEOUT: 'soon' } });
      expect(badEnv.stderr).toBe(
        'aitoss: env:AITOSS_TIMEOUT: expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds), got "soon"\n',
      );
      expect(badEnv.code).toBe(2);

      writeFileSync(join(project, '.aitossrc.yaml'), 'timeout: 2 minutes\n');
      const badFile = await runCli(['ping', refused], { cwd: project });
      expect(badFile.stderr).toBe(
        `aitoss: ${join(project, '.aitossrc.yaml')}: key "timeout": expected a duration such as "10s", "500ms" or "2m", or a whole number of milliseconds, got the string "2 minutes"\n`,
      );
      expect(badFile.code).toBe(2);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('formats and short flags', () => {
  const demo = ['fixtures/demo', '--at', '2026-12-20'];

  it('inspect --format json (and -f json) is --json', async () => {
    const json = await runCli(['cert', 'inspect', ...demo, '--json']);
    for (const flags of [['--format', 'json'], ['-f', 'json'], ['--format=json']]) {
      const result = await runCli(['cert', 'inspect', ...demo, ...flags]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(json.stdout);
    }
    expect(JSON.parse(json.stdout).schemaVersion).toBe(1);
    const text = await runCli(['cert', 'inspect', ...demo, '-f', 'text']);
    expect(text.stdout).toMatch(/^fixtures\/demo\/demo-2025_cert\.pem {2}/);
  });

  it.each([
    [['cert', 'inspect', ...demo, '--format', 'prometheus'], "aitoss: --format prometheus: expected text or json; see 'aitoss cert inspect --help'"],
    [['cert', 'check', ...demo, '-f', 'xml'], "aitoss: --format xml: expected text, json, github or prometheus; see 'aitoss cert check --help'"],
    [['config', '-f', 'yaml'], "aitoss: --format yaml: expected text or json; see 'aitoss config --help'"],
  ])('%j: an unknown format is a usage error', async (args, line) => {
    const result = await runCli(args);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.code).toBe(2);
  });

  it('--json with another --format is a usage error', async () => {
    const result = await runCli(['cert', 'inspect', ...demo, '--json', '-f', 'text']);
    expect(result.stderr).toBe('aitoss: --json and --format text disagree; give one; see --help\n');
    expect(result.code).toBe(2);
  });

  it('check --quiet (-q) prints only the verdicts, and exits as the check does', async () => {
    const full = await runCli(['cert', 'check', ...demo]);
    for (const flag of ['--quiet', '-q']) {
      const quiet = await runCli(['cert', 'check', ...demo, flag]);
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toBe(
        [
          'SUPERSEDED  fixtures/demo/demo-2025_cert.pem: superseded by fixtures/demo/demo-2026_cert.pem; this one has 25 days left, expires 2027-01-14',
          'PASS  fixtures/demo/demo-2026_cert.pem: 365 days left, expires 2027-12-20',
          '',
        ].join('\n'),
      );
      expect(full.stdout.startsWith(quiet.stdout)).toBe(true);
    }
    const failing = await runCli(['cert', 'check', ...demo, '-q', '--fail-under', '400']);
    expect(failing.code).toBe(1);
    expect(failing.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(failing.stdout).toContain('FAIL  fixtures/demo/demo-2026_cert.pem: 365 days left (< 400)');
  });

  it('config -f json, ping -c and -X are the long options', async () => {
    const config = await runCli(['config', '-f', 'json']);
    expect(JSON.parse(config.stdout).schemaVersion).toBe(1);
    const ping = await runCli(['ping', 'https://127.0.0.1:1/', '-c', '2', '-X', 'head', '-f', 'json', '--timeout', '2s']);
    expect(ping.code).toBe(1);
    expect(JSON.parse(ping.stdout)).toMatchObject({ count: 2, method: 'HEAD' });
  });

  it('no short flag is taken twice along a command path', () => {
    const program = buildProgram(ctx());
    for (const path of ['cert inspect', 'cert check', 'config', 'ping']) {
      const shorts: string[] = [];
      for (let c: Command | null = find(program, path); c; c = c.parent) {
        for (const option of c.options) if (option.short && !option.short.startsWith('--')) shorts.push(option.short);
      }
      expect(new Set(shorts).size, `${path}: ${shorts.join(' ')}`).toBe(shorts.length);
    }
  });

  it('every help text writes a default one way: "(default: X)" at the end of the description', () => {
    const program = buildProgram(ctx());
    for (const path of ['cert inspect', 'cert check', 'config', 'ping']) {
      const command = find(program, path);
      const help = command.createHelp();
      const described = [
        ...command.options.map((o) => help.optionDescription(o)),
        ...command.registeredArguments.map((a) => help.argumentDescription(a)),
      ];
      for (const text of described.filter((t) => /default/i.test(t))) {
        expect(text, `${path}: ${text}`).toMatch(/\(default: [^()]+(?:\([^()]*\)[^()]*)*\)$/);
        expect(text.match(/default/gi), `${path}: ${text}`).toHaveLength(1);
      }
    }
  });
});

describe('a machine format still gets a document when the command cannot run', () => {
  const errorDocument = (code: string, message: string, source: string | null = null, exitCode = 2) => ({
    schemaVersion: 1,
    ok: false,
    error: { code, message, source, exitCode },
  });

  it.each([
    // usage errors: commander stops before the command runs
    [['cert', 'check', '--json', '--bogus'], 'usage', "unknown option '--bogus'; see 'aitoss cert check --help'", null],
    [['cert', 'inspect', '-f', 'json', '--at', 'tomorrow'], 'usage', "--at tomorrow: expected an ISO 8601 date such as 2027-01-15 or 2027-01-15T09:00:00+09:00; see 'aitoss cert inspect --help'", null],
    [['ping', '--json', '--timeout', '10x'], 'usage', "--timeout 10x: expected a duration such as 10s, 500ms or 2m (a bare number is milliseconds); see 'aitoss ping --help'", null],
    [['config', '--format=json', '--fail-under', 'soon'], 'usage', "--fail-under soon: expected a whole number; see 'aitoss config --help'", null],
    [['certs', '--json'], 'usage', "unknown command 'certs' (did you mean cert?); see 'aitoss --help'", null],
    [['cert', 'check', '--json'], 'usage', 'name what to check: PATH..., or --cert SRC --key SRC (or AITOSS_CERT/AITOSS_KEY, or cert and key in a configuration file); see --help', null],
    [['ping', 'http://127.0.0.1:1/', '-f', 'json'], 'usage', 'ping speaks HTTPS only, got http://; give an https:// URL such as https://apps-in-toss-api.toss.im/', null],
    // input errors: the command ran and could not read what it was given
    [['cert', 'check', 'fixtures/missing.crt', '--json'], 'input', 'fixtures/missing.crt: no such file or directory', 'fixtures/missing.crt'],
    [['cert', 'inspect', 'fixtures/missing.crt', '--format', 'json'], 'input', 'fixtures/missing.crt: no such file or directory', 'fixtures/missing.crt'],
    // A file named by a flag is named with it (issue 12: messages say where a value came from).
    [['ping', 'https://127.0.0.1:1/', '--cert', 'fixtures/missing.crt', '--json'], 'input', '--cert fixtures/missing.crt: no such file or directory', '--cert fixtures/missing.crt'],
  ])('%j: stderr has the line, stdout the JSON error document, exit 2', async (args, code, message, source) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aitoss: ${message}\n`);
    expect(JSON.parse(result.stdout)).toEqual(errorDocument(code, message, source));
  });

  it('a deleted working directory under --json: the error document too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-gone-'));
    const result = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" cert check x.crt --json', 'sh', dir, process.execPath, BIN], {
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    const message =
      'the working directory cannot be found (ENOENT): it was removed, or a directory above it cannot be searched; cd to an existing directory and run again';
    expect(result.stderr).toBe(`aitoss: ${message}\n`);
    expect(JSON.parse(result.stdout)).toEqual(errorDocument('input', message, null));
  });

  it('a configuration that never finishes loading, under --json: the error document too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-pending-'));
    try {
      mkdirSync(join(dir, '.git'));
      writeFileSync(join(dir, 'aitoss.config.mjs'), 'export default new Promise(() => {});\n');
      const result = await runCli(['config', '--json'], { cwd: dir });
      expect(result.code).toBe(2);
      const document = JSON.parse(result.stdout);
      expect(document).toMatchObject({ ok: false, error: { code: 'input', source: join(dir, 'aitoss.config.mjs'), exitCode: 2 } });
      expect(result.stderr).toBe(`aitoss: ${document.error.message}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config --json with an environment value it cannot use', async () => {
    const result = await runCli(['config', '--json'], { env: { AITOSS_FAIL_UNDER: 'soon' } });
    expect(result.code).toBe(2);
    const message = 'env:AITOSS_FAIL_UNDER: expected a whole number of days (0 or more), got "soon"';
    expect(JSON.parse(result.stdout)).toEqual(errorDocument('input', message, 'env:AITOSS_FAIL_UNDER'));
  });

  it('text output gets nothing on stdout; a format the command does not have neither', async () => {
    for (const args of [['cert', 'check', 'fixtures/missing.crt'], ['cert', 'inspect', 'fixtures/missing.crt', '-f', 'prometheus']]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
    }
  });

  it('github: an ::error annotation, also when GITHUB_ACTIONS chose the format', async () => {
    const line = '::error title=aitoss could not run the check::aitoss: fixtures/missing.crt: no such file or directory\n';
    expect((await runCli(['cert', 'check', 'fixtures/missing.crt', '-f', 'github'])).stdout).toBe(line);
    const chosen = await runCli(['cert', 'check', 'fixtures/missing.crt'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(chosen.stdout).toBe(line);
    expect(chosen.code).toBe(2);
    const usage = await runCli(['cert', 'check', '--requre-key'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(usage.stdout).toBe(
      "::error title=aitoss could not run the check::aitoss: unknown option '--requre-key' (did you mean --require-key?); see 'aitoss cert check --help'\n",
    );
  });

  it('prometheus: aitoss_check_success 0 for a usage error too, stamped with --at', async () => {
    const result = await runCli(['cert', 'check', '--format', 'prometheus', '--at', '2026-12-01', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'aitoss_check_success 0',
      `aitoss_check_timestamp_seconds ${Date.parse('2026-12-01T00:00:00Z') / 1000}`,
      '',
    ]);
  });

  it('check and ping carry ok at the top of their JSON', async () => {
    const pass = JSON.parse((await runCli(['cert', 'check', 'fixtures/demo', '--at', '2026-12-20', '--json'])).stdout);
    expect(Object.keys(pass).slice(0, 3)).toEqual(['schemaVersion', 'ok', 'evaluatedAt']);
    expect(pass).toMatchObject({ ok: true, status: 'pass' });
    const fail = await runCli(['cert', 'check', 'fixtures/demo', '--at', '2026-12-20', '--json', '--fail-under', '400']);
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.stdout)).toMatchObject({ ok: false, status: 'fail' });
    const ping = await runCli(['ping', 'https://127.0.0.1:1/', '--json']);
    expect(ping.code).toBe(1);
    expect(JSON.parse(ping.stdout)).toMatchObject({ schemaVersion: 1, ok: false });
  });

  it('ping --json stopped by SIGINT: the interrupted document, exit 130', async () => {
    let connected!: () => void;
    const connection = new Promise<void>((resolve) => (connected = resolve));
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const child = spawn(process.execPath, [BIN, 'ping', `https://127.0.0.1:${port}/`, '--json', '--timeout', '20s'], { env: cleanEnv() });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const early = await Promise.race([connection.then(() => 'connected'), exited.then((code) => `exited ${code}`)]);
      expect(early).toBe('connected');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(JSON.parse(stdout)).toEqual(errorDocument('interrupted', 'interrupted by SIGINT; no result', null, 130));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

it('the README documents every option of every command, short flags included', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const program = buildProgram(ctx());
  const missing: string[] = [];
  for (const path of ['cert inspect', 'cert check', 'config', 'ping']) {
    for (const option of find(program, path).options) {
      if (option.hidden || option.long === '--help') continue;
      for (const flag of [option.long, option.short]) {
        if (flag && !readme.includes(`\`${flag}`) && !readme.includes(` ${flag}\``)) missing.push(`${path} ${flag}`);
      }
    }
  }
  expect(missing).toEqual([]);
});

describe('any arguments with --json', () => {
  const io = (): CliIO & { out: string[]; err: string[] } => {
    const base = captureIO();
    Object.defineProperty(base, 'stdin', { value: Readable.from([]) });
    return base;
  };
  const token = fc.oneof(
    fc.constantFrom('cert', 'inspect', 'check', 'config', 'certs', '--at', '--fail-under', '--format', '-f', '-q', '--quiet', '--timeout'),
    fc.constantFrom('--bogus', '--cert', '--key', '--config', '--all', '--strict', '--require-key', '--passphrase-env', '-', '--format=json'),
    fc.constantFrom('fixtures/demo', 'fixtures/missing.crt', 'fixtures/pairs/rsa-pkcs8.key', 'json', 'text', 'prometheus', 'github', '2026-12-20', '10x', '30'),
    // Free text, but no flag: -h, -V or a cluster holding them would print help or the version.
    fc.string({ maxLength: 12 }).filter((s) => !s.startsWith('-') && s !== 'help'),
  );
  const start = fc.constantFrom<string[]>(['cert', 'inspect'], ['cert', 'check'], ['config'], []);

  it('stdout is always one JSON document: a report, or ok: false with the error; stderr at most one line', async () => {
    await fc.assert(
      fc.asyncProperty(start, fc.array(token, { maxLength: 6 }), async (head, rest) => {
        const run = io();
        // --json before the rest: after an option that takes a value (`--cert --json`) it would be that value.
        const code = await main([...head, '--json', ...rest], run);
        expect([0, 1, 2]).toContain(code);
        const document = JSON.parse(run.out.join(''));
        expect(document.schemaVersion).toBe(1);
        if (code === 2) {
          expect(document).toMatchObject({ ok: false, error: { exitCode: 2 } });
          expect(['usage', 'input']).toContain(document.error.code);
          expect(run.err.join('')).toBe(`aitoss: ${document.error.message}\n`);
        } else {
          expect(document.error).toBeUndefined();
        }
        expect(run.err.join('').split('\n').filter(Boolean).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });
});
