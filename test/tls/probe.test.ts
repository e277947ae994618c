import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { probe } from '../../src/tls/probe.js';
import { NO_CLIENT_CERT_HINT } from '../../src/tls/diagnose.js';
import type { ProbeOptions, ProbePhase, ProbeResult } from '../../src/tls/types.js';
import {
  createTestPki,
  refusedPort,
  startConnectProxy,
  startNodeServer,
  startOpensslServer,
  startOptionalVerifyServer,
  startPlainHttpServer,
  startSilentServer,
  writePkiFiles,
  type Credentials,
  type RunningServer,
  type TestPki,
} from '../helpers/tls-servers.js';

let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki();
});

function attempt(port: number, credentials: Credentials | undefined, extra: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
  return probe({
    url: new URL(`https://localhost:${port}/health?x=1`),
    ...(credentials ? { cert: credentials.cert, key: credentials.key } : {}),
    ca: [pki.serverRoot],
    timeoutMs: 3000,
    ...extra,
  });
}

/** JSON round trip: the result must be plain data. */
function expectPlainData(result: ProbeResult): void {
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
}

describe.each(['TLSv1.2', 'TLSv1.3'] as const)('Node https server requiring a client certificate, %s', (version) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNodeServer(pki, { version });
  });
  afterAll(() => server.close());

  it('succeeds with the right certificate chain and reports the connection', async () => {
    const phases: ProbePhase[] = [];
    const result = await attempt(server.port, pki.client, { onPhase: (p) => phases.push(p) });
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.httpStatus).toBe(200);
    expect(result.bodySnippet).toBe('hello partner-app client');
    expect(result.tls?.version).toBe(version);
    expect(result.tls?.alpn).toBe('http/1.1'); // Node's https server answers ALPN by default
    expect(result.address).toEqual({ host: 'localhost', ip: '127.0.0.1', port: server.port, family: 4 });
    expect(phases).toEqual(['dns', 'connect', 'tls', 'http']);
    expect(result.clientCertificateRequested).toBe(true);
    expect(result.acceptableClientCAs).toEqual(['CN=aitoss test client root, O=aitoss tests']);
    expect(result.serverChain[0]).toMatchObject({ subject: 'CN=localhost, O=aitoss tests', issuer: 'CN=aitoss test server root, O=aitoss tests' });
    expect(result.serverChain[0]?.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(result.serverChain[0]?.notAfter).toMatch(/^\d{4}-\d\d-\d\dT/);
    const t = result.timings;
    // The key and the trust store are prepared before the clock starts: reported apart.
    expect(t.setup).toBeGreaterThanOrEqual(0);
    expect(t.dns).toBeGreaterThanOrEqual(0);
    expect(t.connect).toBeGreaterThanOrEqual(t.dns ?? 0);
    expect(t.tls).toBeGreaterThanOrEqual(t.connect ?? 0);
    expect(t.firstByte).toBeGreaterThanOrEqual(t.tls ?? 0);
    expect(t.total).toBeGreaterThanOrEqual(t.firstByte ?? 0);
    expectPlainData(result);
  });

  it('accepts the key as a KeyObject', async () => {
    const result = await attempt(server.port, undefined, { cert: pki.client.cert, key: createPrivateKey(pki.client.key) });
    expect(result.ok).toBe(true);
  });

  it('fails on the client certificate when none is presented', async () => {
    const result = await attempt(server.port, undefined);
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('client-certificate');
    if (version === 'TLSv1.2') {
      expect(result.failure?.code).toMatch(opensslAlertCode('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'));
      expect(result.failure?.alert).toEqual({ number: 40, name: 'handshake_failure' });
    } else {
      expect(result.failure?.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
      expect(result.failure?.alert).toEqual({ number: 116, name: 'certificate_required' });
      expect(result.tls?.version).toBe('TLSv1.3'); // the handshake "completed" first
    }
    expect(result.failure?.hint).toBe(NO_CLIENT_CERT_HINT);
    expect(result.clientCertificateRequested).toBe(true);
    expect(result.clientCertificatePresented).toBe(false);
    expectPlainData(result);
  });

  it('fails on the client certificate when it comes from an untrusted CA (Node resets, no alert)', async () => {
    const result = await attempt(server.port, pki.otherCa);
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('client-certificate');
    expect(result.failure?.code).toBe('ECONNRESET');
    expect(result.failure?.alert).toBeUndefined();
    expect(result.failure?.hint).toMatch(/rejected the client certificate/);
    expect(result.clientCertificateRequested).toBe(true);
  });

  it('fails on the client certificate when it has expired', async () => {
    const result = await attempt(server.port, pki.expired);
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('client-certificate');
    expect(result.failure?.code).toBe('ECONNRESET');
  });

  it('fails on the server certificate when its CA is not trusted', async () => {
    const result = await attempt(server.port, pki.client, { ca: undefined });
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('server-certificate');
    expect(result.failure?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(result.failure?.serverCertificate).toEqual({ subject: 'CN=localhost, O=aitoss tests', issuer: 'CN=aitoss test server root, O=aitoss tests' });
    expect(result.failure?.hint).toMatch(/--ca FILE/);
    expect(result.failure?.hint).toMatch(/aitoss test server root/);
    // The client certificate went out once: the server was verified after the handshake.
    expect(result.serverChain[0]?.subject).toBe('CN=localhost, O=aitoss tests');
    expect(result.httpStatus).toBeUndefined();
  });

  it('with insecure, still tests the client certificate and reports the ignored error', async () => {
    const ok = await attempt(server.port, pki.client, { ca: undefined, insecure: true });
    expect(ok.ok).toBe(true);
    expect(ok.serverCertificateError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const none = await attempt(server.port, undefined, { ca: undefined, insecure: true });
    expect(none.ok).toBe(false);
    expect(none.failure?.phase).toBe('client-certificate');
  });
});

describe('server identity', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNodeServer(pki, { version: 'TLSv1.3' });
  });
  afterAll(() => server.close());

  it('sends the URL host as SNI (never an IP address), or --servername', async () => {
    const sniServer = await startNodeServer(pki, {
      version: 'TLSv1.3',
      handler: (req, res) => res.end(`sni=${String((req.socket as TLSSocket).servername)}`),
    });
    try {
      expect((await attempt(sniServer.port, pki.client)).bodySnippet).toBe('sni=localhost');
      expect((await attempt(sniServer.port, pki.client, { url: new URL(`https://127.0.0.1:${sniServer.port}/`) })).bodySnippet).toBe('sni=false');
      const named = await attempt(sniServer.port, pki.client, { url: new URL(`https://127.0.0.1:${sniServer.port}/`), servername: 'localhost' });
      expect(named.ok).toBe(true);
      expect(named.bodySnippet).toBe('sni=localhost');
    } finally {
      await sniServer.close();
    }
  });

  it('connects to an IP literal without DNS and checks the IP SAN', async () => {
    const phases: ProbePhase[] = [];
    const result = await attempt(server.port, pki.client, { url: new URL(`https://127.0.0.1:${server.port}/`), onPhase: (p) => phases.push(p) });
    expect(result.ok).toBe(true);
    expect(result.timings.dns).toBeUndefined();
    expect(phases[0]).toBe('connect');
  });

  it('fails on the server certificate when the name is not in it', async () => {
    const result = await attempt(server.port, pki.client, { url: new URL(`https://127.0.0.1:${server.port}/`), servername: 'api.example.test' });
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('server-certificate');
    expect(result.failure?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(result.failure?.message).toMatch(/api\.example\.test.*localhost, 127\.0\.0\.1/);
    expect(result.failure?.hint).toMatch(/--servername/);
    expectPlainData(result);
  });

  it('decrypts an encrypted key with the passphrase, and diagnoses a wrong or missing one', async () => {
    const encrypted = createPrivateKey(pki.client.key).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const ok = await attempt(server.port, undefined, { cert: pki.client.cert, key: encrypted, passphrase: 'pw' });
    expect(ok.ok).toBe(true);
    const wrong = await attempt(server.port, undefined, { cert: pki.client.cert, key: encrypted, passphrase: 'nope' });
    expect(wrong.failure).toMatchObject({ phase: 'client-certificate', code: 'ERR_OSSL_BAD_DECRYPT' });
    expect(wrong.failure?.hint).toMatch(/wrong passphrase/);
    const missing = await attempt(server.port, undefined, { cert: pki.client.cert, key: encrypted });
    expect(missing.failure?.phase).toBe('client-certificate');
    expect(missing.failure?.hint).toMatch(/needs a passphrase/);
    const garbage = await attempt(server.port, undefined, { cert: 'not a certificate', key: pki.client.key });
    expect(garbage.failure).toMatchObject({ phase: 'client-certificate', code: 'ERR_OSSL_PEM_NO_START_LINE' });
    expect(garbage.failure?.message).toBe('the certificate or key could not be loaded: no start line');
  });

  it('refuses a key that does not match the certificate before connecting', async () => {
    const phases: ProbePhase[] = [];
    const result = await attempt(server.port, pki.mismatched, { onPhase: (p) => phases.push(p) });
    expect(result.failure).toMatchObject({ phase: 'client-certificate', code: 'KEY_MISMATCH' });
    expect(result.failure?.hint).toMatch(/key does not match the certificate/);
    expect(phases).toEqual([]);
  });
});

describe('openssl s_server -Verify 1 -verify_return_error', () => {
  let files: ReturnType<typeof writePkiFiles>;
  let tls13: RunningServer;
  let tls12: RunningServer;
  beforeAll(async () => {
    files = writePkiFiles(pki);
    [tls13, tls12] = await Promise.all([startOpensslServer(files), startOpensslServer(files, ['-tls1_2'])]);
  });
  afterAll(async () => {
    await Promise.all([tls13?.close(), tls12?.close()]);
    files?.cleanup();
  });

  it('succeeds with the right certificate (TLS 1.3 and 1.2)', async () => {
    for (const [server, version] of [[tls13, 'TLSv1.3'], [tls12, 'TLSv1.2']] as const) {
      const result = await attempt(server.port, pki.client);
      expect(result.failure).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.httpStatus).toBe(200);
      expect(result.tls?.version).toBe(version);
      expect(result.clientCertificateRequested).toBe(true);
      expect(result.acceptableClientCAs).toEqual(['CN=aitoss test client root, O=aitoss tests']);
    }
  });

  it.each([
    ['no certificate (TLS 1.3)', undefined, 'tls13', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 116, 'certificate_required', /no client certificate.*ERR_NETWORK.*--cert\/--key/],
    ['no certificate (TLS 1.2)', undefined, 'tls12', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 40, 'handshake_failure', /no client certificate.*ERR_NETWORK.*--cert\/--key/],
    ['an untrusted CA', 'otherCa', 'tls13', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 48, 'unknown_ca', /CA the server does not trust: wrong file, or a certificate for another environment\/app/],
    ['an expired certificate', 'expired', 'tls13', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 45, 'certificate_expired', /expired/],
    ['a certificate without clientAuth', 'serverAuthOnly', 'tls13', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 43, 'unsupported_certificate', /missing the clientAuth EKU/],
    ['a leaf without its intermediate', 'clientLeafOnly', 'tls13', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 48, 'unknown_ca', /lacks the intermediate/],
    ['an untrusted CA (TLS 1.2)', 'otherCa', 'tls12', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 48, 'unknown_ca', /does not trust/],
  ] as const)('rejects %s with the right alert', async (_name, credentials, which, code, number, alert, hint) => {
    const server = which === 'tls13' ? tls13 : tls12;
    const result = await attempt(server.port, credentials ? pki[credentials] : undefined);
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('client-certificate');
    expect(result.failure?.code).toMatch(opensslAlertCode(code));
    expect(result.failure?.alert).toEqual({ number, name: alert });
    expect(result.failure?.hint).toMatch(hint);
    expect(result.clientCertificateRequested).toBe(true);
    expect(result.httpStatus).toBeUndefined();
    expectPlainData(result);
  });
});

describe('HTTP-level rejection (handshake always completes)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startOptionalVerifyServer(pki);
  });
  afterAll(() => server.close());

  it('treats "400 No required SSL certificate was sent" as a client-certificate failure', async () => {
    const result = await attempt(server.port, undefined);
    expect(result.ok).toBe(false);
    expect(result.httpStatus).toBe(400);
    // Nothing configured: ping shows what the server does, and mTLS is not proven.
    expect(result.failure).toMatchObject({ phase: 'client-certificate', code: 'CLIENT_CERT_NOT_CONFIGURED', reason: 'not-configured' });
    expect(result.failure?.message).toMatch(/HTTP 400 .*no client certificate was received/);
    expect(result.failure?.hint).toContain(NO_CLIENT_CERT_HINT);
    expect(result.bodySnippet).toContain('No required SSL certificate was sent');
    expect(result.clientCertificateRequested).toBe(true);
    expect(result.clientCertificateSent).toBe(false);
  });

  it('treats "400 The SSL certificate error" as a client-certificate failure', async () => {
    const result = await attempt(server.port, pki.otherCa);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ phase: 'client-certificate', code: 'HTTP_400', reason: 'http-rejected' });
    // What the handshake showed: the issuer is not in the server's CA list.
    expect(result.clientIssuerListed).toBe(false);
    expect(result.clientCertificateSent).toBe(true);
    expect(result.failure?.hint).toMatch(/issuer "CN=unrelated root, O=Elsewhere" is not among the CAs the server accepts \(it accepts "CN=aitoss test client root, O=aitoss tests"\)/);
  });

  it('succeeds when the certificate is accepted', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.ok).toBe(true);
    expect(result.httpStatus).toBe(200);
  });
});

describe('a server that does not ask for a certificate', () => {
  it('fails "not requested" whatever the status (TLS 1.2 and 1.3)', async () => {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const server = await startNodeServer(pki, { version, requestCert: false, rejectUnauthorized: false });
      try {
        const result = await attempt(server.port, pki.client);
        expect(result.ok).toBe(false);
        expect(result.httpStatus).toBe(200);
        expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-requested', code: 'CLIENT_CERT_NOT_REQUESTED' });
        expect(result.failure?.hint).toMatch(/TLS-terminating proxy/);
        expect(result.clientCertificateRequested).toBe(false);
        expect(result.clientCertificateSent).toBe(false);
        expect(result.acceptableClientCAs).toBeUndefined();
        expect(result.bodySnippet).toBe('hello anonymous');
      } finally {
        await server.close();
      }
    }
  });
});

describe('network failures', () => {
  it('reports a refused connection', async () => {
    const port = await refusedPort();
    const result = await attempt(port, pki.client, { url: new URL(`https://127.0.0.1:${port}/`) });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ phase: 'connect', code: 'ECONNREFUSED' });
    expect(result.failure?.hint).toMatch(/nothing listens/);
    expect(result.timings.connect).toBeUndefined();
  });

  it('reports a DNS failure from the lookup function', async () => {
    const lookup = async (hostname: string): Promise<never> => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
    };
    const result = await probe({ url: new URL('https://apps-in-toss-api.invalid/'), timeoutMs: 1000, lookup });
    expect(result.failure).toMatchObject({ phase: 'dns', code: 'ENOTFOUND' });
    expect(result.failure?.message).toMatch(/apps-in-toss-api\.invalid/);
    expect(result.failure?.hint).toMatch(/host name/);
  });

  it('times out a handshake that never progresses, on time', async () => {
    const server = await startSilentServer();
    try {
      // Long enough that a loaded machine has surely connected (so the stall is in TLS);
      // "on time" is judged against Node's own timeout option, which fires at twice the value.
      const timeoutMs = 1500;
      const started = performance.now();
      const result = await attempt(server.port, pki.client, { timeoutMs });
      const took = performance.now() - started;
      expect(result.ok).toBe(false);
      expect(result.failure).toMatchObject({ phase: 'timeout', stalledIn: 'tls', code: 'ETIMEDOUT' });
      expect(result.failure?.hint).toMatch(/handshake stalled/);
      expect(took).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(took).toBeLessThan(timeoutMs * 1.6);
      expect(result.timings.total).toBeLessThan(timeoutMs * 1.6);
    } finally {
      await server.close();
    }
  });

  it('times out a DNS lookup that never answers', async () => {
    const lookup = (): Promise<never> => new Promise(() => undefined);
    const result = await probe({ url: new URL('https://slow.invalid/'), timeoutMs: 150, lookup });
    expect(result.failure).toMatchObject({ phase: 'timeout', stalledIn: 'dns' });
  });

  it('stops when the caller aborts (Ctrl-C)', async () => {
    const server = await startSilentServer();
    try {
      const controller = new AbortController();
      // 500 ms: on a loaded machine the loopback connect is surely done, so it stops in TLS.
      setTimeout(() => controller.abort(), 500);
      const started = performance.now();
      const result = await attempt(server.port, pki.client, { timeoutMs: 10_000, signal: controller.signal });
      expect(performance.now() - started).toBeLessThan(5000); // the abort, not the timeout, ended it
      expect(result.failure).toMatchObject({ phase: 'aborted', stalledIn: 'tls', code: 'ABORT_ERR' });
      const before = await attempt(server.port, pki.client, { signal: AbortSignal.abort() });
      expect(before.failure?.phase).toBe('aborted');
    } finally {
      await server.close();
    }
  });

  it('reports a port that does not speak TLS', async () => {
    const server = await startPlainHttpServer();
    try {
      const result = await attempt(server.port, pki.client);
      expect(result.failure).toMatchObject({ phase: 'tls' });
      expect(result.failure?.code).toMatch(/WRONG_VERSION_NUMBER|EPROTO/);
      expect(result.failure?.hint).toMatch(/plain HTTP/);
    } finally {
      await server.close();
    }
  });

  it('rejects a non-https URL as misuse', async () => {
    await expect(probe({ url: new URL('http://localhost/'), timeoutMs: 100 })).rejects.toThrow(TypeError);
  });
});

describe('through an HTTP CONNECT proxy', () => {
  let origin: RunningServer;
  beforeAll(async () => {
    origin = await startNodeServer(pki, { version: 'TLSv1.3' });
  });
  afterAll(() => origin.close());

  it('tunnels to the origin and presents the client certificate to it', async () => {
    const proxy = await startConnectProxy();
    try {
      const phases: ProbePhase[] = [];
      const result = await attempt(origin.port, pki.client, {
        proxy: new URL(`http://127.0.0.1:${proxy.port}`),
        onPhase: (p) => phases.push(p),
      });
      expect(result.failure).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(proxy.connects).toEqual([`localhost:${origin.port}`]);
      expect(result.bodySnippet).toBe('hello partner-app client'); // the origin saw our certificate
      expect(result.proxy).toBe(`http://127.0.0.1:${proxy.port}`);
      expect(result.address).toMatchObject({ ip: '127.0.0.1', port: proxy.port });
      expect(phases).toEqual(['connect', 'proxy', 'tls', 'http']);
      expect(result.timings.proxy).toBeGreaterThanOrEqual(result.timings.connect ?? 0);
    } finally {
      await proxy.close();
    }
  });

  it('keeps the TLS alerts of the origin through the tunnel', async () => {
    const proxy = await startConnectProxy();
    try {
      const result = await attempt(origin.port, undefined, { proxy: new URL(`http://127.0.0.1:${proxy.port}`) });
      expect(result.failure).toMatchObject({ phase: 'client-certificate', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    } finally {
      await proxy.close();
    }
  });

  it('reports a proxy that wants credentials, and uses the ones in the proxy URL', async () => {
    const proxy = await startConnectProxy({ credentials: 'me:s3cret' });
    try {
      const denied = await attempt(origin.port, pki.client, { proxy: new URL(`http://127.0.0.1:${proxy.port}`) });
      expect(denied.failure).toMatchObject({ phase: 'proxy', code: 'PROXY_407' });
      expect(denied.failure?.hint).toMatch(/credentials/);
      const allowed = await attempt(origin.port, pki.client, { proxy: new URL(`http://me:s3cret@127.0.0.1:${proxy.port}`) });
      expect(allowed.ok).toBe(true);
      expect(allowed.proxy).toBe(`http://127.0.0.1:${proxy.port}`); // no credentials in the result
    } finally {
      await proxy.close();
    }
  });

  it('times out a proxy that never answers CONNECT', async () => {
    const silent = await startSilentServer();
    try {
      const result = await attempt(origin.port, pki.client, { proxy: new URL(`http://127.0.0.1:${silent.port}`), timeoutMs: 1000 });
      expect(result.failure).toMatchObject({ phase: 'timeout', stalledIn: 'proxy' });
      expect(result.failure?.hint).toMatch(/HTTPS_PROXY/);
    } finally {
      await silent.close();
    }
  });

  it('reports a refused proxy under proxy, naming it', async () => {
    const port = await refusedPort();
    const result = await attempt(origin.port, pki.client, { proxy: new URL(`http://127.0.0.1:${port}`) });
    expect(result.failure).toMatchObject({ phase: 'proxy', code: 'ECONNREFUSED' });
    expect(result.failure?.hint).toMatch(/HTTPS_PROXY/);
    expect(result.failure?.message).toMatch(/proxy/);
  });
});

describe('reading the CertificateRequest of TLS 1.3 (decrypted handshake)', () => {
  it.each([
    ['TLS_AES_128_GCM_SHA256', undefined],
    ['TLS_AES_256_GCM_SHA384', undefined],
    ['TLS_CHACHA20_POLY1305_SHA256', undefined],
    ['TLS_AES_256_GCM_SHA384', 'secp384r1'], // HelloRetryRequest first: the client key-shares X25519
  ])('%s (groups: %s)', async (suite, ecdhCurve) => {
    const server = await startNodeServer(pki, { version: 'TLSv1.3', ciphers: suite, ...(ecdhCurve ? { ecdhCurve } : {}) });
    try {
      const result = await attempt(server.port, pki.client);
      expect(result.ok).toBe(true);
      expect(result.tls?.cipher).toBe(suite);
      expect(result.clientCertificateRequested).toBe(true);
      expect(result.acceptableClientCAs).toEqual(['CN=aitoss test client root, O=aitoss tests']);
      const none = await attempt(server.port, undefined);
      expect(none.failure?.alert?.name).toBe('certificate_required');
      expect(none.clientCertificateRequested).toBe(true);
      expect(none.acceptableClientCAs).toEqual(['CN=aitoss test client root, O=aitoss tests']);
    } finally {
      await server.close();
    }
  });
});

describe('misuse', () => {
  it('throws for a certificate without a key, or a key of the wrong kind', async () => {
    await expect(probe({ url: new URL('https://localhost/'), cert: pki.client.cert, timeoutMs: 100 })).rejects.toThrow(/cert and key go together/);
    const publicKey = createPublicKey(pki.client.key);
    await expect(probe({ url: new URL('https://localhost/'), cert: pki.client.cert, key: publicKey, timeoutMs: 100 })).rejects.toThrow(/private key/);
  });
});

/** OpenSSL 3.0 (Node 20) names alerts SSLV3_ALERT_…; newer releases (Node 22+) SSL/TLS_ALERT_…. */
function opensslAlertCode(code: string): RegExp {
  return new RegExp(`^${code.replace('SSLV3_', '(?:SSLV3|SSL/TLS)_')}$`);
}
