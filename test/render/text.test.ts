import { describe, expect, it } from 'vitest';
import { pairCertificates } from '../../src/core/pairing.js';
import { buildReport } from '../../src/core/report.js';
import { createStyle } from '../../src/render/style.js';
import { remainingPhrase, renderInspectText, stamp } from '../../src/render/text.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

const plain = await createStyle(0);

describe('renderInspectText', () => {
  it('aligns one block per certificate and ends with a summary', () => {
    const report = buildReport(
      pairCertificates([certificateFile('lifecycle/urgent-5d.crt')], [loadedKey('lifecycle/urgent-5d.key'), loadedKey('pairs/ec-sec1.key')]),
      PIN,
    );
    const text = renderInspectText(report, plain);
    const [cert, key, summary] = text.trimEnd().split('\n\n');
    expect(cert?.split('\n')[0]).toBe('lifecycle/urgent-5d.crt  URGENT  5 days left, expires 2026-12-06');
    const labels = cert!.split('\n').slice(1).filter((l) => /^ {2}[a-z]/.test(l));
    for (const line of labels) expect(line.slice(2, 15)).toMatch(/^[a-z0-9 ()]+ *$/);
    expect(cert).toContain("  ✗ 5 days left, expires 2026-12-06: inside the console's 7-day notice");
    expect(cert?.split('\n').at(-1)).toBe('  → renew within 5 days: issue a new certificate in the console, deploy it beside this one, then revoke this one');
    expect(key?.split('\n')[0]).toBe('pairs/ec-sec1.key  KEY WITHOUT CERTIFICATE');
    expect(summary).toBe('1 certificate: 1 urgent · 1 key without a certificate · as of 2026-12-01 00:00 UTC');
  });

  it('colors the level when enabled, and nothing else changes', async () => {
    const report = buildReport(pairCertificates([certificateFile('pairs/rsa-pkcs8.crt')], []), PIN);
    const colored = renderInspectText(report, await createStyle(1));
    expect(colored).toContain('\u001b[32mOK\u001b[39m');
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderInspectText(report, plain));
  });
});

it('remainingPhrase and stamp', () => {
  const expired = { level: 'expired', daysRemaining: -1, notBefore: '', notAfter: '2026-11-30T00:00:00.000Z' } as const;
  expect(remainingPhrase(expired, '2026-12-01T00:00:00.000Z')).toBe('expired 1 day ago');
  // One hour after notAfter, daysRemaining is already -1: the phrase counts whole days since.
  expect(remainingPhrase(expired, '2026-11-30T01:00:00.000Z')).toBe('expired less than a day ago');
  expect(remainingPhrase({ ...expired, daysRemaining: -3 }, '2026-12-02T23:00:00.000Z')).toBe('expired 2 days ago');
  expect(remainingPhrase({ level: 'not-yet-valid', daysRemaining: 400, notBefore: '2027-01-01T00:00:00.000Z', notAfter: '' }, '2026-12-01T00:00:00.000Z')).toBe('valid from 2027-01-01');
  expect(stamp('2026-06-01T12:34:56.000Z')).toBe('2026-06-01 12:34 UTC');
});
