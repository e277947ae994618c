/** Reading Prometheus text exposition back, line by line, for tests of the prometheus format. */
import { expect } from 'vitest';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: every sample follows its metric's HELP and TYPE. */
export function parseExposition(text: string): { samples: Sample[]; help: Map<string, string>; type: Map<string, string> } {
  expect(text.endsWith('\n')).toBe(true);
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/))) {
      expect(help.has(m[1]!)).toBe(false);
      help.set(m[1]!, m[2]!);
    } else if ((m = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|untyped)$/))) {
      expect(help.has(m[1]!)).toBe(true);
      type.set(m[1]!, m[2]!);
    } else if ((m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/))) {
      const name = m[1]!;
      expect(type.get(name), `sample ${name} before its TYPE`).toBe('gauge');
      const labels: Record<string, string> = {};
      const body = m[2] ?? '';
      const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/y;
      let last = 0;
      let l: RegExpExecArray | null;
      while (last < body.length && (l = label.exec(body))) {
        labels[l[1]!] = l[2]!.replace(/\\(\\|"|n)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        last = label.lastIndex;
      }
      expect(last, `labels of: ${line}`).toBe(body.length);
      samples.push({ name, labels, value: Number(m[3]) });
    } else {
      throw new Error(`not a line of the exposition format: ${JSON.stringify(line)}`);
    }
  }
  return { samples, help, type };
}
