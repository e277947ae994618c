/** Options and argument parsers shared by several commands. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';

/**
 * `--at DATE`: ISO 8601, a day (`2027-01-15`, read as 00:00 UTC) or a date-time with
 * an offset or `Z` (`2027-01-15T09:00:00+09:00`).
 */
export function parseAt(value: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  if (!iso.test(value)) {
    throw new InvalidArgumentError('expected an ISO 8601 date such as 2027-01-15 or 2027-01-15T09:00:00+09:00');
  }
  const [year, month, day] = [value.slice(0, 4), value.slice(5, 7), value.slice(8, 10)].map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new InvalidArgumentError(`${value.slice(0, 10)} is not a calendar date`);
  }
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : hasZone ? value.replace(' ', 'T') : `${value.replace(' ', 'T')}Z`);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`${value} is not a valid time`);
  return date;
}

export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** `--timeout`: `10s`, `500ms`, `2m`, `1m30s`; a bare number is milliseconds (see parseDuration). */
export function parseTimeout(value: string): number {
  const parsed = parseDuration(value);
  if ('problem' in parsed) throw new InvalidArgumentError(parsed.problem);
  return parsed.ms;
}

export interface CredentialOptions {
  cert?: string;
  key?: string;
  passphraseEnv?: string;
}

/** `--cert SRC`, `--key SRC`, `--passphrase-env NAME`. */
export function addCredentialOptions(command: Command): Command {
  return command
    .option('--cert <src>', 'certificate: a file, - for stdin, or env:NAME (PEM, escaped PEM, or base64)')
    .option('--key <src>', 'private key for --cert: a file, - for stdin, or env:NAME')
    .option('--passphrase-env <name>', 'environment variable holding the key passphrase (default: AITOSS_KEY_PASSPHRASE)');
}

/** `-r, --recursive`: read the subfolders of a PATH directory too. */
export function recursiveOption(): Option {
  return new Option('-r, --recursive', 'read subfolders of a directory too (hidden folders and node_modules are not read; a symlink loop is read once)');
}

export function atOption(): Option {
  return new Option('--at <date>', 'evaluate as of this ISO 8601 date instead of now').argParser(parseAt);
}

/** `--config FILE`: read this configuration file instead of searching for one. */
export function configOption(): Option {
  return new Option('--config <file>', 'read settings from this file instead of searching from the working directory upward');
}

/** `--fail-under DAYS`: a whole number of days, 0 or more. */
export function failUnderOption(): Option {
  return new Option('--fail-under <days>', "fail when fewer than DAYS whole days remain (default: 30, the console's first notice)").argParser(
    parsePositiveInteger,
  );
}

/**
 * The names closest to `word` (a mistyped command or `--option`), for a one-line "did you
 * mean" hint. Each candidate is the list of names of one thing, its preferred name first:
 * an option's long flags as written (`--cacert, --ca <file>` offers --cacert), a command
 * and its aliases. A thing is offered under its preferred name whichever of its names was
 * close, and once. The bounds are commander's: at most 2 edits, and more than 40% of the
 * longer word kept.
 */
export function closestNames(word: string, candidates: ReadonlyArray<readonly string[]>): string[] {
  const bare = (name: string) => name.replace(/^--/, '');
  const typed = bare(word);
  let best = 2;
  let found: string[] = [];
  for (const names of candidates) {
    const distance = Math.min(
      ...names.map((name) => {
        const candidate = bare(name);
        if (candidate.length <= 1) return Infinity;
        const d = editDistance(typed, candidate);
        return (Math.max(typed.length, candidate.length) - d) / Math.max(typed.length, candidate.length) > 0.4 ? d : Infinity;
      }),
    );
    const preferred = names[0];
    if (preferred === undefined || distance > best) continue;
    if (distance < best) [best, found] = [distance, []];
    if (!found.includes(preferred)) found.push(preferred);
  }
  return found.sort();
}

/** The long flags of an option as written: `--cacert, --ca <file>` → --cacert, --ca. */
export function longFlags(flags: string): string[] {
  return flags.split(/[ ,|]+/).filter((part) => /^--[^-]/.test(part));
}

/** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.max(a.length, b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The output formats of inspect, config and ping. */
export const TEXT_OR_JSON = ['text', 'json'] as const;

/**
 * `-f, --format FORMAT` among `choices`, and `--json`, its shorthand (kept from before
 * --format existed). `defaultText` says what is used when neither is given. The choices
 * are checked here rather than with commander's choices(), whose help would add a second
 * parenthesis after the default.
 */
export function addFormatOptions(command: Command, choices: readonly string[], defaultText = 'text'): Command {
  const listed = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  const parse = (value: string) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`expected ${listed}`);
    return value;
  };
  return command
    .addOption(new Option('-f, --format <format>', `output format: ${listed} (default: ${defaultText})`).argParser(parse))
    .option('--json', 'same as --format json');
}

/** The format `--json`/`--format` ask for, else `fallback`; both given and different: a usage error. */
export function chooseFormat<F extends string>(options: { json?: boolean; format?: F }, fallback: F): F | 'json' {
  if (options.json && options.format !== undefined && options.format !== 'json') {
    throw usageError(`--json and --format ${options.format} disagree; give one`);
  }
  if (options.json) return 'json';
  return options.format ?? fallback;
}
