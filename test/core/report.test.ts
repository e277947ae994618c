import { describe, expect, it } from 'vitest';
import { pairCertificates } from '../../src/core/pairing.js';
import { buildReport, type CertificateReport } from '../../src/core/report.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

function reportOf(name: string, now = PIN): CertificateReport {
  const report = buildReport(pairCertificates([certificateFile(`${name}.crt`)], [loadedKey(`${name}.key`)]), now);
  return report.certificates[0]!;
}
const codes = (r: CertificateReport) => r.problems.map((p) => p.code);

describe('buildReport', () => {
  it('reports a healthy 390-day pair with nothing to do', () => {
    const r = reportOf('pairs/rsa-pkcs8');
    expect(r).toMatchObject({
      level: 'ok',
      daysRemaining: 207,
      validityDays: 390,
      platformValidity: true,
      keyMatch: true,
      keySource: 'pairs/rsa-pkcs8.key',
      clientAuth: true,
      notAfter: '2027-06-26T00:00:00.000Z',
    });
    expect(r.problems).toEqual([]);
    expect(r.nextAction).toBe('nothing to do now; renew from 2027-05-27, 30 days before expiry');
  });

  it.each([
    ['lifecycle/expiring-20d', 'expiring', 20, 'warning'],
    ['lifecycle/urgent-5d', 'urgent', 5, 'error'],
    ['lifecycle/critical-12h', 'critical', 0, 'error'],
    ['lifecycle/boundary-30d', 'expiring', 30, 'warning'],
  ] as const)('%s is %s with %i days and a renewal action', (name, level, days, severity) => {
    const r = reportOf(name);
    expect(r.level).toBe(level);
    expect(r.daysRemaining).toBe(days);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'expires-soon', severity }));
    const within = days === 0 ? 'now, it expires 2026-12-01 at 12:00 UTC' : `within ${days} days?`;
    expect(r.nextAction).toMatch(new RegExp(`^renew ${within}: issue a new certificate in the console, deploy it beside this one, then revoke this one$`));
    // Under a day is never "0 days".
    expect(JSON.stringify(r)).not.toMatch(/\b0 days\b/);
  });

  it('reports expired and not-yet-valid certificates', () => {
    const expired = reportOf('lifecycle/expired');
    expect(expired.level).toBe('expired');
    expect(expired.daysRemaining).toBeLessThan(0);
    expect(codes(expired)).toContain('expired');
    expect(expired.nextAction).toMatch(/^expired on 2026-10-26/);
    const early = reportOf('lifecycle/not-yet-valid');
    expect(early.level).toBe('not-yet-valid');
    expect(codes(early)).toContain('not-yet-valid');
  });

  it('warns about a validity period other than 390 days', () => {
    const r = reportOf('lifecycle/non-390');
    expect(r.platformValidity).toBe(false);
    expect(r.validityDays).toBe(365);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'validity-not-390', severity: 'warning' }));
  });

  it('flags a certificate that does not allow client authentication', () => {
    expect(codes(reportOf('lifecycle/server-auth-only'))).toContain('no-client-auth');
    expect(codes(reportOf('lifecycle/no-eku'))).not.toContain('no-client-auth');
  });

  it('flags a mismatched key and says what to do', () => {
    const r = reportOf('mismatch/same-type');
    expect(r.keyMatch).toBe(false);
    expect(codes(r)).toContain('key-mismatch');
    expect(r.nextAction).toMatch(/does not belong to this certificate/);
  });

  it('evaluates as of the date given', () => {
    expect(reportOf('pairs/rsa-pkcs8', new Date('2027-06-20T00:00:00Z'))).toMatchObject({ level: 'urgent', daysRemaining: 6 });
    expect(reportOf('pairs/rsa-pkcs8', new Date('2027-06-26T00:00:00Z')).level).toBe('expired');
  });

  it('lists keys with no certificate', () => {
    const report = buildReport(pairCertificates([], [loadedKey('pairs/ec-sec1.key')]), PIN);
    expect(report.keys).toEqual([
      expect.objectContaining({ source: 'pairs/ec-sec1.key', format: 'sec1', encrypted: false, problems: [expect.objectContaining({ code: 'no-certificate' })] }),
    ]);
    expect(report).toMatchObject({ schemaVersion: 1, evaluatedAt: '2026-12-01T00:00:00.000Z', certificates: [] });
  });
});
