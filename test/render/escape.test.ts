/**
 * Terminal output is data: no string from outside reaches a text renderer's output with
 * a raw control, C1 or bidirectional character, and a file name cannot forge a line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, UNSAFE_CHARACTERS } from '../../src/core/errors.js';
import { pairCertificates } from '../../src/core/pairing.js';
import { buildReport, type InspectReport } from '../../src/core/report.js';
import { checkReport, type CheckReport } from '../../src/core/verdict.js';
import { renderCheckText, renderCheckVerdicts } from '../../src/render/check-text.js';
import { renderGithub, renderSummaryMarkdown } from '../../src/render/github.js';
import { renderPrometheus } from '../../src/render/prometheus.js';
import { PLAIN_STYLE } from '../../src/render/style.js';
import { renderInspectText } from '../../src/render/text.js';
import { parseExposition } from '../helpers/exposition.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

const RUNS = Number(process.env.AITOSS_FUZZ_RUNS ?? 150);

/** Characters an attacker reaches for, mixed with plain text. */
const HOSTILE = [
  '\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u000b', '\u000c', '\u001b', '\u007f',
  '\u0080', '\u0085', '\u009b', '\u009d', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
  '\u001b[2K\rPASS  app.crt: 365 days left', '\nPASS  ', '\r\nFAIL  ', '%0A', '::error::', '"', '\\', '|', '`',
];
const hostileString = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 })
  .map((parts) => parts.join(''));

/** Raw unsafe characters in `text`, line feeds (the renderers' own line breaks) excepted. */
function unsafeIn(text: string): string[] {
  return [...text.matchAll(UNSAFE_CHARACTERS)].map((m) => m[0]).filter((c) => c !== '\n');
}

function baseReport(): InspectReport {
  return buildReport(
    pairCertificates(
      [certificateFile('rotation/app-2025.crt'), certificateFile('rotation/app-2026.crt'), certificateFile('lifecycle/expired.crt')],
      [loadedKey('rotation/app-2025.key'), loadedKey('rotation/app-2026.key'), loadedKey('pairs/ec-sec1.key')],
    ),
    PIN,
  );
}

/** The report with every name from outside replaced by hostile strings. */
function hostile(report: InspectReport, names: string[]): InspectReport {
  const copy = structuredClone(report);
  copy.certificates.forEach((c, i) => {
    c.source = names[i % names.length]!;
    c.subject = names[(i + 1) % names.length]!;
    c.issuer = names[(i + 2) % names.length]!;
    c.keySource = names[(i + 3) % names.length]!;
    c.nextAction = `replaced by ${names[(i + 4) % names.length]!}`;
    c.problems.push({ code: 'key-mismatch', severity: 'error', message: `the key ${names[0]!} does not belong` });
  });
  copy.keys.forEach((k, i) => (k.source = names[i % names.length]!));
  return copy;
}

const check = (report: InspectReport): CheckReport => checkReport(report, { failUnder: 30, requireKey: false, all: false });

describe('escapeControlCharacters', () => {
  it('leaves no raw control, C1 or bidirectional character, and changes nothing else', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const escaped = escapeControlCharacters(text);
        expect([...escaped.matchAll(UNSAFE_CHARACTERS)]).toEqual([]);
        // Only unsafe characters change: a string without any comes back as it was.
        const safe = text.replace(UNSAFE_CHARACTERS, '');
        expect(escapeControlCharacters(safe)).toBe(safe);
        // Escaping is idempotent: an escaped string has nothing left to escape.
        expect(escapeControlCharacters(escaped)).toBe(escaped);
      }),
      { numRuns: RUNS * 5 },
    );
    expect(escapeControlCharacters('a\u202eb\u001bc\u0085d\ne')).toBe('a\\u202eb\\x1bc\\x85d\\ne');
  });
});

describe('every text renderer escapes strings from outside', () => {
  const base = baseReport();
  const names = fc.array(hostileString, { minLength: 5, maxLength: 5 });

  it('inspect text', () => {
    fc.assert(
      fc.property(names, (n) => {
        const out = renderInspectText(hostile(base, n), PLAIN_STYLE);
        expect(unsafeIn(out)).toEqual([]);
        // As many lines as with plain names: no name adds a line.
        const plain = renderInspectText(hostile(base, ['a', 'b', 'c', 'd', 'e']), PLAIN_STYLE);
        expect(out.split('\n')).toHaveLength(plain.split('\n').length);
      }),
      { numRuns: RUNS },
    );
  });

  it('check text and check --quiet: exactly one verdict line per certificate', () => {
    fc.assert(
      fc.property(names, (n) => {
        const report = check(hostile(base, n));
        for (const out of [renderCheckText(report, PLAIN_STYLE), renderCheckVerdicts(report, PLAIN_STYLE)]) {
          expect(unsafeIn(out)).toEqual([]);
          expect(out.split('\n').filter((l) => /^(PASS|FAIL|SUPERSEDED|CA) {2}/.test(l))).toHaveLength(report.certificates.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('GitHub workflow commands and the step summary', () => {
    fc.assert(
      fc.property(names, (n) => {
        const report = check(hostile(base, n));
        const { lines, summary } = renderGithub(report);
        for (const line of lines) {
          expect(unsafeIn(line)).toEqual([]);
          expect(line).not.toContain('\n');
        }
        // Each failing certificate is one ::error, and the closing line is the last.
        expect(lines.filter((l) => l.startsWith('::error'))).toHaveLength(report.certificates.filter((c) => c.verdict === 'fail').length);
        expect(lines.at(-1)).toMatch(/^aitoss: check (passed|failed) · /);
        expect(unsafeIn(summary)).toEqual([]);
        expect(unsafeIn(renderSummaryMarkdown(report))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('Prometheus label values', () => {
    fc.assert(
      fc.property(names, (n) => {
        const report = check(hostile(base, n));
        const text = renderPrometheus(report);
        expect(unsafeIn(text)).toEqual([]);
        const { samples } = parseExposition(text);
        expect(samples.filter((s) => s.name === 'aitoss_certificate_days_remaining')).toHaveLength(report.certificates.length);
        for (const sample of samples) {
          for (const value of Object.values(sample.labels)) expect(unsafeIn(value)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
