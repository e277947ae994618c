import { describe, expect, it } from 'vitest';
import { colorLevelFor, createStyle } from '../../src/render/style.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colorLevelFor', () => {
  it('colors a terminal and not a pipe', () => {
    expect(colorLevelFor(tty, { TERM: 'xterm' })).toBe(1);
    expect(colorLevelFor(tty, { TERM: 'xterm-256color' })).toBe(2);
    expect(colorLevelFor(tty, { COLORTERM: 'truecolor' })).toBe(3);
    expect(colorLevelFor(pipe, {})).toBe(0);
    expect(colorLevelFor(tty, { TERM: 'dumb' })).toBe(0);
  });
  it('honors NO_COLOR, FORCE_COLOR and the flags', () => {
    expect(colorLevelFor(tty, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevelFor(tty, { NO_COLOR: '' })).toBe(1);
    expect(colorLevelFor(pipe, { FORCE_COLOR: '1' })).toBe(1);
    expect(colorLevelFor(pipe, { FORCE_COLOR: '3' })).toBe(3);
    expect(colorLevelFor(tty, { FORCE_COLOR: '0' })).toBe(0);
    expect(colorLevelFor(tty, {}, false)).toBe(0);
    expect(colorLevelFor(pipe, {}, true)).toBe(1);
    expect(colorLevelFor(pipe, { NO_COLOR: '1' }, true)).toBe(1); // the flag wins
    expect(colorLevelFor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(0);
  });
});

it('createStyle colors by level only when enabled', async () => {
  const plain = await createStyle(0);
  const colored = await createStyle(1);
  expect(plain.level('expired', 'x')).toBe('x');
  expect(plain.enabled).toBe(false);
  expect(colored.level('ok', 'x')).toBe('\u001b[32mx\u001b[39m');
  expect(colored.level('expiring', 'x')).toBe('\u001b[33mx\u001b[39m');
  expect(colored.enabled).toBe(true);
});
