/**
 * Human output of `aitoss ping`: the verdict line first (`OK  https://host/ 200 in 123 ms`,
 * or `FAIL  client-certificate: unknown_ca (alert 48)` with the hint under it), then the
 * address, the timings table, TLS, the server chain with days remaining, and the client
 * certificate sent. Pure: report in, text out.
 *
 * Every string that came from outside (the server's names and CA list, its body and headers,
 * a proxy's reason phrase inside a message, the URL) is escaped (`escapeControlCharacters`):
 * a server can't write to the terminal.
 */
import { escapeControlCharacters as esc } from '../core/errors.js';
import { expiredAgoPhrase, type Level } from '../core/lifecycle.js';
import { plural } from '../core/report.js';
import type { PhaseName, PhaseStats, PingFailure, PingReport } from '../core/ping-report.js';
import { phaseDurations, shownAttempt } from '../core/ping-report.js';
import type { ProbeResult } from '../tls/types.js';
import type { Style } from './style.js';

const LABEL_WIDTH = 15;

const PHASE_LABEL: Readonly<Record<PhaseName, string>> = {
  setup: 'local setup',
  dns: 'dns',
  connect: 'tcp connect',
  proxy: 'proxy tunnel',
  tls: 'tls handshake',
  wait: 'wait',
  firstByte: 'first byte',
  total: 'total',
};

const PHASE_NOTE: Readonly<Partial<Record<PhaseName, string>>> = {
  setup: 'key and trust store, before connecting',
  wait: 'request → first byte',
  firstByte: 'from the start',
  total: 'from the start',
};

export function renderPingText(report: PingReport, style: Style): string {
  const shown = shownAttempt(report.attempts);
  const lines = [verdictLine(report, shown, style)];
  if (report.failure) lines.push(...failureLines(report.failure, style));
  if (shown?.warning) lines.push(`  ${style.severity('warning', `! ${esc(shown.warning)}`)}`);
  lines.push('');
  lines.push(row('url', `${esc(report.url)} (${esc(report.method)})`));
  if (report.proxy) lines.push(row('proxy', `${esc(report.proxy)} (HTTP CONNECT tunnel; TLS runs end to end through it)`));
  if (shown) {
    if (shown.address) {
      const { ip, port, family, host } = shown.address;
      const peer = `${family === 6 ? `[${ip}]` : ip}:${port} (IPv${family}${host !== ip ? `, ${esc(host)}` : ''})`;
      lines.push(row('address', report.proxy ? `${peer}, the proxy` : peer));
    }
    for (const tried of shown.addressesTried ?? []) {
      lines.push(row('', style.dim(`tried first ${tried.family === 6 ? `[${tried.ip}]` : tried.ip}: ${tried.code}`)));
    }
    lines.push(...timingLines(report, shown, style));
    if (shown.tls) {
      const { version, cipher, alpn } = shown.tls;
      lines.push(row('tls', [version, cipher, alpn ? `ALPN ${esc(alpn)}` : 'no ALPN', ...(shown.helloRetry ? ['HelloRetryRequest'] : [])].join(' · ')));
    }
    lines.push(...serverChainLines(report, shown, style));
    if (report.insecure) {
      const skipped = shown.serverCertificateError ? `skipped (--insecure); it would have failed: ${shown.serverCertificateError}` : 'skipped (--insecure)';
      lines.push(row('server check', style.severity('warning', skipped)));
    }
  }
  lines.push(...clientCertificateLines(report, shown, style));
  if (shown?.httpStatus !== undefined) {
    lines.push(row('http', `${shown.httpStatus}${shown.httpLocation ? ` → ${esc(shown.httpLocation)}` : ''}`));
  }
  for (const problem of report.precheck?.problems ?? []) {
    lines.push(`  ${style.severity(problem.severity, `! ${esc(problem.message)}`)}`);
  }
  for (const warning of report.warnings) lines.push(`  ${style.severity('warning', `! ${esc(warning)}`)}`);
  return `${lines.join('\n')}\n`;
}

export function verdictLine(report: PingReport, shown: ProbeResult | undefined, style: Style): string {
  const { summary } = report;
  if (report.ok) {
    const status = shown?.httpStatus !== undefined ? ` ${shown.httpStatus}` : '';
    const timing =
      summary.attempts > 1
        ? ` · ${summary.succeeded} of ${summary.attempts} attempts · median ${ms(summary.phases.total?.median)}`
        : ` in ${ms(shown?.timings.total)}`;
    return `${style.pass('OK')}  ${esc(report.url)}${status}${timing}`;
  }
  const failure = report.failure;
  if (!failure) return `${style.fail('FAIL')}  ${esc(report.url)}: no attempt was made`;
  const of = summary.attempts > 1 ? ` (${summary.failed} of ${plural(summary.attempts, 'attempt')} failed)` : '';
  return `${style.fail('FAIL')}  ${failureTitle(failure)}${of}`;
}

/** `client-certificate: unknown_ca (alert 48)`, `timeout in tls: …`, `connect: connection refused …`. */
export function failureTitle(failure: PingFailure): string {
  const phase = failure.phase === 'timeout' && failure.stalledIn ? `timeout in ${failure.stalledIn}` : failure.phase;
  const what = failure.alert ? `${failure.alert.name} (alert ${failure.alert.number})` : failure.message;
  return esc(`${phase}: ${what}`);
}

function failureLines(failure: PingFailure, style: Style): string[] {
  const lines: string[] = [];
  if (failure.alert) lines.push(`  ${esc(failure.message)}`);
  if (failure.serverCertificate) {
    lines.push(`  server certificate ${esc(failure.serverCertificate.subject)}, issued by ${esc(failure.serverCertificate.issuer)}`);
  }
  lines.push(`  ${style.severity('error', '→')} ${esc(failure.hint)}`);
  return lines;
}

function timingLines(report: PingReport, shown: ProbeResult, style: Style): string[] {
  const multi = report.summary.attempts > 1;
  const present = (Object.keys(PHASE_LABEL) as PhaseName[]).filter((p) => (multi ? report.summary.phases[p] : phaseDurations(shown.timings)[p]) !== undefined);
  if (present.length === 0) return [];
  const nameWidth = Math.max(...present.map((p) => PHASE_LABEL[p].length)) + 2;
  const cell = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1)).padStart(8);
  const lines: string[] = [];
  if (multi) {
    lines.push(row('timings (ms)', style.dim(`${''.padEnd(nameWidth)}${'min'.padStart(8)}${'median'.padStart(8)}${'max'.padStart(8)}`)));
    for (const phase of present) {
      const s = report.summary.phases[phase] as PhaseStats;
      const partial = s.n < report.summary.attempts ? style.dim(`  (${s.n} of ${report.summary.attempts})`) : '';
      const note = PHASE_NOTE[phase] ? style.dim(`  ${PHASE_NOTE[phase]}`) : '';
      lines.push(row('', `${PHASE_LABEL[phase].padEnd(nameWidth)}${cell(s.min)}${cell(s.median)}${cell(s.max)}${partial}${note}`));
    }
  } else {
    const durations = phaseDurations(shown.timings);
    lines.push(row('timings (ms)', ''));
    for (const phase of present) {
      const note = PHASE_NOTE[phase] ? style.dim(`  ${PHASE_NOTE[phase]}`) : '';
      lines.push(row('', `${PHASE_LABEL[phase].padEnd(nameWidth)}${cell(durations[phase])}${note}`));
    }
  }
  return lines.map((line) => line.trimEnd());
}

function serverChainLines(report: PingReport, shown: ProbeResult, style: Style): string[] {
  if (report.serverChain.length === 0) return [];
  return report.serverChain.flatMap((cert, i) => {
    const left = cert.daysRemaining < 0 ? style.severity('error', 'expired') : `${plural(cert.daysRemaining, 'day')} left`;
    const root = cert.subject === cert.issuer ? ' (root)' : '';
    const head = row(i === 0 ? 'server chain' : '', `${esc(cert.subject)}${root} · ${left}`);
    return root ? [head] : [head, row('', style.dim(`  issued by ${esc(cert.issuer)}`))];
  }).concat(shown.acceptableClientCAs && shown.acceptableClientCAs.length > 0 ? [row('accepts CAs', esc(shown.acceptableClientCAs.join('; ')))] : []);
}

/** What the wire showed about the client certificate: asked for, sent, issuer listed. */
function clientCertificateLines(report: PingReport, shown: ProbeResult | undefined, style: Style): string[] {
  const asked =
    shown === undefined
      ? undefined
      : shown.clientCertificateRequested === true
        ? 'the server asked for one'
        : shown.clientCertificateRequested === false
          ? 'the server did not ask for one'
          : 'not verified on the wire whether the server asked for one';
  const cert = report.clientCertificate;
  if (!cert) {
    return [row('client cert', `${asked ? `${asked}; ` : ''}${style.severity('warning', 'none configured')}`)];
  }
  const cause = shown?.clientCertificateNotSentCause;
  const sent =
    shown === undefined
      ? 'not sent (checked locally only)'
      : shown.clientCertificateSent === true
        ? 'sent (seen on the wire)'
        : shown.clientCertificateSent === false
          ? style.severity('error', shown.clientCertificateRequested === false ? 'configured, not sent' : `configured, NOT sent${cause ? ` (${causeWords(cause.code)})` : ''}`)
          : 'configured; not verified on the wire whether it was sent';
  const listed =
    shown?.clientIssuerListed === true
      ? ['its issuer is among the CAs the server accepts']
      : shown?.clientIssuerListed === false
        ? [style.severity('warning', 'its issuer is NOT among the CAs the server accepts')]
        : [];
  const chain = cert.intermediates > 0 ? ` + ${plural(cert.intermediates, 'intermediate')}` : '';
  return [
    row('client cert', `${asked ? `${asked}; ` : ''}${sent}: ${esc(cert.subject)}`),
    ...listed.map((line) => row('', line)),
    row('', `sha256 ${cert.fingerprintSha256}`),
    row('', `from ${esc(cert.source)}${chain}${cert.keySource ? `, key ${esc(cert.keySource)}` : ''} · ${daysText(cert, report.evaluatedAt, style)}`),
  ];
}

function causeWords(code: string): string {
  return code === 'signature-algorithms' ? "the server accepts no signature this key can make" : code === 'certificate-authorities' ? 'its issuer is not among the CAs the server accepts' : 'cause unknown';
}

function daysText(cert: { daysRemaining: number; level: Level; notAfter: string }, evaluatedAt: string, style: Style): string {
  const { daysRemaining: days, level } = cert;
  if (level === 'expired') return style.level(level, expiredAgoPhrase(new Date(cert.notAfter), new Date(evaluatedAt)));
  if (level === 'not-yet-valid') return style.level(level, 'not yet valid');
  return style.level(level, `${plural(days, 'day')} left`);
}

function ms(value: number | undefined): string {
  return value === undefined ? '? ms' : `${Math.round(value)} ms`;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${value}`;
}
