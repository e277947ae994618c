import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAt, parsePositiveInteger } from '../../src/commands/options.js';

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
