import { describe, expect, it } from 'vitest';
import { pairCertificates } from '../../src/core/pairing.js';
import { buildReport } from '../../src/core/report.js';
import { checkReport, type CheckOptions, type CheckReport } from '../../src/core/verdict.js';
import { command, escapeData, escapeProperty, renderGithub, renderSummaryMarkdown } from '../../src/render/github.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

function check(certs: string[], keys: string[], options: Partial<CheckOptions> = {}): CheckReport {
  const report = buildReport(pairCertificates(certs.map(certificateFile), keys.map(loadedKey)), PIN);
  return checkReport(report, { failUnder: 30, requireKey: false, all: false, ...options });
}

describe('escaping', () => {
  it('escapes %, CR and LF in messages', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
  });

  it('also escapes : and , in properties', () => {
    expect(escapeProperty('C:\\certs\\a,b.crt\n%')).toBe('C%3A\\certs\\a%2Cb.crt%0A%25');
  });

  it('builds a command with properties', () => {
    expect(command('error', { file: 'a:b.crt', title: 'T, t' }, 'line 1\nline 2')).toBe('::error file=a%3Ab.crt,title=T%2C t::line 1%0Aline 2');
    expect(command('warning', { file: undefined }, 'm')).toBe('::warning::m');
  });
});

describe('renderGithub', () => {
  it('annotates a failing certificate with ::error naming the file', () => {
    const { lines } = renderGithub(check(['lifecycle/urgent-5d.crt'], ['lifecycle/urgent-5d.key']));
    expect(lines).toEqual([
      '::error file=lifecycle/urgent-5d.crt,title=Client certificate fails the check::lifecycle/urgent-5d.crt: 5 days left (< 30)%0Aissue the next certificate now; none is staged',
      'aitoss: check failed · 1 certificate: 1 fail · fail under 30 days · as of 2026-12-01 00:00 UTC',
    ]);
  });

  it('warns about a passing certificate inside the 30-day notice, and says nothing about a healthy one', () => {
    const { lines } = renderGithub(
      check(['lifecycle/expiring-20d.crt', 'pairs/rsa-pkcs8.crt'], ['lifecycle/expiring-20d.key', 'pairs/rsa-pkcs8.key'], { failUnder: 7 }),
    );
    expect(lines).toEqual([
      '::warning file=lifecycle/expiring-20d.crt,title=Client certificate expires in 20 days::lifecycle/expiring-20d.crt: 20 days left, expires 2026-12-21%0Aissue the next certificate now; none is staged',
      'aitoss: check passed · 2 certificates: 2 pass · fail under 7 days · as of 2026-12-01 00:00 UTC',
    ]);
  });

  it('does not annotate a superseded certificate', () => {
    const { lines } = renderGithub(check(['rotation/app-2025.crt', 'rotation/app-2026.crt'], ['rotation/app-2025.key', 'rotation/app-2026.key']));
    expect(lines).toEqual(['aitoss: check passed · 2 certificates: 1 pass, 1 superseded · fail under 30 days · as of 2026-12-01 00:00 UTC']);
  });

  it('names env: sources in the message, not as a file', () => {
    const report = check(['lifecycle/expired.crt'], []);
    report.certificates[0]!.source = 'env:AITOSS_CERT';
    const [line] = renderGithub(report).lines;
    expect(line).toMatch(/^::error title=Client certificate fails the check::env:AITOSS_CERT: expired 36 days ago \(2026-10-26\)/);
  });
});

describe('the step summary', () => {
  it('is a Markdown table, one row per certificate', () => {
    const report = check(
      ['rotation/app-2025.crt', 'rotation/app-2026.crt', 'lifecycle/urgent-5d.crt'],
      ['rotation/app-2025.key', 'rotation/app-2026.key'],
    );
    expect(renderSummaryMarkdown(report)).toBe(
      [
        '### aitoss cert check: ❌ failed',
        '',
        '| Result | Certificate | Subject | Days left | Expires | Key | Details |',
        '|---|---|---|--:|---|---|---|',
        '| ⏭️ superseded | `rotation/app-2025.crt` | CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss | 10 | 2026-12-11 | matches | superseded by rotation/app-2026.crt; this one has 10 days left, expires 2026-12-11 |',
        '| ✅ pass | `rotation/app-2026.crt` | CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss | 379 | 2027-12-15 | matches | 379 days left, expires 2027-12-15 |',
        '| ❌ fail | `lifecycle/urgent-5d.crt` | CN=urgent-5d.partner.example, O=Demo Partner, OU=Apps in Toss | 5 | 2026-12-06 | not checked | 5 days left (< 30) |',
        '',
        '3 certificates: 1 pass, 1 fail, 1 superseded · fail under 30 days · as of 2026-12-01 00:00 UTC',
        '',
      ].join('\n'),
    );
  });

  it('escapes pipes and line breaks in cells', () => {
    const report = check(['pairs/rsa-pkcs8.crt'], ['pairs/rsa-pkcs8.key']);
    report.certificates[0]!.subject = 'CN=a|b\nO=x';
    report.certificates[0]!.source = 'dir|x/a.crt';
    const row = renderSummaryMarkdown(report).split('\n')[4]!;
    // The line break is shown escaped (data, not layout), the pipe escaped for Markdown.
    expect(row).toContain('| `dir\\|x/a.crt` | CN=a\\|b\\\\nO=x |');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(9);
  });

  it('marks a passing certificate inside the notice', () => {
    const report = check(['lifecycle/expiring-20d.crt'], ['lifecycle/expiring-20d.key'], { failUnder: 7 });
    expect(renderSummaryMarkdown(report)).toMatch(/^\| ⚠️ pass \| `lifecycle\/expiring-20d\.crt` /m);
    expect(renderSummaryMarkdown(report)).toMatch(/^### aitoss cert check: ✅ passed$/m);
  });
});
