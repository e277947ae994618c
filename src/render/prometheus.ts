/**
 * `cert check --format prometheus`: metrics in the text exposition format, for
 * node_exporter's textfile collector. Every certificate metric carries the labels
 * `fingerprint` (SHA-256, as in the JSON output), `subject` and `source`. Pure.
 *
 * aitoss_certificate_expiry_timestamp_seconds      notAfter, Unix seconds
 * aitoss_certificate_not_before_timestamp_seconds  notBefore, Unix seconds
 * aitoss_certificate_days_remaining                whole days left (negative once expired)
 * aitoss_certificate_key_match                     1 matches, 0 does not match, -1 not checked
 * aitoss_certificate_superseded                    1 when a newer pair of its set replaces it
 * aitoss_certificate_check_success                 1 passes (or superseded), 0 fails
 * aitoss_check_success                             1 the gate passed, 0 it failed or its inputs could not be read
 * aitoss_check_timestamp_seconds                   when it was evaluated (--at, or now)
 * aitoss_check_fail_under_days                     the threshold
 */
import { escapeControlCharacters } from '../core/errors.js';
import type { CheckedCertificate, CheckReport } from '../core/verdict.js';

interface MetricSpec {
  name: string;
  help: string;
}

const CERTIFICATE_METRICS: Array<MetricSpec & { value: (cert: CheckedCertificate) => number }> = [
  {
    name: 'aitoss_certificate_expiry_timestamp_seconds',
    help: 'Expiry (notAfter) of the client certificate, in seconds since the Unix epoch.',
    value: (cert) => seconds(cert.notAfter),
  },
  {
    name: 'aitoss_certificate_not_before_timestamp_seconds',
    help: 'Start of validity (notBefore) of the client certificate, in seconds since the Unix epoch.',
    value: (cert) => seconds(cert.notBefore),
  },
  {
    name: 'aitoss_certificate_days_remaining',
    help: 'Whole days until the certificate expires, at the time of the check (negative once expired).',
    value: (cert) => cert.daysRemaining,
  },
  {
    name: 'aitoss_certificate_key_match',
    help: 'Whether the private key belongs to the certificate: 1 yes, 0 no, -1 not checked (no key given).',
    value: (cert) => (cert.keyMatch === true ? 1 : cert.keyMatch === false ? 0 : -1),
  },
  {
    name: 'aitoss_certificate_superseded',
    help: 'Whether a newer certificate of the same subject replaces this one (1) or it is current (0).',
    value: (cert) => (cert.verdict === 'superseded' ? 1 : 0),
  },
  {
    name: 'aitoss_certificate_check_success',
    help: 'Whether the certificate passes the check (1; superseded certificates pass) or fails it (0).',
    value: (cert) => (cert.verdict === 'fail' ? 0 : 1),
  },
];

const CHECK_SUCCESS: MetricSpec = {
  name: 'aitoss_check_success',
  help: 'Whether the certificate check passed (1) or failed or could not read its inputs (0).',
};
const CHECK_TIMESTAMP: MetricSpec = {
  name: 'aitoss_check_timestamp_seconds',
  help: 'When the check evaluated the certificates, in seconds since the Unix epoch.',
};
const FAIL_UNDER: MetricSpec = {
  name: 'aitoss_check_fail_under_days',
  help: 'The threshold: a certificate with fewer whole days left fails the check.',
};

export function renderPrometheus(report: CheckReport): string {
  const lines: string[] = [];
  for (const metric of CERTIFICATE_METRICS) {
    header(lines, metric);
    for (const cert of report.certificates) {
      lines.push(sample(metric.name, { fingerprint: cert.fingerprintSha256, subject: cert.subject, source: cert.source }, metric.value(cert)));
    }
  }
  header(lines, CHECK_SUCCESS);
  lines.push(sample(CHECK_SUCCESS.name, {}, report.status === 'pass' ? 1 : 0));
  header(lines, CHECK_TIMESTAMP);
  lines.push(sample(CHECK_TIMESTAMP.name, {}, seconds(report.evaluatedAt)));
  header(lines, FAIL_UNDER);
  lines.push(sample(FAIL_UNDER.name, {}, report.failUnder));
  return `${lines.join('\n')}\n`;
}

/** What is written when the inputs could not be read: the check did not succeed. */
export function renderPrometheusFailure(evaluatedAt: Date): string {
  const lines: string[] = [];
  header(lines, CHECK_SUCCESS);
  lines.push(sample(CHECK_SUCCESS.name, {}, 0));
  header(lines, CHECK_TIMESTAMP);
  lines.push(sample(CHECK_TIMESTAMP.name, {}, Math.floor(evaluatedAt.getTime() / 1000)));
  return `${lines.join('\n')}\n`;
}

function header(lines: string[], metric: MetricSpec): void {
  lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} gauge`);
}

function sample(name: string, labels: Record<string, string>, value: number): string {
  const entries = Object.entries(labels);
  const labelText = entries.length === 0 ? '' : `{${entries.map(([key, v]) => `${key}="${escapeLabelValue(v)}"`).join(',')}}`;
  return `${name}${labelText} ${value}`;
}

/**
 * Label values: control and bidirectional characters become visible escapes first (a
 * label is read on terminals and dashboards too), then backslash, double quote and line
 * feed are escaped as the exposition format requires.
 */
export function escapeLabelValue(value: string): string {
  return escapeControlCharacters(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
