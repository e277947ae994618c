/**
 * Human output of `cert check`: the verdicts first, one line per certificate
 * (`PASS  app.crt: 212 days left, expires 2027-06-28`), with the advice about its
 * rotation set under it; then the details of inspect, each certificate with its
 * verdict; then a summary line. Pure: report in, text out.
 */
import { plural } from '../core/report.js';
import { countsPhrase, verdictText, type CheckedCertificate, type CheckReport } from '../core/verdict.js';
import { escapeStrings } from './escape.js';
import type { Style } from './style.js';
import { renderCertificate, renderKey, renderSkipped, stamp } from './text.js';

const LABEL_WIDTH = 13;

export function renderCheckText(unescaped: CheckReport, style: Style): string {
  const report = escapeStrings(unescaped);
  const verdicts = verdictLines(report, style);
  const details = [
    ...report.certificates.map((cert) => withVerdictRow(cert, report.failUnder, report.evaluatedAt, style)),
    ...report.keys.map((key) => renderKey(key, style)),
    ...renderSkipped(report.skipped, style),
  ];
  return `${[verdicts.join('\n'), ...details, renderSummary(report, style)].join('\n\n')}\n`;
}

/** `check --quiet`: the verdicts alone, each with the advice about its rotation set. */
export function renderCheckVerdicts(report: CheckReport, style: Style): string {
  return `${verdictLines(escapeStrings(report), style).join('\n')}\n`;
}

function verdictLines(report: CheckReport, style: Style): string[] {
  return report.certificates.flatMap((cert) => [
    verdictLine(cert, report.failUnder, report.evaluatedAt, style),
    ...cert.messages.map((message) => `      ${style.severity('warning', `→ ${message}`)}`),
  ]);
}

/** `PASS  app.crt: …`; the certificate's strings must already be escaped (the renderers above do it). */
export function verdictLine(cert: CheckedCertificate, failUnder: number, evaluatedAt: string, style: Style): string {
  return `${verdictLabel(cert, style)}  ${titleOf(cert)}: ${verdictText(cert, failUnder, evaluatedAt)}`;
}

function verdictLabel(cert: CheckedCertificate, style: Style): string {
  if (cert.verdict === 'pass') return style.pass('PASS');
  if (cert.verdict === 'fail') return style.fail('FAIL');
  if (cert.verdict === 'ca-certificate') return style.dim('CA');
  return style.dim('SUPERSEDED');
}

function titleOf(cert: CheckedCertificate): string {
  return cert.position > 1 || cert.chain.length > 0 ? `${cert.source} (block ${cert.position})` : cert.source;
}

/**
 * The inspect block with a `verdict` row under its title. A failing certificate's
 * header says FAIL where its status alone would read OK (a threshold above the
 * console's notices, a key required and missing): OK never stands next to a failure.
 */
function withVerdictRow(cert: CheckedCertificate, failUnder: number, evaluatedAt: string, style: Style): string {
  const label = cert.verdict === 'fail' && cert.status === 'ok' ? style.fail('FAIL') : undefined;
  const [header, ...rest] = renderCertificate(cert, evaluatedAt, style, label).split('\n');
  // verdictText already opens with "superseded by …" or "a CA certificate, not judged".
  const word = cert.verdict === 'pass' ? `${style.pass('pass')}: ` : cert.verdict === 'fail' ? `${style.fail('FAIL')}: ` : '';
  const verdict = `  ${'verdict'.padEnd(LABEL_WIDTH)}${word}${verdictText(cert, failUnder, evaluatedAt)}`;
  return [header, verdict, ...rest].join('\n');
}

function renderSummary(report: CheckReport, style: Style): string {
  const head = report.status === 'pass' ? style.pass('check passed') : style.fail('check failed');
  return `${head} · ${style.dim(summaryParts(report).join(' · '))}`;
}

/** The summary after `check passed`/`check failed`: the text and GitHub formats both say it this way. */
export function summaryParts(report: CheckReport): string[] {
  return [
    countsPhrase(report),
    ...(report.skipped.length > 0 ? [`${plural(report.skipped.length, 'file')} skipped`] : []),
    `fail under ${plural(report.failUnder, 'day')}${report.requireKey ? ', key required' : ''}${report.all ? ', every pair judged' : ''}`,
    `as of ${stamp(report.evaluatedAt)}`,
  ];
}
