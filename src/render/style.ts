/**
 * Colors with meaning. chalk does the coloring; whether to color is decided here from
 * the `--no-color`/`--color` flags first, then the environment (NO_COLOR, FORCE_COLOR,
 * TERM=dumb) and whether the stream is a terminal. Without color, chalk is not loaded
 * at all (it sets up its styles when loaded): CI logs and pipes are the common case.
 */
import type { ChalkInstance } from 'chalk';
import type { Level } from '../core/lifecycle.js';
import type { Severity } from '../core/report.js';

export type ColorLevel = 0 | 1 | 2 | 3;

export interface Style {
  enabled: boolean;
  level(level: Level, text: string): string;
  severity(severity: Severity, text: string): string;
  pass(text: string): string;
  fail(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

export function colorLevelFor(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
  flag?: boolean,
): ColorLevel {
  // A flag on the command line wins over the environment (as no-color.org asks).
  if (flag === false) return 0;
  const force = env.FORCE_COLOR;
  const forced: ColorLevel | undefined =
    force === undefined ? undefined : force === '0' || force === 'false' ? 0 : force === '2' || force === '3' ? (Number(force) as ColorLevel) : 1;
  if (flag === true) return forced || 1;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (forced !== undefined) return forced;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if ((env.TERM ?? '').includes('256')) return 2;
  return 1;
}

const unchanged = (text: string) => text;

/** The style of uncolored output. */
export const PLAIN_STYLE: Style = {
  enabled: false,
  level: (_level, text) => text,
  severity: (_severity, text) => text,
  pass: unchanged,
  fail: unchanged,
  bold: unchanged,
  dim: unchanged,
};

export async function createStyle(colorLevel: ColorLevel): Promise<Style> {
  if (colorLevel === 0) return PLAIN_STYLE;
  const { Chalk } = await import('chalk');
  const c: ChalkInstance = new Chalk({ level: colorLevel });
  const byLevel: Record<Level, (text: string) => string> = {
    ok: c.green,
    expiring: c.yellow,
    urgent: c.red,
    critical: c.bold.red,
    expired: c.bold.red,
    'not-yet-valid': c.magenta,
    'never-valid': c.bold.red,
  };
  const bySeverity: Record<Severity, (text: string) => string> = {
    error: c.red,
    warning: c.yellow,
    info: c.dim,
  };
  return {
    enabled: colorLevel > 0,
    level: (level, text) => byLevel[level](text),
    severity: (severity, text) => bySeverity[severity](text),
    pass: (text) => c.bold.green(text),
    fail: (text) => c.bold.red(text),
    bold: (text) => c.bold(text),
    dim: (text) => c.dim(text),
  };
}
