/**
 * GitHub Actions output of `cert check`: workflow commands (`::error` for a certificate
 * that fails the gate, `::warning` for one that passes inside the console's 30/7/1-day
 * notices), and a Markdown table for the job summary. Pure: the command prints the
 * lines and appends the summary to $GITHUB_STEP_SUMMARY.
 *
 * Escaping follows the runner's rules: in a message `%`, `\r`, `\n` become `%25`,
 * `%0D`, `%0A`; in a property value `:` and `,` also become `%3A` and `%2C`.
 */
import { plural, type CertificateReport } from '../core/report.js';
import { verdictText, type CheckedCertificate, type CheckReport } from '../core/verdict.js';
import { summaryParts } from './check-text.js';
import { escapeStrings } from './escape.js';

export interface GithubOutput {
  /** Workflow command lines (and a closing plain line), each without a newline. */
  lines: string[];
  /** Markdown for the job summary. */
  summary: string;
}

export function renderGithub(unescaped: CheckReport): GithubOutput {
  // Control characters of names and messages are escaped first (then the runner's own escaping).
  const report = escapeStrings(unescaped);
  const lines: string[] = [];
  for (const cert of report.certificates) {
    if (cert.verdict === 'fail') {
      lines.push(command('error', { file: fileOf(cert), title: 'Client certificate fails the check' }, annotation(cert, report.failUnder, report.evaluatedAt)));
    } else if (cert.verdict === 'pass' && isInsideNotice(cert)) {
      lines.push(
        command(
          'warning',
          { file: fileOf(cert), title: `Client certificate expires in ${plural(cert.daysRemaining, 'day')}` },
          annotation(cert, report.failUnder, report.evaluatedAt),
        ),
      );
    }
  }
  lines.push(`aitoss: ${closingLine(report)}`);
  return { lines, summary: renderSummaryMarkdown(report) };
}

/** `::error file=a.crt,title=...::message` */
export function command(name: 'error' | 'warning' | 'notice', properties: Record<string, string | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(cert: CheckedCertificate, failUnder: number, evaluatedAt: string): string {
  const head = `${cert.source}: ${verdictText(cert, failUnder, evaluatedAt)}`;
  const advice = cert.messages.length > 0 ? cert.messages : [cert.nextAction];
  return [head, ...advice].join('\n');
}

function isInsideNotice(cert: CertificateReport): boolean {
  return cert.level === 'expiring' || cert.level === 'urgent' || cert.level === 'critical';
}

/** A file annotation only for files: `env:NAME` and stdin are named in the message. */
function fileOf(cert: CertificateReport): string | undefined {
  return cert.source.startsWith('env:') || cert.source === 'stdin' ? undefined : cert.source;
}

function closingLine(report: CheckReport): string {
  // The words of the text summary: one story in every format.
  return [`check ${report.status === 'pass' ? 'passed' : 'failed'}`, ...summaryParts(report)].join(' · ');
}

const VERDICT_CELL: Record<CheckedCertificate['verdict'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  superseded: '⏭️ superseded',
  'ca-certificate': 'CA certificate, not judged',
};

export function renderSummaryMarkdown(unescaped: CheckReport): string {
  const report = escapeStrings(unescaped);
  const rows = report.certificates.map((cert) => {
    const result = cert.verdict === 'pass' && isInsideNotice(cert) ? '⚠️ pass' : VERDICT_CELL[cert.verdict];
    const key = { proven: 'matches', mismatch: 'does not match', 'not-proven': 'not proven', none: 'not checked' }[cert.keyStatus];
    return `| ${[result, code(cert.source), cell(cert.subject), String(cert.daysRemaining), cert.notAfter.slice(0, 10), key, cell(verdictText(cert, report.failUnder, report.evaluatedAt))].join(' | ')} |`;
  });
  const title = report.status === 'pass' ? '✅ passed' : '❌ failed';
  return [
    `### aitoss cert check: ${title}`,
    '',
    '| Result | Certificate | Subject | Days left | Expires | Key | Details |',
    '|---|---|---|--:|---|---|---|',
    ...rows,
    '',
    summaryParts(report).join(' · '),
    '',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}
