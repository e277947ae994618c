/**
 * Human output of an inspection: one aligned block per certificate, its header the
 * worst fact about it (its status), ending with the next action; then keys without a
 * certificate and a summary line counting the same statuses. Every string of the report
 * is escaped first (escape.ts). Pure: report in, text out.
 */
import { expiredAgoPhrase, PLATFORM_VALIDITY_DAYS, timeLeftPhrase } from '../core/lifecycle.js';
import { plural, STATUS_ORDER, type CertificateReport, type InspectReport, type KeyReport, type Problem, type Status } from '../core/report.js';
import { escapeStrings } from './escape.js';
import { escapeControlCharacters } from '../core/errors.js';
import type { Style } from './style.js';

const LABEL_WIDTH = 13;

export const STATUS_LABEL: Record<Status, string> = {
  ok: 'OK',
  expiring: 'EXPIRING',
  urgent: 'URGENT',
  critical: 'CRITICAL',
  expired: 'EXPIRED',
  'not-yet-valid': 'NOT YET VALID',
  'never-valid': 'NEVER VALID',
  'key-mismatch': 'KEY MISMATCH',
  'key-not-proven': 'KEY NOT PROVEN',
  unusable: 'UNUSABLE',
  superseded: 'SUPERSEDED',
  'ca-certificate': 'CA CERTIFICATE',
};

/** The status in the summary's words, for `count` certificates: `key mismatch`, `CA certificates`. */
export function statusWords(status: Status, count = 1): string {
  if (status === 'ca-certificate') return count === 1 ? 'CA certificate' : 'CA certificates';
  return status.replace(/-/g, ' ');
}

/** A status's color: the level's for dates, red for what breaks TLS, dim for what is not judged. */
export function styleStatus(style: Style, cert: Pick<CertificateReport, 'status' | 'level'>, text: string): string {
  switch (cert.status) {
    case 'key-mismatch':
    case 'key-not-proven':
    case 'unusable':
      return style.fail(text);
    case 'superseded':
    case 'ca-certificate':
      return style.dim(text);
    default:
      return style.level(cert.status, text);
  }
}

export function renderInspectText(unescaped: InspectReport, style: Style): string {
  const report = escapeStrings(unescaped);
  const blocks = [
    ...report.certificates.map((c) => renderCertificate(c, report.evaluatedAt, style)),
    ...report.keys.map((k) => renderKey(k, style)),
  ];
  return `${[...blocks, ...renderSkipped(report.skipped, style), renderSummary(report, style)].join('\n\n')}\n`;
}

/** At most this many skipped files are listed in text (JSON lists them all). */
const SKIPPED_SHOWN = 20;

/** Files of folders that were not used, one line each with the reason (none: no block). */
export function renderSkipped(skipped: InspectReport['skipped'], style: Style): string[] {
  if (skipped.length === 0) return [];
  const lines = skipped.slice(0, SKIPPED_SHOWN).map((s) => `  ${escapeControlCharacters(s.source)}: ${escapeControlCharacters(s.reason)}`);
  if (skipped.length > SKIPPED_SHOWN) lines.push(`  … and ${skipped.length - SKIPPED_SHOWN} more (--json lists them all)`);
  return [[style.dim(`skipped (${skipped.length === 1 ? '1 file' : `${skipped.length} files`} in folders, not a usable certificate or key)`), ...lines].join('\n')];
}

/** One certificate's block; `label` replaces the status in its header (check's FAIL). Strings must be escaped already. */
export function renderCertificate(cert: CertificateReport, evaluatedAt: string, style: Style, label?: string): string {
  const title = cert.position > 1 || cert.chain.length > 0 ? `${cert.source} (block ${cert.position})` : cert.source;
  const lines = [
    `${style.bold(title)}  ${label ?? styleStatus(style, cert, STATUS_LABEL[cert.status])}  ${style.level(cert.level, remainingPhrase(cert, evaluatedAt))}`,
    row('subject', cert.subject || `(empty subject)${cert.subjectAltName ? `, alt names ${cert.subjectAltName}` : ''}`),
    row('issuer', cert.issuer),
    row('serial', cert.serialNumber),
    row('valid', `${stamp(cert.notBefore)} → ${stamp(cert.notAfter)}`),
    row(
      'period',
      `${formatDays(cert.validityDays)} days${cert.platformValidity ? ` (the platform's ${PLATFORM_VALIDITY_DAYS})` : style.severity('warning', ` (not the platform's ${PLATFORM_VALIDITY_DAYS})`)}`,
    ),
    row('key', keyLine(cert, style)),
    row('public key', publicKeyText(cert.publicKey)),
    row('client auth', clientAuthText(cert, style)),
    row('sha256', cert.fingerprintSha256),
  ];
  for (const link of cert.chain) {
    lines.push(
      row(
        link === cert.chain[0] ? 'chain' : '',
        `block ${link.position}: ${link.subject}${link.issuedLeaf ? ' (issuer)' : ''}, expires ${link.notAfter.slice(0, 10)}`,
      ),
    );
  }
  for (const problem of cert.problems) lines.push(problemLine(problem, style));
  lines.push(`  ${styleStatus(style, cert, '→')} ${cert.nextAction}`);
  return lines.join('\n');
}

function clientAuthText(cert: CertificateReport, style: Style): string {
  if (cert.problems.some((p) => p.code === 'malformed-eku')) return style.severity('error', 'not allowed (the extended key usage is malformed)');
  if (!cert.clientAuth) return style.severity('error', `not allowed (${(cert.extendedKeyUsage ?? []).join(', ')})`);
  return `allowed${cert.extendedKeyUsage ? ` (${cert.extendedKeyUsage.join(', ')})` : ' (no extended key usage: any use)'}`;
}

export function renderKey(key: KeyReport, style: Style): string {
  return [
    `${style.bold(key.source)}  ${style.dim('KEY WITHOUT CERTIFICATE')}`,
    row('public key', `${publicKeyText(key.publicKey)}, ${key.format}${key.encrypted ? ' (encrypted)' : ''}`),
    row('sha256 (pub)', key.publicKeyFingerprintSha256),
    ...key.problems.map((p) => problemLine(p, style)),
  ].join('\n');
}

function renderSummary(report: InspectReport, style: Style): string {
  const counts = STATUS_ORDER.map((status) => [status, report.certificates.filter((c) => c.status === status)] as const)
    .filter(([, certs]) => certs.length > 0)
    .map(([status, certs]) => styleStatus(style, certs[0] as CertificateReport, `${certs.length} ${statusWords(status, certs.length)}`));
  const parts = [`${plural(report.certificates.length, 'certificate')}${counts.length ? `: ${counts.join(', ')}` : ''}`];
  if (report.keys.length > 0) parts.push(plural(report.keys.length, 'key') + ' without a certificate');
  if (report.skipped.length > 0) parts.push(`${plural(report.skipped.length, 'file')} skipped`);
  parts.push(`as of ${stamp(report.evaluatedAt)}`);
  return style.dim(parts.join(' · '));
}

export function remainingPhrase(cert: Pick<CertificateReport, 'level' | 'daysRemaining' | 'notBefore' | 'notAfter'>, evaluatedAt: string): string {
  if (cert.level === 'never-valid') return `never valid: starts ${cert.notBefore.slice(0, 10)}, ends ${cert.notAfter.slice(0, 10)}`;
  if (cert.level === 'expired') return expiredAgoPhrase(new Date(cert.notAfter), new Date(evaluatedAt));
  if (cert.level === 'not-yet-valid') return `valid from ${cert.notBefore.slice(0, 10)}`;
  return timeLeftPhrase(cert.daysRemaining, new Date(cert.notAfter));
}

function keyLine(cert: CertificateReport, style: Style): string {
  switch (cert.keyStatus) {
    case 'proven':
      return `${style.pass('matches')} ${cert.keySource}`;
    case 'mismatch':
      return `${style.fail('DOES NOT MATCH')} ${cert.keySource}`;
    case 'not-proven':
      return `${style.fail('NOT PROVEN')} ${cert.keySource} (its public half matches; its private part does not)`;
    default:
      return style.dim('no key found');
  }
}

function problemLine(problem: Problem, style: Style): string {
  const mark = problem.severity === 'error' ? '✗' : problem.severity === 'warning' ? '!' : '·';
  return `  ${style.severity(problem.severity, `${mark} ${problem.message}`)}`;
}

export function publicKeyText(key: CertificateReport['publicKey']): string {
  if (key.size !== undefined) return `${key.algorithm} ${key.size}`;
  if (key.curve !== undefined) return `${key.algorithm} ${key.curve}`;
  return key.algorithm;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${value}`;
}

/** `2026-06-01T00:00:00.000Z` → `2026-06-01 00:00 UTC`. */
export function stamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(2);
}
