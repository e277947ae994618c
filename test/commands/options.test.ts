import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { closestNames, longFlags, parseAt, parsePositiveInteger } from '../../src/commands/options.js';

describe('parseAt (--at)', () => {
  it.each([
    ['2027-01-15', '2027-01-15T00:00:00.000Z'],
    ['2027-01-15T09:30', '2027-01-15T09:30:00.000Z'],
    ['2027-01-15T09:30:15Z', '2027-01-15T09:30:15.000Z'],
    ['2027-01-15T09:00:00+09:00', '2027-01-15T00:00:00.000Z'],
    ['2027-01-15 09:00:00-0130', '2027-01-15T10:30:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
  ])('reads %s as %s (a day alone is 00:00 UTC)', (text, iso) => {
    expect(parseAt(text).toISOString()).toBe(iso);
  });

  it.each(['tomorrow', '2027-1-5', '2027-02-30', '2027-13-01', '2027-01-15T25:00', '15/01/2027', ''])('refuses %j', (text) => {
    expect(() => parseAt(text)).toThrow(InvalidArgumentError);
  });
});

it('parsePositiveInteger takes whole numbers only', () => {
  expect(parsePositiveInteger('30')).toBe(30);
  expect(parsePositiveInteger('0')).toBe(0);
  for (const bad of ['-1', '1.5', 'ten', '', '1e3']) expect(() => parsePositiveInteger(bad)).toThrow(InvalidArgumentError);
});

describe('closestNames (did you mean)', () => {
  const ping = [['--cacert', '--ca'], ['--count'], ['--insecure'], ['--no-proxy'], ['--json']];
  it.each([
    ['--cacrt', ['--cacert']],
    ['--ca-cert', ['--cacert']],
    // Close to the alias --ca: offered under the option's preferred name.
    ['--caa', ['--cacert']],
    ['--insecrue', ['--insecure']],
    ['--jsno', ['--json']],
    ['--cont', ['--count']],
    ['--zzzzzz', []],
  ])('%s → %j', (word, names) => {
    expect(closestNames(word, ping)).toEqual(names);
  });

  it('offers every name at the same distance, each thing once', () => {
    expect(closestNames('chek', [['check'], ['cheek'], ['inspect']])).toEqual(['check', 'cheek']);
    expect(closestNames('--ab', [['--abc', '--abd']])).toEqual(['--abc']);
  });

  it('longFlags reads the long names as written', () => {
    expect(longFlags('--cacert, --ca <file>')).toEqual(['--cacert', '--ca']);
    expect(longFlags('-f, --format <format>')).toEqual(['--format']);
    expect(longFlags('--no-proxy')).toEqual(['--no-proxy']);
  });
});
