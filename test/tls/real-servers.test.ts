// The probe against real servers started on loopback by this file: nginx and HAProxy in the
// modes partners run them (optional verification answering 403 or a 400 page, required
// verification with TLS 1.3 alerts after the handshake, restricted client signature
// algorithms, a second virtual host), Apache httpd (renegotiation, post-handshake
// authentication, optional verification), `openssl s_server` with restricted client sigalgs and a
// forced HelloRetryRequest, a Node HTTP/2-only server and a listener on [::1] only. A server
// binary that is missing makes these tests fail (requireBinary), never skip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { probe } from '../../src/tls/probe.js';
import { NO_CLIENT_CERT_HINT } from '../../src/tls/diagnose.js';
import type { ProbeOptions, ProbeResult } from '../../src/tls/types.js';
import {
  createTestPki,
  startApache,
  startHaproxy,
  startNginx,
  startNodeServer,
  startOpensslServer,
  writePkiFiles,
  type Credentials,
  type RunningServer,
  type TestPki,
} from '../helpers/tls-servers.js';

let pki: TestPki;
let files: ReturnType<typeof writePkiFiles>;

beforeAll(async () => {
  pki = await createTestPki();
  files = writePkiFiles(pki);
});
afterAll(() => files.cleanup());

function attempt(port: number, credentials: Credentials | undefined, extra: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
  return probe({
    url: new URL(`https://localhost:${port}/`),
    ...(credentials ? { cert: credentials.cert, key: credentials.key } : {}),
    ca: [pki.serverRoot],
    timeoutMs: 5000,
    ...extra,
  });
}

/** The same attempt `times` times at once: a race that loses the alert shows up here. */
async function repeatedly(times: number, run: () => Promise<ProbeResult>): Promise<ProbeResult[]> {
  return Promise.all(Array.from({ length: times }, run));
}

const ALERT_RUNS = 10;

describe.each(['TLSv1.2', 'TLSv1.3'] as const)('nginx, ssl_verify_client optional + 403, %s', (version) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNginx(files, { verify: 'optional', protocols: version });
  });
  afterAll(() => server?.close());

  it('succeeds with the right certificate: requested, sent, issuer listed', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, httpStatus: 200, clientCertificateRequested: true, clientCertificateSent: true, clientIssuerListed: true, wireVerified: true });
    expect(result.tls?.version).toBe(version);
  });

  it('without a certificate: the 403 is no success (not configured)', async () => {
    const result = await attempt(server.port, undefined);
    expect(result).toMatchObject({ ok: false, httpStatus: 403, clientCertificateRequested: true, clientCertificateSent: false });
    expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-configured' });
    expect(result.failure?.hint).toContain(NO_CLIENT_CERT_HINT);
  });

  it('with a certificate from another CA: a client-certificate failure naming the CA list', async () => {
    const result = await attempt(server.port, pki.otherCa);
    expect(result.ok).toBe(false);
    expect(result.clientIssuerListed).toBe(false);
    expect(result.failure?.phase).toBe('client-certificate');
    expect(result.failure?.reason).toMatch(/^http-(rejected|refused)$/);
    expect(result.failure?.hint).toMatch(/is not among the CAs the server accepts \(it accepts "CN=aitoss test client root, O=aitoss tests"\)/);
  });
});

describe.each(['TLSv1.2', 'TLSv1.3'] as const)('nginx, ssl_conf_command ClientSignatureAlgorithms (RSA only) with an ECDSA certificate, %s', (version) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNginx(files, { verify: 'optional', protocols: version, clientSignatureAlgorithms: 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256' });
  });
  afterAll(() => server?.close());

  it('fails "not sent" with the cause, whatever the HTTP status', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.ok).toBe(false);
    expect(result.clientCertificateRequested).toBe(true);
    expect(result.clientCertificateSent).toBe(false);
    expect(result.clientCertificateNotSentCause).toEqual({ code: 'signature-algorithms', keyType: 'ECDSA P-256', accepted: ['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256'] });
    expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-sent', code: 'CLIENT_CERT_NOT_SENT' });
    expect(result.failure?.hint).toMatch(/accepts only the signature algorithms rsa_pss_rsae_sha256, rsa_pkcs1_sha256, none of which this certificate's key \(ECDSA P-256\) can make/);
  });
});

describe('nginx, ssl_verify_client on, beside a default server without client certificates', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNginx(files, { verify: 'on', defaultServer: true });
  });
  afterAll(() => server?.close());

  it('--servername sets the Host header too: by IP address, the right virtual host answers', async () => {
    const result = await attempt(server.port, pki.client, { url: new URL(`https://127.0.0.1:${server.port}/`), servername: 'localhost' });
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, httpStatus: 200, clientCertificateSent: true });
    expect(result.bodySnippet).toContain('partner-app client');
  });

  it('a Host that reaches another virtual host than SNI: 421 is a failure that says so', async () => {
    // SNI picks the default server; Host names the one that verifies client certificates.
    const result = await attempt(server.port, pki.client, {
      url: new URL(`https://127.0.0.1:${server.port}/`),
      servername: 'default.test',
      insecure: true,
      headers: { host: `localhost:${server.port}` },
    });
    expect(result.ok).toBe(false);
    expect(result.httpStatus).toBe(421);
    expect(result.failure).toMatchObject({ phase: 'http', reason: 'wrong-virtual-host', code: 'HTTP_421' });
    expect(result.failure?.hint).toMatch(/--servername/);
  });

  it('without a certificate: the 400 page is a failure (not configured)', async () => {
    const result = await attempt(server.port, undefined);
    expect(result.ok).toBe(false);
    expect(result.httpStatus).toBe(400);
    expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-configured' });
    expect(result.failure?.message).toMatch(/no client certificate was received/);
  });

  it('a certificate from another CA: the 400 page path names what ping knows (issuer not listed)', async () => {
    const result = await attempt(server.port, pki.otherCa);
    expect(result.ok).toBe(false);
    expect(result.httpStatus).toBe(400);
    expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'http-rejected', code: 'HTTP_400' });
    expect(result.failure?.hint).toMatch(/issuer "CN=unrelated root, O=Elsewhere" is not among the CAs the server accepts/);
  });
});

describe('HAProxy, verify required, TLS 1.3: the alert after the handshake is named on every run', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHaproxy(files, { verify: 'required', version: 'TLSv1.3' });
  });
  afterAll(() => server?.close());

  it('succeeds with the right certificate (ALPN h2: spoken over the same socket)', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, httpStatus: 200, clientCertificateSent: true, tls: { version: 'TLSv1.3', alpn: 'h2' } });
  });

  it.each([
    ['no certificate', undefined, 116, 'certificate_required'],
    ['another CA', 'otherCa', 48, 'unknown_ca'],
    ['an expired certificate', 'expired', 45, 'certificate_expired'],
  ] as const)(`${ALERT_RUNS} runs with %s: alert %s every time`, async (_what, pair, number, name) => {
    const results = await repeatedly(ALERT_RUNS, () => attempt(server.port, pair ? pki[pair] : undefined));
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.failure).toMatchObject({ phase: 'client-certificate', alert: { number, name }, reason: 'alert' });
    }
    if (!pair) expect(results[0]?.failure?.hint).toBe(NO_CLIENT_CERT_HINT);
  });
});

describe('HAProxy, verify optional + http-request deny, TLS 1.2', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHaproxy(files, { verify: 'optional', version: 'TLSv1.2' });
  });
  afterAll(() => server?.close());

  it('succeeds with the right certificate', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, httpStatus: 200, clientCertificateRequested: true, clientCertificateSent: true });
  });

  it('without a certificate: the 403 is a failure', async () => {
    const result = await attempt(server.port, undefined);
    expect(result).toMatchObject({ ok: false, httpStatus: 403 });
    expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-configured' });
  });

  it('with a certificate from another CA: a client-certificate failure', async () => {
    const result = await attempt(server.port, pki.otherCa);
    expect(result.ok).toBe(false);
    expect(result.failure?.phase).toBe('client-certificate');
    expect(result.clientIssuerListed).toBe(false);
  });
});

describe.each([
  ['TLSv1.2', '-tls1_2'],
  ['TLSv1.3', '-tls1_3'],
] as const)('openssl s_server -client_sigalgs (RSA only) with an ECDSA certificate, %s', (version, flag) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startOpensslServer(files, ['-client_sigalgs', 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256', flag]);
  });
  afterAll(() => server?.close());

  it('the empty Certificate message is read from the wire, and the cause named', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.ok).toBe(false);
    expect(result.clientCertificateRequested).toBe(true);
    expect(result.clientCertificateSent).toBe(false);
    expect(result.clientCertificateNotSentCause?.code).toBe('signature-algorithms');
    expect(result.failure?.phase).toBe('client-certificate');
    expect(result.failure?.alert?.name).toBe(version === 'TLSv1.3' ? 'certificate_required' : 'handshake_failure');
    expect(result.failure?.hint).toMatch(/was not sent .*none of which this certificate's key \(ECDSA P-256\) can make/);
  });
});

describe('openssl s_server forcing a HelloRetryRequest (server-only group)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startOpensslServer(files, ['-groups', 'secp384r1', '-tls1_3']);
  });
  afterAll(() => server?.close());

  it('reads both flights after the retry: requested and sent', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, helloRetry: true, clientCertificateRequested: true, clientCertificateSent: true, wireVerified: true });
  });
});

describe('a Node HTTP/2-only server (allowHTTP1: false)', () => {
  let server: http2.Http2SecureServer;
  let port: number;
  beforeAll(async () => {
    server = http2.createSecureServer(
      { cert: pki.server.cert, key: pki.server.key, ca: [pki.clientRoot], requestCert: true, rejectUnauthorized: true, allowHTTP1: false },
      (req, res) => {
        const peer = (req.socket as unknown as TLSSocket).getPeerCertificate();
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`hello h2 ${peer.subject?.CN ?? ''}`);
      },
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('speaks HTTP/2 when the server picks it: no "check the URL" failure', async () => {
    const result = await attempt(port, pki.client);
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, httpStatus: 200, tls: { alpn: 'h2' }, clientCertificateSent: true });
    expect(result.bodySnippet).toBe('hello h2 partner-app client');
  });
});

describe('a server listening on [::1] only', () => {
  let server: https.Server;
  let port: number;
  beforeAll(async () => {
    server = https.createServer({ cert: pki.server.cert, key: pki.server.key, ca: [pki.clientRoot], requestCert: true, rejectUnauthorized: true }, (_req, res) => res.end('v6'));
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '::1', resolve);
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('tries every resolved address: IPv4 refuses, IPv6 answers; the address used is reported', async () => {
    const lookup = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    const result = await attempt(port, pki.client, { lookup });
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.address).toEqual({ host: 'localhost', ip: '::1', port, family: 6 });
    expect(result.addressesTried).toEqual([{ ip: '127.0.0.1', family: 4, code: 'ECONNREFUSED' }]);
  });
});

describe('a server that sends its certificate without the intermediate', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNodeServer(pki, { version: 'TLSv1.3', identity: pki.serverLeafWithoutIntermediate });
  });
  afterAll(() => server?.close());

  it('with its root given in --ca: the hint says the server sends an incomplete chain, not "pass its root"', async () => {
    const result = await attempt(server.port, pki.client);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ phase: 'server-certificate', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(result.failure?.message).toMatch(/incomplete chain/);
    expect(result.failure?.hint).toMatch(/without the intermediate "CN=aitoss test server intermediate, O=aitoss tests"/);
    expect(result.failure?.hint).not.toMatch(/pass its root with --ca/);
    // Nothing was requested of us after the failed verification: no HTTP request went out.
    expect(result.httpStatus).toBeUndefined();
  });
});

describe('Apache httpd: SSLVerifyClient require inside <Location /secure>', () => {
  describe('TLS 1.2: a renegotiation asks for the certificate', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startApache(files, { mode: 'location', version: 'TLSv1.2' });
    });
    afterAll(() => server?.close());

    it('with the certificate: Node renegotiates; "not verified on the wire", the status decides (404 page: ok)', async () => {
      const result = await attempt(server.port, pki.client, { url: new URL(`https://localhost:${server.port}/secure/hello`) });
      expect(result.failure).toBeUndefined();
      expect(result).toMatchObject({ ok: true, httpStatus: 404, wireVerified: false, clientCertificateRequested: null, clientCertificateSent: null });
      expect(result.notVerifiedOnWire).toContain('renegotiation');
    });

    it('without one: a client-certificate failure, never "no cipher in common"', async () => {
      const result = await attempt(server.port, undefined, { url: new URL(`https://localhost:${server.port}/secure/hello`) });
      expect(result.ok).toBe(false);
      expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'alert', alert: { name: 'handshake_failure' } });
      expect(result.failure?.message).toMatch(/renegotiated to ask for a client certificate/);
      expect(result.failure?.hint).toBe(NO_CLIENT_CERT_HINT);
    });
  });

  describe('TLS 1.3: post-handshake authentication, which Node cannot answer', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startApache(files, { mode: 'location', version: 'TLSv1.3' });
    });
    afterAll(() => server?.close());

    it('fails naming post-handshake authentication and what to do', async () => {
      const result = await attempt(server.port, pki.client, { url: new URL(`https://localhost:${server.port}/secure/hello`) });
      expect(result.ok).toBe(false);
      expect(result.httpStatus).toBe(403);
      expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'post-handshake-auth' });
      expect(result.failure?.hint).toMatch(/cannot answer post-handshake authentication .* ask for the certificate in the handshake/);
    });

    it('a path that does not ask: not requested, whatever the status', async () => {
      const result = await attempt(server.port, pki.client, { url: new URL(`https://localhost:${server.port}/hello`) });
      expect(result.ok).toBe(false);
      expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-requested' });
    });
  });
});

describe('Apache httpd: SSLVerifyClient optional + Require expr, TLS 1.3', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startApache(files, { mode: 'optional', version: 'TLSv1.3' });
  });
  afterAll(() => server?.close());

  it('with the certificate: ok (its 404 page is no rejection)', async () => {
    const result = await attempt(server.port, pki.client, { url: new URL(`https://localhost:${server.port}/hello`) });
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ ok: true, httpStatus: 404, clientCertificateSent: true, wireVerified: true });
  });

  it('without one: the 403 is a failure', async () => {
    const result = await attempt(server.port, undefined, { url: new URL(`https://localhost:${server.port}/hello`) });
    expect(result).toMatchObject({ ok: false, httpStatus: 403 });
    expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'not-configured' });
  });

  it('another CA: the unknown_ca alert after the handshake, on every run', async () => {
    const results = await repeatedly(ALERT_RUNS, () => attempt(server.port, pki.otherCa, { url: new URL(`https://localhost:${server.port}/hello`) }));
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.failure).toMatchObject({ phase: 'client-certificate', reason: 'alert', alert: { number: 48, name: 'unknown_ca' } });
    }
  });
});
