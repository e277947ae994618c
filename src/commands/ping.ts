/**
 * `aitoss ping [URL]`: a real mTLS handshake against the Apps in Toss API (or URL), with
 * timings and a diagnosis. Loads the certificate/key pair like `cert inspect`, checks it
 * locally (a key that does not match, an expired or not-yet-valid certificate: reported
 * before any traffic unless --force), then runs --count attempts with the TLS probe
 * (src/tls), aggregates them and renders the report.
 *
 * Without any certificate or key configured, ping runs without a client certificate: that
 * shows what the server does to a caller that presents none (the platform's ERR_NETWORK),
 * which is the point of a ping when a deployment "lost" its certificate.
 *
 * Exit codes: 0 success; 1 the pre-check or an attempt failed; 2 usage or input error;
 * 130/143 interrupted by SIGINT/SIGTERM (one line on stderr, no report).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { credentialRequest, DEFAULT_TIMEOUT_MS, resolveSettings } from '../config/settings.js';
import { readSourceContents } from '../core/credentials.js';
import { formatDuration } from '../core/duration.js';
import { inputError, isAitossError, usageError } from '../core/errors.js';
import { redactUrlCredentials } from '../core/redact.js';
import type { Pairing } from '../core/pairing.js';
import { toPem } from '../core/pem.js';
import {
  buildPingReport,
  clientCertificateInfo,
  precheck,
  precheckFailure,
  type ClientCertificateInfo,
  type Precheck,
  type PingFailure,
} from '../core/ping-report.js';
import type { InspectReport } from '../core/report.js';
import { inspectInputs } from '../input/inspect-inputs.js';
import { readSingleSource } from '../input/read-source.js';
import { quotedValue } from '../input/src-value.js';
import { renderJson } from '../render/json.js';
import { renderPingText } from '../render/ping-text.js';
import type { ProbePhase, ProbeResult } from '../tls/types.js';
import { inspectIO, styleFor, type CommandContext, type StopSignal } from './context.js';
import { addCredentialOptions, addFormatOptions, chooseFormat, configOption, parsePositiveInteger, parseTimeout, TEXT_OR_JSON, type CredentialOptions } from './options.js';

interface PingFlags extends CredentialOptions {
  ca?: string;
  servername?: string;
  timeout?: number;
  count: number;
  method: string;
  force?: boolean;
  insecure?: boolean;
  /** false with --no-proxy. */
  proxy: boolean;
  json?: boolean;
  format?: (typeof TEXT_OR_JSON)[number];
  config?: string;
}

const HELP = `
What it does:
  1. loads the certificate and key (--cert/--key, AITOSS_CERT/AITOSS_KEY, or the
     configuration file; encrypted keys read AITOSS_KEY_PASSPHRASE or prompt) and checks
     them locally: a key that does not match or does not prove possession, an expired,
     not-yet-valid or never-valid certificate, or one whose extensions cert check fails
     (no clientAuth, a malformed EKU, a duplicated or unknown critical extension) fails
     here without any traffic (--force tries anyway);
  2. connects (through HTTPS_PROXY with CONNECT unless NO_PROXY or --no-proxy), runs the
     TLS handshake presenting the certificate and its intermediates, sends one request;
  3. reports the address, timings (dns, tcp connect, tls handshake, first byte, total),
     TLS version, cipher and ALPN, the server chain with days left, whether the server
     asked for a client certificate and which one was sent, and the HTTP status.
  A failure names its phase (dns, connect, proxy, timeout, tls, server-certificate,
  client-certificate, http) with one line of hint.

  OK (exit 0) only when, read from the connection itself: the handshake completed and
  the server certificate verified (or --insecure); the server asked for a client
  certificate; ours actually went out (a non-empty Certificate message on the wire:
  OpenSSL withholds one whose key type or issuer does not fit what the server asked);
  no TLS alert followed; and the HTTP answer is no rejection (a certificate error page,
  495, 496, 421; 401/403 when anything above is doubtful). A 401/403 after a certificate
  that was requested, sent and issued by a CA the server lists is OK with a warning.
  A fact that can't be read (TLS 1.2 renegotiation) is shown as "not verified on the
  wire", and the HTTP status decides.

  Without a certificate or key configured, ping goes without a client certificate,
  shows what the server does then (the platform's ERR_NETWORK), and exits 1.

Examples:
  $ aitoss ping --cert app.crt --key app.key
  $ aitoss ping https://apps-in-toss-api.toss.im/ --cert env:AITOSS_CERT --key env:AITOSS_KEY --json
  $ aitoss ping -c 20 --timeout 5s             min/median/max of every phase
  $ aitoss ping https://10.0.0.5/ --cacert corp-root.pem --servername api.internal
  $ HTTPS_PROXY=http://proxy:3128 aitoss ping   through a CONNECT proxy (--no-proxy: direct)

Exit codes:
  0    mTLS proven as above (every attempt, with --count)
  1    the local pre-check failed, or an attempt failed (the phase and a hint are shown)
  2    usage or input error (bad option, non-https URL, unreadable certificate, key or --ca)
  130  interrupted by Ctrl-C (SIGINT); 143 by SIGTERM
  With -f json, a run that ends without a report prints an error document ("ok": false).`;

/** `--count`: a whole number, 1 or more. */
function atLeastOne(value: string): number {
  const n = parsePositiveInteger(value);
  if (n < 1 || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number, 1 or more');
  return n;
}

export function pingCommand(ctx: CommandContext): Command {
  const command = addCredentialOptions(
    new Command('ping')
      .description('run a real mTLS handshake and request against the Apps in Toss API: timings and a diagnosis')
      .argument('[url]', 'https:// URL to call (default: the endpoint setting, https://apps-in-toss-api.toss.im/)'),
  )
    .option('--cacert, --ca <file>', 'extra trusted CA certificates (PEM), beside the system ones: a private CA or a TLS-inspecting proxy (--cacert as in curl)')
    .option('--servername <name>', 'name sent as SNI and as the Host header, and checked against the server certificate (default: the URL host)')
    .addOption(
      new Option('--timeout <duration>', `bound of each attempt, DNS to the end of the response: 10s, 500ms, 2m; a bare number is milliseconds (default: ${formatDuration(DEFAULT_TIMEOUT_MS)})`).argParser(
        parseTimeout,
      ),
    )
    .addOption(new Option('-c, --count <n>', 'attempts to make; min/median/max per phase').argParser(atLeastOne).default(1))
    .addOption(new Option('-X, --method <method>', 'HTTP method of the request').default('GET', 'GET'))
    .option('--force', 'connect even when the local pre-check fails (expired, not-yet-valid or never-valid certificate, extensions cert check fails, a key that does not match or does not prove possession)')
    .option('-k, --insecure', 'do not verify the server certificate (warned on every run; the client certificate is still tested)')
    .option('--no-proxy', 'connect directly, ignoring HTTPS_PROXY');
  return addFormatOptions(command, TEXT_OR_JSON)
    .addOption(configOption())
    .addHelpText('after', HELP)
    .action(async (url: string | undefined, options: PingFlags) => runPing(ctx, url, options));
}

async function runPing(ctx: CommandContext, urlArgument: string | undefined, options: PingFlags): Promise<void> {
  const { io } = ctx;
  const format = chooseFormat(options, 'text');
  // The network core is a chunk of its own: start loading it while the credentials load.
  const tlsCore = import('../tls/index.js');
  tlsCore.catch(() => undefined);
  const method = options.method.toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw usageError(`--method ${quotedValue(options.method)}: expected an HTTP method such as GET or HEAD`);
  const flagUrl = urlArgument === undefined ? undefined : targetUrl(urlArgument, 'flag');
  const settings = await resolveSettings(
    {
      cert: options.cert,
      key: options.key,
      passphraseEnv: options.passphraseEnv,
      endpoint: flagUrl?.href,
      ca: options.ca,
      timeoutMs: options.timeout,
      config: options.config,
    },
    { env: io.env, cwd: io.cwd },
  );
  const url = flagUrl ?? targetUrl(settings.endpoint.value, settings.endpoint.origin);
  const timeoutMs = settings.timeoutMs.value;
  const now = io.now();

  // Credentials and the local pre-check.
  const request = credentialRequest([], settings, io.env);
  let client: { cert: string; key: string } | undefined;
  let clientInfo: ClientCertificateInfo | null = null;
  let check: Precheck | null = null;
  let refused: PingFailure | undefined;
  const warnings: string[] = [];
  if (request.cert === undefined && request.key === undefined) {
    warnings.push(
      'no client certificate configured (--cert/--key, AITOSS_CERT/AITOSS_KEY or the configuration file): this attempt went without one, as a server that lost its certificate would',
    );
  } else {
    const { pairing, report } = await inspectInputs(request, now, inspectIO(io));
    const index = choosePair(pairing, report);
    const pair = pairing.pairs[index];
    const certReport = report.certificates[index];
    if (!pair?.key || !certReport) throw new Error('ping: pairing and report disagree');
    const intermediates = pair.chain.map((link) => toPem('CERTIFICATE', link.certificate.der));
    clientInfo = clientCertificateInfo(certReport, intermediates.length);
    check = precheck(certReport, options.force === true);
    refused = check.ok ? undefined : precheckFailure(certReport);
    if (!refused || options.force) {
      client = { cert: [toPem('CERTIFICATE', pair.leaf.der), ...intermediates].join(''), key: pair.key.pemForTls() };
      refused = undefined;
    }
  }
  const ca = settings.ca ? await readCa(settings.ca.value, settings.ca.origin, ctx) : undefined;

  if (options.insecure) {
    io.stderr.write(
      'aitoss: warning: --insecure: the server certificate is not verified, so anyone between you and the server can answer in its place; the client certificate is still presented and tested\n',
    );
  }

  const { probe, proxyFor, redactUrl, ProxySettingError } = await tlsCore;
  let proxy: URL | undefined;
  try {
    proxy = options.proxy === false ? undefined : proxyFor(url, io.env);
  } catch (err) {
    if (!(err instanceof ProxySettingError)) throw err;
    throw inputError(`${err.variable} (environment)`, 'is not a proxy URL', 'set http://[user:password@]host:port, or pass --no-proxy to connect directly');
  }
  const attempts: ProbeResult[] = [];
  let interrupted: { signal: StopSignal; phase: ProbePhase | undefined } | undefined;

  if (!refused) {
    const controller = new AbortController();
    let stopSignal: StopSignal | undefined;
    const release = io.signals?.trap((signal) => {
      stopSignal ??= signal;
      controller.abort();
    });
    const spinner = (await spinnerWanted(io)) ? await startSpinner(ctx, url) : undefined;
    try {
      for (let i = 1; i <= options.count && !controller.signal.aborted; i++) {
        const prefix = options.count > 1 ? `attempt ${i}/${options.count}: ` : '';
        const result = await probe({
          url,
          ...(client ? { cert: client.cert, key: client.key } : {}),
          ...(ca ? { ca } : {}),
          ...(options.servername ? { servername: options.servername } : {}),
          timeoutMs,
          method,
          insecure: options.insecure === true,
          forced: check?.forced === true,
          ...(proxy ? { proxy } : {}),
          signal: controller.signal,
          onPhase: spinner ? (phase) => spinner.phase(prefix, phase) : undefined,
        });
        if (result.failure?.phase === 'aborted') {
          interrupted = { signal: stopSignal ?? 'SIGINT', phase: result.failure.stalledIn };
          break;
        }
        attempts.push(result);
      }
      if (controller.signal.aborted && !interrupted) interrupted = { signal: stopSignal ?? 'SIGINT', phase: undefined };
    } finally {
      spinner?.stop();
      release?.();
    }
  }

  if (interrupted) {
    const during = interrupted.phase ? ` during ${PHASE_NOUN[interrupted.phase]}` : '';
    io.stderr.write(`aitoss: interrupted by ${interrupted.signal}${during}; no result\n`);
    ctx.setOutcome(interrupted.signal === 'SIGTERM' ? 'interrupted-sigterm' : 'interrupted-sigint');
    return;
  }

  const report = buildPingReport({
    url: redactUrl(url),
    method,
    now,
    count: options.count,
    timeoutMs,
    proxy: attempts.find((a) => a.proxy)?.proxy,
    insecure: options.insecure === true,
    clientCertificate: clientInfo,
    precheck: check,
    ...(refused ? { precheckFailure: refused } : {}),
    warnings,
    attempts,
  });
  io.stdout.write(format === 'json' ? renderJson(report) : renderPingText(report, await styleFor(ctx)));
  ctx.setOutcome(report.ok ? 'success' : 'failure');
}

const PHASE_NOUN: Readonly<Record<ProbePhase, string>> = {
  dns: 'name resolution',
  connect: 'the TCP connection',
  proxy: 'the proxy tunnel',
  tls: 'the TLS handshake',
  http: 'the HTTP request',
};

const PHASE_SPINNER: Readonly<Record<ProbePhase, string>> = {
  dns: 'resolving',
  connect: 'connecting to',
  proxy: 'opening the proxy tunnel to',
  tls: 'TLS handshake with',
  http: 'waiting for the response of',
};

/**
 * A spinner only on a terminal, and one with a width: ora counts the lines to clear by
 * dividing by `columns`, and a pseudo-terminal left at 0 columns makes that endless.
 */
async function spinnerWanted(io: CommandContext['io']): Promise<boolean> {
  if (io.stderrIsTerminal && !(await io.stderrIsTerminal())) return false;
  return io.stderr.isTTY === true && (io.stderr as { columns?: number }).columns !== 0;
}

/** An ora spinner on stderr naming the phase; loaded only on a terminal. */
async function startSpinner(ctx: CommandContext, url: URL): Promise<{ phase(prefix: string, phase: ProbePhase): void; stop(): void }> {
  const { default: ora } = await import('ora');
  // discardStdin: false keeps the terminal in cooked mode, so Ctrl-C is a SIGINT from the
  // terminal itself. (ora's raw mode relies on reading stdin, which nothing here resumes: the
  // keystroke would be swallowed.)
  const spinner = ora({ stream: ctx.io.stderr as NodeJS.WritableStream, text: `${PHASE_SPINNER.dns} ${url.host}`, discardStdin: false }).start();
  return {
    phase: (prefix, phase) => {
      spinner.text = `${prefix}${PHASE_SPINNER[phase]} ${url.host}`;
    },
    stop: () => spinner.stop(),
  };
}

/** An https: URL from the argument or a setting; a scheme-less `host[:port][/path]` means https. */
export function targetUrl(value: string, origin: string): URL {
  const shown = redactUrlCredentials(value);
  const fail = (message: string) =>
    origin === 'flag' ? usageError(message, "give an https:// URL such as https://apps-in-toss-api.toss.im/") : inputError(origin, message, 'set an https:// URL');
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail(`${JSON.stringify(shown)} is not a URL`);
  }
  if (url.protocol !== 'https:') throw fail(`ping speaks HTTPS only, got ${url.protocol}//`);
  return url;
}

/**
 * The pair to present: the first certificate whose key matches; else the first whose key was
 * meant for it but does not match (the pre-check reports it). Usage errors when there is no
 * certificate, or no key for it.
 */
export function choosePair(pairing: Pairing, report: InspectReport): number {
  if (report.certificates.length === 0) {
    throw inputError(undefined, 'no certificate among the inputs, only a key', 'pass the client certificate with --cert');
  }
  const matching = pairing.pairs.findIndex((p) => p.keyMatch === true);
  if (matching !== -1) return matching;
  const mismatched = pairing.pairs.findIndex((p) => p.keyMatch === false);
  if (mismatched !== -1) return mismatched;
  const source = pairing.pairs[0]?.source;
  if (pairing.unpairedKeys.length > 0) {
    throw inputError(source, 'the key given does not belong to any certificate given', 'pass the key downloaded together with this certificate');
  }
  throw usageError(`no private key for the certificate ${source ?? ''}`.trimEnd(), 'pass it with --key (or AITOSS_KEY, or key in the configuration file)');
}

/** `--ca`: one or more PEM (or DER) certificates, as PEM strings for the probe. */
async function readCa(spec: string, origin: string, ctx: CommandContext): Promise<string[]> {
  // Named by where it came from: `--ca corp.pem`, `ca: corp.pem in .aitossrc.yaml`.
  const raw = await readSingleSource(spec, ctx.io, { setting: 'ca', origin, cwd: ctx.io.cwd });
  let contents;
  try {
    contents = readSourceContents(raw.bytes, raw.name, raw.mode === undefined ? undefined : raw.name);
  } catch (error) {
    throw isAitossError(error) && error.source === raw.name ? error.withSource(raw.label) : error;
  }
  if (!contents || contents.certificates.length === 0) {
    throw inputError(raw.label, 'holds no certificate (given as --ca)', 'pass the PEM file of the CA that issued the server certificate');
  }
  return contents.certificates.map((cert) => toPem('CERTIFICATE', cert.der));
}
