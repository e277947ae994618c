import { describe, expect, it } from 'vitest';
import { pairCertificates } from '../../src/core/pairing.js';
import { buildReport } from '../../src/core/report.js';
import { checkReport, type CheckOptions, type CheckReport } from '../../src/core/verdict.js';
import { escapeLabelValue, renderPrometheus, renderPrometheusFailure } from '../../src/render/prometheus.js';
import { parseExposition } from '../helpers/exposition.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

function check(certs: string[], keys: string[], options: Partial<CheckOptions> = {}): CheckReport {
  const report = buildReport(pairCertificates(certs.map(certificateFile), keys.map(loadedKey)), PIN);
  return checkReport(report, { failUnder: 30, requireKey: false, all: false, ...options });
}

describe('renderPrometheus', () => {
  it('writes every metric with HELP, TYPE and a labelled sample per certificate', () => {
    const report = check(['rotation/app-2025.crt', 'rotation/app-2026.crt', 'pairs/rsa-pkcs8.crt'], ['rotation/app-2025.key', 'rotation/app-2026.key']);
    const { samples, type } = parseExposition(renderPrometheus(report));
    expect([...type.keys()]).toEqual([
      'aitoss_certificate_expiry_timestamp_seconds',
      'aitoss_certificate_not_before_timestamp_seconds',
      'aitoss_certificate_days_remaining',
      'aitoss_certificate_key_match',
      'aitoss_certificate_superseded',
      'aitoss_certificate_check_success',
      'aitoss_check_success',
      'aitoss_check_timestamp_seconds',
      'aitoss_check_fail_under_days',
    ]);
    const of = (name: string, source: string) => samples.find((s) => s.name === name && s.labels.source === source);
    for (const cert of report.certificates) {
      const labels = { fingerprint: cert.fingerprintSha256, subject: cert.subject, source: cert.source };
      expect(of('aitoss_certificate_expiry_timestamp_seconds', cert.source)).toEqual({
        name: 'aitoss_certificate_expiry_timestamp_seconds',
        labels,
        value: Date.parse(cert.notAfter) / 1000,
      });
      expect(of('aitoss_certificate_days_remaining', cert.source)?.value).toBe(cert.daysRemaining);
    }
    expect(of('aitoss_certificate_expiry_timestamp_seconds', 'pairs/rsa-pkcs8.crt')?.value).toBe(Date.parse('2027-06-26T00:00:00Z') / 1000);
    expect(of('aitoss_certificate_days_remaining', 'rotation/app-2025.crt')?.value).toBe(10);
    expect(of('aitoss_certificate_key_match', 'rotation/app-2025.crt')?.value).toBe(1);
    expect(of('aitoss_certificate_key_match', 'pairs/rsa-pkcs8.crt')?.value).toBe(-1);
    expect(of('aitoss_certificate_superseded', 'rotation/app-2025.crt')?.value).toBe(1);
    expect(of('aitoss_certificate_superseded', 'rotation/app-2026.crt')?.value).toBe(0);
    expect(of('aitoss_certificate_check_success', 'rotation/app-2025.crt')?.value).toBe(1);
    const unlabelled = samples.filter((s) => Object.keys(s.labels).length === 0);
    expect(unlabelled).toEqual([
      { name: 'aitoss_check_success', labels: {}, value: 1 },
      { name: 'aitoss_check_timestamp_seconds', labels: {}, value: PIN.getTime() / 1000 },
      { name: 'aitoss_check_fail_under_days', labels: {}, value: 30 },
    ]);
    // One series per certificate and metric.
    const series = samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`);
    expect(new Set(series).size).toBe(series.length);
  });

  it('reports failures and key mismatches', () => {
    const report = check(['lifecycle/expired.crt', 'mismatch/same-type.crt'], ['lifecycle/expired.key', 'mismatch/same-type.key']);
    const { samples } = parseExposition(renderPrometheus(report));
    const value = (name: string, source: string) => samples.find((s) => s.name === name && s.labels.source === source)?.value;
    expect(value('aitoss_certificate_key_match', 'mismatch/same-type.crt')).toBe(0);
    expect(value('aitoss_certificate_check_success', 'mismatch/same-type.crt')).toBe(0);
    expect(value('aitoss_certificate_days_remaining', 'lifecycle/expired.crt')).toBe(-36);
    expect(samples.find((s) => s.name === 'aitoss_check_success')?.value).toBe(0);
  });

  it('escapes label values', () => {
    // A line feed becomes the two characters \n (escaped as data), then the format escapes its backslash.
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\\\nd');
    const report = check(['pairs/rsa-pkcs8.crt'], []);
    report.certificates[0]!.subject = 'CN="quoted", O=back\\slash\nnext';
    const { samples } = parseExposition(renderPrometheus(report));
    expect(samples[0]!.labels.subject).toBe('CN="quoted", O=back\\slash\\nnext');
  });

  it('says the check did not succeed when the inputs could not be read', () => {
    const { samples } = parseExposition(renderPrometheusFailure(PIN));
    expect(samples).toEqual([
      { name: 'aitoss_check_success', labels: {}, value: 0 },
      { name: 'aitoss_check_timestamp_seconds', labels: {}, value: PIN.getTime() / 1000 },
    ]);
  });
});
