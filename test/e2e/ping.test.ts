// `aitoss ping` end to end: the built CLI against real servers on 127.0.0.1 (Node https with
// requestCert + rejectUnauthorized for TLS 1.2 and 1.3, `openssl s_server -Verify 1
// -verify_return_error -www`, a CONNECT proxy, a silent port). Every URL is loopback; the
// environment is clean (no HTTPS_PROXY unless a test sets it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NO_CLIENT_CERT_HINT } from '../../src/tls/diagnose.js';
import type { PingReport } from '../../src/core/ping-report.js';
import {
  createTestPki,
  refusedPort,
  startConnectProxy,
  startNodeServer,
  startOpensslServer,
  startOptionalVerifyServer,
  startHaproxy,
  startNginx,
  writePkiFiles,
  type RunningServer,
  type TestPki,
} from '../helpers/tls-servers.js';
import { BIN, cleanEnv, fixture, runCli, type CliResult, type RunOptions } from './helpers.js';

let pki: TestPki;
let dir: string;
const files: Record<string, string> = {};
let keyLines: string[] = [];

type Pair = 'client' | 'clientLeafOnly' | 'otherCa' | 'expired' | 'serverAuthOnly';

function write(name: string, text: string, mode = 0o644): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  files[name] = file;
  return file;
}

beforeAll(async () => {
  pki = await createTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'aitoss-ping-e2e-'));
  write('server-root.pem', pki.serverRoot);
  for (const name of ['client', 'clientLeafOnly', 'otherCa', 'expired', 'serverAuthOnly'] as const) {
    write(`${name}.pem`, pki[name].cert);
    write(`${name}.key`, pki[name].key, 0o600);
  }
  const encrypted = createPrivateKey(pki.client.key).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' });
  write('client-encrypted.key', encrypted.toString(), 0o600);
  // Every base64 line of every private key made for this run: none may appear in any output.
  const keys = [pki.client.key, pki.otherCa.key, pki.expired.key, pki.serverAuthOnly.key, pki.server.key, encrypted.toString()];
  keyLines = keys.flatMap((key) => key.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line)));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const creds = (pair: Pair): string[] => ['--cert', files[`${pair}.pem`] as string, '--key', files[`${pair}.key`] as string];
const ca = (): string[] => ['--ca', files['server-root.pem'] as string];


async function ping(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  // runCli fails the run if any line of these keys (or of a fixture key) is printed.
  expect(keyLines.length).toBeGreaterThan(0);
  return runCli(['ping', ...args], { cwd: dir, secrets: keyLines, ...options });
}

async function pingJson(args: readonly string[], options: RunOptions = {}): Promise<CliResult & { report: PingReport }> {
  const result = await ping([...args, '--json'], options);
  let report: PingReport;
  try {
    report = JSON.parse(result.stdout) as PingReport;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { ...result, report };
}

/** A TCP server on loopback that counts connections and never says a word. */
async function startCountingServer(): Promise<RunningServer & { connections(): number; firstConnection: Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  let first: () => void = () => undefined;
  const firstConnection = new Promise<void>((resolve) => (first = resolve));
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    first();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: () => count,
    firstConnection,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(['TLSv1.2', 'TLSv1.3'] as const)('Node https server with requestCert + rejectUnauthorized, %s', (version) => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startNodeServer(pki, { version });
    url = `https://localhost:${server.port}/health?probe=1`;
  });
  afterAll(() => server.close());

  it('succeeds with the certificate and its intermediate: exit 0, timings, TLS, chain, certificate sent', async () => {
    const { code, report, stderr } = await pingJson([url, ...creds('client'), ...ca()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.failure).toBeNull();
    const [attempt] = report.attempts;
    expect(attempt?.httpStatus).toBe(200);
    expect(attempt?.bodySnippet).toBe('hello partner-app client');
    expect(attempt?.tls?.version).toBe(version);
    expect(attempt?.address).toEqual({ host: 'localhost', ip: '127.0.0.1', port: server.port, family: 4 });
    expect(attempt?.clientCertificateRequested).toBe(true);
    expect(report.clientCertificate).toMatchObject({ subject: 'CN=partner-app client, O=Partner', intermediates: 1 });
    expect(report.serverChain[0]).toMatchObject({ subject: 'CN=localhost, O=aitoss tests', daysRemaining: 29 });
    for (const phase of ['setup', 'dns', 'connect', 'tls', 'wait', 'firstByte', 'total'] as const) {
      expect(report.summary.phases[phase]?.n).toBe(1);
    }
  });

  it('text: the verdict line first, then address, timings, TLS, server chain and the certificate sent', async () => {
    const { code, stdout } = await ping([url, ...creds('client'), ...ca()]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^OK  https://localhost:${server.port}/health\\?probe=1 200 in \\d+ ms$`));
    expect(stdout).toMatch(new RegExp(`address +127\\.0\\.0\\.1:${server.port} \\(IPv4, localhost\\)`));
    expect(stdout).toMatch(/timings \(ms\)/);
    for (const label of ['dns', 'tcp connect', 'tls handshake', 'first byte', 'total']) expect(stdout).toMatch(new RegExp(`^ +${label} +\\d+\\.\\d`, 'm'));
    expect(stdout).toMatch(new RegExp(`tls +${version.replace('.', '\\.')} · \\S+ · ALPN http/1\\.1`));
    expect(stdout).toMatch(/server chain +CN=localhost, O=aitoss tests · 29 days left/);
    expect(stdout).toMatch(/issued by CN=aitoss test server root, O=aitoss tests/);
    expect(stdout).toMatch(/client cert +the server asked for one; sent \(seen on the wire\): CN=partner-app client, O=Partner\n +its issuer is among the CAs the server accepts/);
    expect(stdout).toMatch(/sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(stdout).toMatch(/^ +http +200$/m);
  });

  it('no client certificate: client-certificate, the ERR_NETWORK hint, exit 1', async () => {
    const { code, report } = await pingJson([url, ...ca()]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', hint: NO_CLIENT_CERT_HINT, attempt: 1 });
    expect(report.failure?.alert).toEqual(version === 'TLSv1.3' ? { number: 116, name: 'certificate_required' } : { number: 40, name: 'handshake_failure' });
    expect(report.clientCertificate).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/no client certificate configured/);
    const text = await ping([url, ...ca()]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe(
      version === 'TLSv1.3' ? 'FAIL  client-certificate: certificate_required (alert 116)' : 'FAIL  client-certificate: handshake_failure (alert 40)',
    );
    expect(text.stdout).toContain(`→ ${NO_CLIENT_CERT_HINT}`);
    expect(text.stdout).toMatch(/ERR_NETWORK/);
  });

  it('a certificate from a CA the server does not trust: client-certificate (the server resets), exit 1', async () => {
    const { code, report } = await pingJson([url, ...creds('otherCa'), ...ca()]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', code: 'ECONNRESET' });
    expect(report.failure?.hint).toMatch(/rejected the client certificate/);
  });

  it('an expired certificate with --force: the server refuses it, exit 1', async () => {
    const { code, report } = await pingJson([url, ...creds('expired'), ...ca(), '--force']);
    expect(code).toBe(1);
    expect(report.precheck).toMatchObject({ ok: false, forced: true });
    expect(report.attempts).toHaveLength(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', attempt: 1 });
    expect(report.failure?.hint).toMatch(/rejected the client certificate/);
  });
});

describe('openssl s_server -Verify 1 -verify_return_error -www', () => {
  let pkiFiles: ReturnType<typeof writePkiFiles>;
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    pkiFiles = writePkiFiles(pki);
    server = await startOpensslServer(pkiFiles);
    url = `https://127.0.0.1:${server.port}/`;
  });
  afterAll(async () => {
    await server?.close();
    pkiFiles?.cleanup();
  });

  it('succeeds: exit 0, status 200, the CA names the server accepts', async () => {
    const { code, report } = await pingJson([url, ...creds('client'), ...ca()]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.attempts[0]?.httpStatus).toBe(200);
    expect(report.attempts[0]?.acceptableClientCAs).toEqual(['CN=aitoss test client root, O=aitoss tests']);
    expect(report.summary.phases.dns).toBeUndefined(); // an IP literal: no lookup
  });

  it.each([
    ['no client certificate', undefined, [], 116, 'certificate_required', /ERR_NETWORK; pass --cert\/--key/],
    ['a certificate from a CA it does not trust', 'otherCa', [], 48, 'unknown_ca', /issued by a CA the server does not trust/],
    ['an expired certificate (--force)', 'expired', ['--force'], 45, 'certificate_expired', /has expired.*issue a new one/],
    ['a certificate without clientAuth (--force)', 'serverAuthOnly', ['--force'], 43, 'unsupported_certificate', /missing the clientAuth EKU/],
    ['a leaf without its intermediate', 'clientLeafOnly', [], 48, 'unknown_ca', /lacks the intermediate/],
  ] as const)('%s: client-certificate with the alert by name, exit 1', async (_name, pair, extra, number, name, hint) => {
    const args = [url, ...(pair ? creds(pair) : []), ...ca(), ...extra];
    const { code, report } = await pingJson(args);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', alert: { number, name } });
    expect(report.failure?.hint).toMatch(hint);
    const text = await ping(args);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe(`FAIL  client-certificate: ${name} (alert ${number})`);
    expect(text.stdout).toMatch(hint);
  });
});

describe('the local pre-check refuses what cert check fails, before any traffic', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // A lenient server: asks for a certificate, accepts any.
    server = await startNodeServer(pki, { version: 'TLSv1.3', rejectUnauthorized: false });
  });
  afterAll(() => server.close());

  it('a certificate without clientAuth: CERT_NO_CLIENT_AUTH, no attempt, exit 1 (--force reaches the server)', async () => {
    const url = `https://127.0.0.1:${server.port}/`;
    const { code, report } = await pingJson([url, ...creds('serverAuthOnly'), ...ca()]);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.attempts).toEqual([]);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', code: 'CERT_NO_CLIENT_AUTH', attempt: null });
    const forced = await pingJson([url, ...creds('serverAuthOnly'), ...ca(), '--force']);
    expect(forced.report.attempts.length).toBe(1);
    expect(forced.report.precheck).toMatchObject({ ok: false, forced: true });
  });
});

describe('the server side: identity and trust', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNodeServer(pki, { version: 'TLSv1.3' });
  });
  afterAll(() => server.close());

  it('a server we do not trust (no --ca): server-certificate, its subject and issuer, the --ca hint, exit 1', async () => {
    const url = `https://127.0.0.1:${server.port}/`;
    const { code, report } = await pingJson([url, ...creds('client')]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({
      phase: 'server-certificate',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      serverCertificate: { subject: 'CN=localhost, O=aitoss tests', issuer: 'CN=aitoss test server root, O=aitoss tests' },
    });
    expect(report.failure?.hint).toMatch(/--ca FILE/);
    expect(report.failure?.hint).toMatch(/TLS-inspecting corporate proxy/);
    const text = await ping([url, ...creds('client')]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toMatch(/^FAIL  server-certificate: the server certificate "CN=localhost, O=aitoss tests" issued by "CN=aitoss test server root, O=aitoss tests" is not trusted/);
    expect(text.stdout).toMatch(/server certificate CN=localhost, O=aitoss tests, issued by CN=aitoss test server root, O=aitoss tests/);
    expect(text.stdout).toMatch(/→ for a private CA, or a TLS-inspecting corporate proxy .* pass its root with --ca FILE/);
  });

  it('--ca adds to the default roots, NODE_EXTRA_CA_CERTS included', async () => {
    // The server's root stands in for a public CA: NODE_EXTRA_CA_CERTS adds it to the
    // process's default roots. --ca names an unrelated CA, beside them, not instead: the
    // first verification (--ca alone) fails and the attempt is made again with both.
    const url = `https://localhost:${server.port}/`;
    const other = write('other-root.pem', pki.otherRoot);
    const env = { NODE_EXTRA_CA_CERTS: files['server-root.pem'] };
    const noCa = await pingJson([url, ...creds('client')], { env });
    expect(noCa.report.failure).toBeNull();
    const trusted = await pingJson([url, ...creds('client'), '--ca', other], { env });
    expect(trusted.report.failure).toBeNull();
    expect(trusted.code).toBe(0);
    expect(trusted.report.attempts).toHaveLength(1);
    const untrusted = await pingJson([url, ...creds('client'), '--ca', other]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.report.failure).toMatchObject({ phase: 'server-certificate' });
  });

  it('a wrong host name: server-certificate, the --servername hint, exit 1', async () => {
    const { code, report } = await pingJson([`https://127.0.0.1:${server.port}/`, ...creds('client'), ...ca(), '--servername', 'api.example.test']);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'server-certificate', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(report.failure?.message).toMatch(/does not cover api\.example\.test/);
    expect(report.failure?.hint).toMatch(/wrong host name.*--servername NAME/);
  });

  it('--servername with an IP URL: SNI and the name check use it, exit 0', async () => {
    const { code, report } = await pingJson([`https://127.0.0.1:${server.port}/`, ...creds('client'), ...ca(), '--servername', 'localhost']);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
  });

  it("curl's names: --cacert for --ca, -k for --insecure", async () => {
    const url = `https://127.0.0.1:${server.port}/`;
    const cacert = await pingJson([url, ...creds('client'), '--cacert', files['server-root.pem'] as string, '--servername', 'localhost']);
    expect(cacert.code).toBe(0);
    const insecure = await pingJson([url, ...creds('client'), '-k']);
    expect(insecure.code).toBe(0);
    expect(insecure.report.insecure).toBe(true);
    expect(insecure.stderr).toMatch(/--insecure/);
  });

  it('credentials in the URL or AITOSS_ENDPOINT are shown redacted everywhere (text, JSON, errors)', async () => {
    const secret = 'hunter2-url-secret';
    const url = `https://partner:${secret}@localhost:${server.port}/path`;
    const json = await pingJson([url, ...creds('client'), ...ca()], { secrets: [...keyLines, secret] });
    expect(json.code).toBe(0);
    expect(json.report.url).toBe(`https://***@localhost:${server.port}/path`);
    const text = await ping([url, ...creds('client'), ...ca()], { secrets: [...keyLines, secret] });
    expect(text.stdout).toContain(`https://***@localhost:${server.port}/path`);
    const fromEnv = await pingJson([...creds('client'), ...ca()], { env: { AITOSS_ENDPOINT: url }, secrets: [...keyLines, secret] });
    expect(fromEnv.report.url).toBe(`https://***@localhost:${server.port}/path`);
    const broken = await ping([`https://partner:${secret}@[::1/`, ...creds('client')], { secrets: [...keyLines, secret] });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('***@');
    const plain = await ping([`http://partner:${secret}@localhost/`], { secrets: [...keyLines, secret] });
    expect(plain.code).toBe(2);
    const envHttp = await ping([], { env: { AITOSS_ENDPOINT: `http://partner:${secret}@localhost/` }, secrets: [...keyLines, secret] });
    expect(envHttp.code).toBe(2);
    expect(envHttp.stderr).toContain('http://***@localhost/');
    // aitoss config shows the endpoint setting redacted too, in text and JSON.
    const config = await runCli(['config'], { cwd: dir, env: { AITOSS_ENDPOINT: url }, secrets: [...keyLines, secret] });
    expect(config.stdout).toContain(`https://***@localhost:${server.port}/path`);
    const configJson = await runCli(['config', '--json'], { cwd: dir, env: { AITOSS_ENDPOINT: url }, secrets: [...keyLines, secret] });
    expect(configJson.stdout).toContain(`https://***@localhost:${server.port}/path`);
    const fromFile = path.join(dir, 'endpoint-config');
    mkdirSync(fromFile, { recursive: true });
    writeFileSync(path.join(fromFile, '.aitossrc.json'), JSON.stringify({ endpoint: `http://partner:${secret}@x/` }));
    const bad = await runCli(['ping'], { cwd: fromFile, secrets: [...keyLines, secret] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('***@');
  });

  it('--insecure: warns on stderr on every run, skips the server check, still tests the client certificate', async () => {
    const url = `https://127.0.0.1:${server.port}/`;
    for (let run = 0; run < 2; run++) {
      const { code, report, stderr } = await pingJson([url, ...creds('client'), '--insecure']);
      expect(code).toBe(0);
      expect(stderr).toMatch(/^aitoss: warning: --insecure: the server certificate is not verified/);
      expect(report.insecure).toBe(true);
      expect(report.attempts[0]?.serverCertificateError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    }
    const text = await ping([url, ...creds('client'), '--insecure']);
    expect(text.stdout).toMatch(/server check +skipped \(--insecure\); it would have failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    const without = await pingJson([url, '--insecure']);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/--insecure/);
    expect(without.report.failure).toMatchObject({ phase: 'client-certificate', hint: NO_CLIENT_CERT_HINT });
  });

  it('stdout and stderr on one slow pipe (2>&1 | reader): the whole report arrives after the warning', async () => {
    // process.stderr over a pipe makes it non-blocking, for stdout too when they share it: the
    // report (more than the pipe holds) then meets EAGAIN and goes on through process.stdout.
    const url = `https://127.0.0.1:${server.port}/`;
    const command = `"${process.execPath}" "${BIN}" ping ${url} ${creds('client').join(' ')} --insecure --count 80 --json 2>&1 | (sleep 1; cat)`;
    // Not spawnSync: the server answers from this process.
    const child = spawn('bash', ['-c', command], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(0);
    const [warning, ...rest] = stdout.split('\n');
    expect(warning).toMatch(/^aitoss: warning: --insecure/);
    const json = rest.join('\n');
    expect(json.length).toBeGreaterThan(64 * 1024);
    const report = JSON.parse(json) as PingReport;
    expect(report.attempts).toHaveLength(80);
    expect(report.ok).toBe(true);
  });

  it('--count N: N attempts, min/median/max per phase (JSON and text)', async () => {
    const url = `https://127.0.0.1:${server.port}/`;
    const { code, report } = await pingJson([url, ...creds('client'), ...ca(), '--count', '4']);
    expect(code).toBe(0);
    expect(report.count).toBe(4);
    expect(report.attempts).toHaveLength(4);
    expect(report.summary).toMatchObject({ attempts: 4, succeeded: 4, failed: 0 });
    for (const phase of ['connect', 'tls', 'wait', 'firstByte', 'total'] as const) {
      const stats = report.summary.phases[phase];
      expect(stats?.n).toBe(4);
      expect(stats!.min).toBeLessThanOrEqual(stats!.median);
      expect(stats!.median).toBeLessThanOrEqual(stats!.max);
    }
    const text = await ping([url, ...creds('client'), ...ca(), '--count', '3']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^OK  ${url} 200 · 3 of 3 attempts · median \\d+ ms$`));
    expect(text.stdout).toMatch(/timings \(ms\) +min +median +max/);
    expect(text.stdout).toMatch(/^ +tls handshake +\d+\.\d +\d+\.\d +\d+\.\d$/m);
  });

  it('--method sends that method', async () => {
    const methods = await startNodeServer(pki, { version: 'TLSv1.3', handler: (req, res) => res.end(`method=${req.method}`) });
    try {
      const { code, report } = await pingJson([`https://127.0.0.1:${methods.port}/`, ...creds('client'), ...ca(), '--method', 'head']);
      expect(code).toBe(0);
      expect(report.method).toBe('HEAD');
      const get = await pingJson([`https://127.0.0.1:${methods.port}/`, ...creds('client'), ...ca()]);
      expect(get.report.attempts[0]?.bodySnippet).toBe('method=GET');
    } finally {
      await methods.close();
    }
  });
});

describe('a server that rejects at the HTTP level (the handshake always completes)', () => {
  it('"400 No required SSL certificate was sent" is a client-certificate failure with the ERR_NETWORK hint', async () => {
    const server = await startOptionalVerifyServer(pki);
    try {
      const url = `https://127.0.0.1:${server.port}/`;
      const { code, report } = await pingJson([url, ...ca()]);
      expect(code).toBe(1);
      expect(report.failure).toMatchObject({ phase: 'client-certificate', code: 'CLIENT_CERT_NOT_CONFIGURED', reason: 'not-configured' });
      expect(report.failure?.hint).toContain(NO_CLIENT_CERT_HINT);
      expect(report.attempts[0]?.httpStatus).toBe(400);
      const ok = await pingJson([url, ...creds('client'), ...ca()]);
      expect(ok.code).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('network failures', () => {
  it('a refused connection: connect, the hint, exit 1', async () => {
    const port = await refusedPort();
    const { code, report } = await pingJson([`https://127.0.0.1:${port}/`, ...creds('client'), ...ca()]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'connect', code: 'ECONNREFUSED' });
    expect(report.failure?.hint).toMatch(/nothing listens on that port/);
    const text = await ping([`https://127.0.0.1:${port}/`, ...creds('client'), ...ca()]);
    expect(text.stdout.split('\n')[0]).toBe(`FAIL  connect: connection refused by 127.0.0.1:${port}`);
    expect(text.stdout).toMatch(/→ nothing listens on that port/);
  });

  it('a port that accepts TCP and never answers: timeout in tls, ended within its bound, exit 1', async () => {
    const silent = await startCountingServer();
    try {
      // The deadline covers the local setup too (with --ca, the trust store copies the system
      // roots: ~40 ms where NODE_EXTRA_CA_CERTS names a bundle), so leave room on a loaded machine.
      const timeout = 1200;
      const started = performance.now();
      const { code, report } = await pingJson([`https://127.0.0.1:${silent.port}/`, ...creds('client'), ...ca(), '--timeout', String(timeout)]);
      const wall = performance.now() - started;
      expect(code).toBe(1);
      expect(report.failure).toMatchObject({ phase: 'timeout', stalledIn: 'tls', code: 'ETIMEDOUT' });
      expect(report.failure?.hint).toMatch(/handshake stalled/);
      expect(report.timeoutMs).toBe(timeout);
      // The deadline bounds the whole attempt: the local setup, then the phases (total).
      const timings = report.attempts[0]?.timings;
      const spent = (timings?.setup ?? Number.NaN) + (timings?.total ?? Number.NaN);
      expect(spent).toBeGreaterThanOrEqual(timeout - 5);
      // Slack for a loaded machine, still well under the 2x at which Node's own timeout fires.
      expect(spent).toBeLessThan(timeout * 1.6);
      expect(wall).toBeLessThan(timeout + 4000); // process start and exit included, on a loaded machine
      const text = await ping([`https://127.0.0.1:${silent.port}/`, ...creds('client'), ...ca(), '--timeout', String(timeout)]);
      expect(text.stdout.split('\n')[0]).toMatch(/^FAIL  timeout in tls: timed out after (1200 ms|1\.2 s|1200ms|1\.2s) during the TLS handshake$/);
      // A timeout never claims the certificate went out.
      expect(text.stdout).toMatch(/client cert +not verified on the wire whether the server asked for one; configured; not verified on the wire whether it was sent/);
      expect(text.stdout).toMatch(/→ the port accepts connections but the TLS handshake stalled/);
    } finally {
      await silent.close();
    }
  });
});

describe('the local pre-check', () => {
  let counting: Awaited<ReturnType<typeof startCountingServer>>;
  let url: string;
  beforeAll(async () => {
    counting = await startCountingServer();
    url = `https://127.0.0.1:${counting.port}/`;
  });
  afterAll(() => counting.close());

  it('a key that does not match: exit 1 before any traffic (the server saw no connection)', async () => {
    const { code, report } = await pingJson([url, '--cert', files['client.pem'] as string, '--key', files['otherCa.key'] as string, ...ca()]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', code: 'KEY_MISMATCH', attempt: null });
    expect(report.failure?.hint).toMatch(/use the key downloaded together with this certificate/);
    expect(report.precheck).toMatchObject({ ok: false, forced: false });
    expect(report.precheck?.problems.map((p) => p.code)).toContain('key-mismatch');
    expect(report.attempts).toEqual([]);
    expect(counting.connections()).toBe(0);
    const text = await ping([url, '--cert', files['client.pem'] as string, '--key', files['otherCa.key'] as string, ...ca()]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toMatch(/^FAIL  client-certificate: the private key .*otherCa\.key does not belong to the certificate .*client\.pem \(checked locally, nothing was sent\)$/);
    expect(text.stdout).toMatch(/client cert +not sent \(checked locally only\): CN=partner-app client/);
    expect(counting.connections()).toBe(0);
  });

  it('a mismatched key with --force is still refused by the probe: it cannot be presented (no connection)', async () => {
    const { code, report } = await pingJson([url, '--cert', files['client.pem'] as string, '--key', files['otherCa.key'] as string, ...ca(), '--force']);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', code: 'KEY_MISMATCH', attempt: 1 });
    expect(counting.connections()).toBe(0);
  });

  it('a forged key (its public half, no possession) and a never-valid certificate: exit 1 before any traffic, as check and the agent refuse them', async () => {
    for (const [name, code] of [
      ['forged-ec', 'KEY_NOT_PROVEN'],
      ['forged-rsa', 'KEY_NOT_PROVEN'],
      ['never-valid', 'CERT_NEVER_VALID'],
    ] as const) {
      const pair = ['--cert', fixture(`verdicts/${name}.crt`), '--key', fixture(`verdicts/${name}.key`)];
      const { code: exit, report } = await pingJson([url, ...pair, ...ca()]);
      expect(exit).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.failure).toMatchObject({ phase: 'client-certificate', code, attempt: null });
      expect(report.failure?.message).toMatch(/\(checked locally, nothing was sent\)$/);
      expect(report.failure?.hint).toMatch(/--force tries the handshake anyway/);
      expect(report.attempts).toEqual([]);
      const text = await ping([url, ...pair, ...ca()]);
      expect(text.code).toBe(1);
      expect(text.stdout.split('\n')[0]).toMatch(/^FAIL  client-certificate: /);
    }
    expect(counting.connections()).toBe(0);
  });

  it('an expired certificate: exit 1 before any traffic, with the --force hint', async () => {
    const { code, report } = await pingJson([url, ...creds('expired'), ...ca()]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'client-certificate', code: 'CERT_EXPIRED', attempt: null });
    expect(report.failure?.message).toMatch(/^the client certificate expired on \d{4}-\d\d-\d\d \(checked locally, nothing was sent\)$/);
    expect(report.failure?.hint).toMatch(/--force tries the handshake anyway/);
    expect(report.clientCertificate).toMatchObject({ level: 'expired', subject: 'CN=partner-app expired, O=Partner' });
    expect(report.attempts).toEqual([]);
    expect(counting.connections()).toBe(0);
  });

  it('an expired certificate with --force: connects (here: a silent port, so a timeout)', async () => {
    const { code, report } = await pingJson([url, ...creds('expired'), ...ca(), '--force', '--timeout', '300']);
    expect(code).toBe(1);
    expect(report.precheck).toMatchObject({ ok: false, forced: true });
    expect(report.failure).toMatchObject({ phase: 'timeout', attempt: 1 });
    expect(counting.connections()).toBe(1);
  });
});

describe('through an HTTP CONNECT proxy (HTTPS_PROXY)', () => {
  let origin: RunningServer;
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let url: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    origin = await startNodeServer(pki, { version: 'TLSv1.3' });
    proxy = await startConnectProxy();
    url = `https://localhost:${origin.port}/`;
    env = { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` };
  });
  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it('tunnels with CONNECT and presents the client certificate to the origin through it', async () => {
    const before = proxy.connects.length;
    const { code, report } = await pingJson([url, ...creds('client'), ...ca()], { env });
    expect(code).toBe(0);
    expect(proxy.connects.slice(before)).toEqual([`localhost:${origin.port}`]);
    expect(report.proxy).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(report.attempts[0]?.address).toMatchObject({ ip: '127.0.0.1', port: proxy.port });
    expect(report.attempts[0]?.bodySnippet).toBe('hello partner-app client'); // the origin saw our certificate
    expect(report.summary.phases.proxy?.n).toBe(1);
    const text = await ping([url, ...creds('client'), ...ca()], { env });
    expect(text.stdout).toMatch(new RegExp(`proxy +http://127\\.0\\.0\\.1:${proxy.port} \\(HTTP CONNECT tunnel`));
    expect(text.stdout).toMatch(/proxy tunnel +\d+\.\d/);
  });

  it('NO_PROXY and --no-proxy connect directly', async () => {
    const before = proxy.connects.length;
    const bypassed = await pingJson([url, ...creds('client'), ...ca()], { env: { ...env, NO_PROXY: 'localhost' } });
    expect(bypassed.code).toBe(0);
    expect(bypassed.report.proxy).toBeNull();
    expect(bypassed.report.attempts[0]?.address?.port).toBe(origin.port);
    const flag = await pingJson([url, ...creds('client'), ...ca(), '--no-proxy'], { env });
    expect(flag.code).toBe(0);
    expect(flag.report.proxy).toBeNull();
    expect(proxy.connects.length).toBe(before);
  });

  it('an HTTPS_PROXY that is no URL: an input error naming the variable (exit 2), never a direct connection', async () => {
    const before = proxy.connects.length;
    for (const [name, value] of [
      ['HTTPS_PROXY', 'http://user:pw-secret@[::1'],
      ['https_proxy', 'http://:80'],
    ] as const) {
      const { code, stderr, stdout } = await ping([url, ...creds('client'), ...ca()], { env: { [name]: value }, secrets: [...keyLines, 'pw-secret'] });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`^aitoss: ${name} \\(environment\\)`));
    }
    expect(proxy.connects.length).toBe(before);
  });

  it('a proxy refused at TCP level is a proxy failure', async () => {
    const port = await refusedPort();
    const { code, report } = await pingJson([url, ...creds('client'), ...ca()], { env: { HTTPS_PROXY: `http://127.0.0.1:${port}` } });
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ phase: 'proxy', code: 'ECONNREFUSED' });
    expect(report.failure?.hint).toMatch(/HTTPS_PROXY/);
  });

  it('a proxy that wants credentials: proxy phase, the hint, exit 1', async () => {
    const guarded = await startConnectProxy({ credentials: 'user:secret' });
    try {
      const { code, report } = await pingJson([url, ...creds('client'), ...ca()], { env: { HTTPS_PROXY: `http://127.0.0.1:${guarded.port}` } });
      expect(code).toBe(1);
      expect(report.failure).toMatchObject({ phase: 'proxy', code: 'PROXY_407' });
      expect(report.failure?.hint).toMatch(/credentials/);
      expect(report.failure?.hint).toMatch(/put them in the proxy URL/);
      // Credentials already in the URL but refused: say that, not "put them in the proxy URL".
      const wrong = await pingJson([url, ...creds('client'), ...ca()], { env: { HTTPS_PROXY: `http://user:wrong@127.0.0.1:${guarded.port}` } });
      expect(wrong.report.failure).toMatchObject({ phase: 'proxy', code: 'PROXY_407' });
      expect(wrong.report.failure?.hint).toMatch(/refused the credentials in the proxy URL/);
      expect(wrong.stdout).not.toContain('wrong@');
      const ok = await pingJson([url, ...creds('client'), ...ca()], { env: { HTTPS_PROXY: `http://user:secret@127.0.0.1:${guarded.port}` } });
      expect(ok.code).toBe(0);
      expect(ok.report.proxy).toBe(`http://127.0.0.1:${guarded.port}`); // no credentials in the output
      expect(ok.stdout).not.toContain('secret');
    } finally {
      await guarded.close();
    }
  });
});

describe('credentials and settings', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startNodeServer(pki, { version: 'TLSv1.3' });
    url = `https://127.0.0.1:${server.port}/`;
  });
  afterAll(() => server.close());

  it('reads env:NAME sources and AITOSS_CERT/AITOSS_KEY holding the PEM itself', async () => {
    const named = await pingJson([url, '--cert', 'env:APP_CERT', '--key', 'env:APP_KEY', ...ca()], { env: { APP_CERT: pki.client.cert, APP_KEY: pki.client.key } });
    expect(named.code).toBe(0);
    expect(named.report.clientCertificate?.source).toBe('env:APP_CERT');
    const settings = await pingJson([url, ...ca()], { env: { AITOSS_CERT: pki.client.cert.replace(/\n/g, '\\n'), AITOSS_KEY: Buffer.from(pki.client.key).toString('base64') } });
    expect(settings.code).toBe(0);
    expect(settings.report.clientCertificate?.source).toBe('env:AITOSS_CERT');
  });

  it('decrypts an encrypted key with AITOSS_KEY_PASSPHRASE; without it, an input error (exit 2)', async () => {
    const args = [url, '--cert', files['client.pem'] as string, '--key', files['client-encrypted.key'] as string, ...ca()];
    const ok = await pingJson(args, { env: { AITOSS_KEY_PASSPHRASE: 'correct horse' } });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain('correct horse');
    const missing = await ping(args);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/encrypted and no passphrase was given/);
  });

  it('takes the endpoint, certificate, key, CA and timeout from a configuration file', async () => {
    const project = path.join(dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(
      path.join(project, '.aitossrc.json'),
      JSON.stringify({ endpoint: `${url}from-config`, cert: '../client.pem', key: '../client.key', ca: '../server-root.pem', timeoutMs: 4000 }),
    );
    const { code, report } = await pingJson([], { cwd: project });
    expect(code).toBe(0);
    expect(report.url).toBe(`${url}from-config`);
    expect(report.timeoutMs).toBe(4000);
    expect(report.clientCertificate?.subject).toBe('CN=partner-app client, O=Partner');
    const flagWins = await pingJson(['--timeout', '3000'], { cwd: project });
    expect(flagWins.report.timeoutMs).toBe(3000);
  });

  it.each([
    ['a non-https URL', ['http://127.0.0.1:1/'], /ping speaks HTTPS only/],
    ['--count 0', ['https://127.0.0.1:1/', '--count', '0'], /--count.*1 or more/],
    ['--timeout abc', ['https://127.0.0.1:1/', '--timeout', 'abc'], /^aitoss: --timeout abc: expected a duration such as 10s, 500ms or 2m \(a bare number is milliseconds\); see 'aitoss ping --help'\n$/],
    ['a bad --method', ['https://127.0.0.1:1/', '--method', 'GE T'], /--method/],
    ['--cert without a key', ['https://127.0.0.1:1/', '--cert', 'CLIENT_PEM'], /no private key for the certificate .*--key/],
    ['a --ca file that does not exist', ['https://127.0.0.1:1/', '--ca', 'missing-root.pem'], /missing-root\.pem/],
    ['a --ca file without a certificate', ['https://127.0.0.1:1/', '--ca', 'CLIENT_KEY'], /holds no certificate \(given as --ca\)/],
  ])('usage and input errors exit 2 with one line: %s', async (_name, args, message) => {
    const resolved = args.map((a) => (a === 'CLIENT_PEM' ? (files['client.pem'] as string) : a === 'CLIENT_KEY' ? (files['client.key'] as string) : a));
    const result = await ping(resolved);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('signals', () => {
  function spawnPing(args: readonly string[]): { kill(signal: NodeJS.Signals): void; done: Promise<CliResult & { exitedAt: number }> } {
    const child = spawn(process.execPath, [BIN, 'ping', ...args], { cwd: dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const done = new Promise<CliResult & { exitedAt: number }>((resolve) =>
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, exitedAt: performance.now() });
      }),
    );
    return { kill: (signal) => child.kill(signal), done };
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during a stalled handshake: a clean exit %i with one line', async (signal, exitCode) => {
    const silent = await startCountingServer();
    try {
      const run = spawnPing([`https://127.0.0.1:${silent.port}/`, ...creds('client'), ...ca(), '--timeout', '10000']);
      // The handshake has started and will never progress (or the CLI ended early: say how).
      const early = await Promise.race([silent.firstConnection.then(() => undefined), run.done]);
      expect(early, `ended before connecting: ${JSON.stringify(early)}`).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sentAt = performance.now();
      run.kill(signal);
      const result = await run.done;
      expect(result.signal).toBeNull(); // it exited by itself, not killed by the signal
      expect(result.code).toBe(exitCode);
      expect(result.exitedAt - sentAt).toBeLessThan(2000);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`aitoss: interrupted by ${signal} during the TLS handshake; no result\n`);
    } finally {
      await silent.close();
    }
  });
});

describe('no credentials at all', () => {
  it('runs without a client certificate to show the ERR_NETWORK diagnosis (decided: not a usage error)', async () => {
    const server = await startNodeServer(pki, { version: 'TLSv1.3' });
    try {
      const { code, stdout } = await ping([`https://127.0.0.1:${server.port}/`, ...ca()]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/client cert +the server asked for one; none configured/);
      expect(stdout).toMatch(/! no client certificate configured/);
      expect(stdout).toContain(NO_CLIENT_CERT_HINT);
    } finally {
      await server.close();
    }
  });
});


describe('the built CLI against nginx and HAProxy (exit codes of the contract)', () => {
  let pkiFiles: ReturnType<typeof writePkiFiles>;
  beforeAll(() => {
    pkiFiles = writePkiFiles(pki);
  });
  afterAll(() => pkiFiles?.cleanup());

  it('nginx optional + 403: exit 0 with the certificate; exit 1 not-configured without; exit 1 not-sent with restricted sigalgs', async () => {
    const optional = await startNginx(pkiFiles, { verify: 'optional' });
    const restricted = await startNginx(pkiFiles, { verify: 'optional', clientSignatureAlgorithms: 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256' });
    try {
      const ok = await pingJson([`https://localhost:${optional.port}/`, ...creds('client'), ...ca()]);
      expect(ok.code).toBe(0);
      expect(ok.report.attempts[0]).toMatchObject({ clientCertificateRequested: true, clientCertificateSent: true, clientIssuerListed: true, wireVerified: true });
      const none = await pingJson([`https://localhost:${optional.port}/`, ...ca()]);
      expect(none.code).toBe(1);
      expect(none.report.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-configured' });
      const withheld = await ping([`https://localhost:${restricted.port}/`, ...creds('client'), ...ca()]);
      expect(withheld.code).toBe(1);
      expect(withheld.stdout.split('\n')[0]).toBe('FAIL  client-certificate: the configured client certificate was not sent; the server answered HTTP 403');
      expect(withheld.stdout).toMatch(/client cert +the server asked for one; configured, NOT sent \(the server accepts no signature this key can make\)/);
      expect(withheld.stdout).toMatch(/→ the configured client certificate was not sent .*none of which this certificate's key \(ECDSA P-256\) can make/);
    } finally {
      await optional.close();
      await restricted.close();
    }
  });

  it('HAProxy verify required over TLS 1.3: the alert by name on the verdict line, exit 1', async () => {
    const server = await startHaproxy(pkiFiles, { verify: 'required', version: 'TLSv1.3' });
    try {
      const expired = await ping([`https://localhost:${server.port}/`, ...creds('expired'), ...ca(), '--force']);
      expect(expired.code).toBe(1);
      expect(expired.stdout.split('\n')[0]).toBe('FAIL  client-certificate: certificate_expired (alert 45)');
      const ok = await ping([`https://localhost:${server.port}/`, ...creds('client'), ...ca()]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/ALPN h2/);
    } finally {
      await server.close();
    }
  });
});
