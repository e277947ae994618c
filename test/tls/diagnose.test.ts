import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { alertFromError } from '../../src/tls/alerts.js';
import {
  NO_CLIENT_CERT_HINT,
  abortedFailure,
  classifyError,
  classifyHttpResponse,
  cleanMessage,
  judgeAnswer,
  timeoutFailure,
  type DiagnosisContext,
  type WireFacts,
} from '../../src/tls/diagnose.js';
import { createTestPki, refusedPort, startNodeServer, type RunningServer, type TestPki } from '../helpers/tls-servers.js';

let pki: TestPki;
let tls12: RunningServer;

beforeAll(async () => {
  pki = await createTestPki();
  tls12 = await startNodeServer(pki, { version: 'TLSv1.2' });
});
afterAll(() => tls12.close());

const ctx = (extra: Partial<DiagnosisContext> = {}): DiagnosisContext => ({ phase: 'tls', host: 'apps-in-toss-api.toss.im', port: 443, ...extra });

/** Run `start` and resolve with the first 'error' it emits. */
function errorOf(start: (done: (err: Error) => void) => void): Promise<Error> {
  return new Promise((resolve) => start(resolve));
}

/** An OpenSSL alert error shaped like the ones tls.connect reports. */
function alertError(code: string, reason: string, number: number): Error {
  return Object.assign(
    new Error(`80FC2E5D6C7F0000:error:0A000000:SSL routines:ssl3_read_bytes:${reason}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number ${number}\n`),
    { code, reason, library: 'SSL routines' },
  );
}

describe('classifyError on real errors', () => {
  it('https.request hides the TLS 1.2 alert in an EPROTO message: still a missing client certificate', async () => {
    const err = await errorOf((done) => {
      const req = https.request({ host: '127.0.0.1', port: tls12.port, ca: [pki.serverRoot], servername: 'localhost', agent: false }, () => undefined);
      req.on('error', done);
      req.end();
    });
    expect((err as NodeJS.ErrnoException).code).toBe('EPROTO');
    const failure = classifyError(err, ctx({ clientCertificatePresented: false }));
    expect(failure.phase).toBe('client-certificate');
    expect(failure.alert).toEqual({ number: 40, name: 'handshake_failure' });
    expect(failure.hint).toBe(NO_CLIENT_CERT_HINT);
    expect(failure.message).not.toMatch(/SSL routines/);
  });

  it('an untrusted server certificate from tls.connect', async () => {
    const err = await errorOf((done) => {
      const socket = tls.connect({ host: '127.0.0.1', port: tls12.port, servername: 'localhost', cert: pki.client.cert, key: pki.client.key });
      socket.on('error', done);
    });
    expect((err as NodeJS.ErrnoException).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const failure = classifyError(err, ctx({ serverCertificate: { subject: 'CN=localhost', issuer: 'CN=Corp TLS Inspection CA' } }));
    expect(failure.phase).toBe('server-certificate');
    expect(failure.serverCertificate).toEqual({ subject: 'CN=localhost', issuer: 'CN=Corp TLS Inspection CA' });
    expect(failure.hint).toMatch(/--ca FILE/);
    expect(failure.hint).toMatch(/TLS-inspecting corporate proxy \(issuer "CN=Corp TLS Inspection CA"\)/);
  });

  it('a host name missing from the server certificate (tls.checkServerIdentity)', () => {
    const cert = new X509Certificate(pki.server.cert).toLegacyObject();
    const err = tls.checkServerIdentity('apps-in-toss-api.toss.im', cert) as NodeJS.ErrnoException | undefined;
    expect(err?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const failure = classifyError(err, ctx({ serverCertificate: { subject: 'CN=localhost', issuer: 'CN=root', names: ['localhost', '127.0.0.1'] } }));
    expect(failure.phase).toBe('server-certificate');
    expect(failure.message).toBe('the server certificate does not cover apps-in-toss-api.toss.im: it is for localhost, 127.0.0.1');
    expect(failure.hint).toMatch(/--servername/);
  });

  it('a refused connection', async () => {
    const port = await refusedPort();
    const err = await errorOf((done) => net.connect(port, '127.0.0.1').on('error', done));
    const failure = classifyError(err, ctx({ phase: 'connect', host: '127.0.0.1', port }));
    expect(failure).toMatchObject({ phase: 'connect', code: 'ECONNREFUSED', message: `connection refused by 127.0.0.1:${port}` });
  });

  it('a server that resets during the handshake after asking for a certificate', async () => {
    const err = await errorOf((done) => {
      const socket = tls.connect({ host: '127.0.0.1', port: tls12.port, servername: 'localhost', ca: [pki.serverRoot], ...pki.otherCa });
      socket.on('error', done);
    });
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    const known = classifyError(err, ctx({ clientCertificateRequested: true, clientCertificatePresented: true }));
    expect(known.phase).toBe('client-certificate');
    const unknown = classifyError(err, ctx({ clientCertificateRequested: null, clientCertificatePresented: true }));
    expect(unknown.phase).toBe('tls');
  });
});

describe('classifyError on alerts', () => {
  const presented = ctx({ clientCertificatePresented: true, clientCertificateRequested: true, handshakeDone: true, tlsVersion: 'TLSv1.3', phase: 'http' });
  it.each([
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required', 116, 'certificate_required', /ERR_NETWORK/],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca', 48, 'unknown_ca', /issued by a CA the server does not trust: wrong file, or a certificate for another environment\/app/],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'sslv3 alert certificate expired', 45, 'certificate_expired', /expired/],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'sslv3 alert certificate revoked', 44, 'certificate_revoked', /revoked in the console: issue a new one/],
    ['ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 'sslv3 alert unsupported certificate', 43, 'unsupported_certificate', /missing the clientAuth EKU/],
    ['ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR', 'tlsv1 alert decrypt error', 51, 'decrypt_error', /key does not match the certificate/],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate', 42, 'bad_certificate', /re-download/],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'sslv3 alert certificate unknown', 46, 'certificate_unknown', /without a specific reason/],
    ['ERR_SSL_TLSV1_ALERT_ACCESS_DENIED', 'tlsv1 alert access denied', 49, 'access_denied', /another app or environment/],
  ])('%s is a client-certificate failure', (code, reason, number, name, hint) => {
    const failure = classifyError(alertError(code, reason, number), presented);
    expect(failure.phase).toBe('client-certificate');
    expect(failure.code).toBe(code);
    expect(failure.alert).toEqual({ number, name });
    expect(failure.hint).toMatch(hint);
    expect(failure.message).toContain(`alert ${number} ${name}`);
  });

  it('certificate_required although a certificate was configured points at the key type', () => {
    const failure = classifyError(alertError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required', 116), presented);
    expect(failure.hint).toMatch(/configured client certificate was not sent/);
    const cause = classifyError(alertError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required', 116), {
      ...presented,
      clientCertificateSent: false,
      notSentCause: { code: 'signature-algorithms', keyType: 'RSA', accepted: ['ecdsa_secp256r1_sha256'] },
    });
    expect(cause.hint).toMatch(/accepts only the signature algorithms ecdsa_secp256r1_sha256, none of which this certificate's key \(RSA\) can make/);
    const none = classifyError(alertError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required', 116), { ...presented, clientCertificatePresented: false });
    expect(none.hint).toBe(NO_CLIENT_CERT_HINT);
  });

  it('unknown_ca with a lone leaf also suspects the missing intermediate', () => {
    const err = alertError('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca', 48);
    expect(classifyError(err, { ...presented, clientChainLength: 1, clientLeafSelfIssued: false }).hint).toMatch(/intermediate/);
    expect(classifyError(err, { ...presented, clientChainLength: 2 }).hint).not.toMatch(/intermediate/);
  });

  it('handshake_failure is about the certificate only when the server asked for one', () => {
    const err = alertError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'sslv3 alert handshake failure', 40);
    expect(classifyError(err, ctx({ clientCertificateRequested: true })).phase).toBe('client-certificate');
    expect(classifyError(err, ctx({})).phase).toBe('client-certificate'); // unknown: the usual cause
    const negotiation = classifyError(err, ctx({ clientCertificateRequested: null, serverHelloSeen: false }));
    expect(negotiation.phase).toBe('tls');
    expect(negotiation.hint).toMatch(/cipher suite/);
    expect(classifyError(err, ctx({ clientCertificateRequested: false })).phase).toBe('tls');
  });

  it('alerts that are not about the client certificate', () => {
    const sni = classifyError(alertError('ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'tlsv1 unrecognized name', 112), ctx({ servername: 'wrong.example' }));
    expect(sni).toMatchObject({ phase: 'tls', alert: { number: 112, name: 'unrecognized_name' } });
    expect(sni.hint).toMatch(/wrong\.example.*--servername/);
    const version = classifyError(alertError('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version', 70), ctx());
    expect(version).toMatchObject({ phase: 'tls', alert: { number: 70, name: 'protocol_version' } });
  });
});

describe('classifyError on other errors', () => {
  it('DNS', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND apps-in-toss-api.toss.im'), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'apps-in-toss-api.toss.im', errno: -3008 });
    expect(classifyError(err, ctx({ phase: 'dns' }))).toMatchObject({ phase: 'dns', code: 'ENOTFOUND', message: 'cannot resolve apps-in-toss-api.toss.im (ENOTFOUND)' });
    const again = Object.assign(new Error('getaddrinfo EAI_AGAIN x'), { code: 'EAI_AGAIN', syscall: 'getaddrinfo' });
    expect(classifyError(again, ctx({ phase: 'dns' })).hint).toMatch(/resolver/);
  });

  it('key and passphrase problems', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' }), ctx()).hint).toMatch(/key does not match the certificate/);
    expect(classifyError(Object.assign(new Error('x'), { code: 'ERR_OSSL_BAD_DECRYPT' }), ctx()).hint).toMatch(/passphrase/);
  });

  it('a close right after the TLS 1.3 handshake', () => {
    const hangUp = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const base = ctx({ phase: 'http', handshakeDone: true, tlsVersion: 'TLSv1.3' });
    expect(classifyError(hangUp, { ...base, clientCertificatePresented: false }).hint).toBe(NO_CLIENT_CERT_HINT);
    expect(classifyError(hangUp, { ...base, clientCertificatePresented: true, clientCertificateRequested: true }).phase).toBe('client-certificate');
    expect(classifyError(hangUp, { ...base, clientCertificatePresented: true, clientCertificateRequested: false }).phase).toBe('http');
  });

  it('proxy answers', () => {
    const err = Object.assign(new Error('the proxy answered 403 Forbidden to CONNECT apps-in-toss-api.toss.im:443'), { code: 'PROXY_403', status: 403 });
    const failure = classifyError(err, ctx({ phase: 'proxy', proxy: 'http://proxy:3128' }));
    expect(failure).toMatchObject({ phase: 'proxy', code: 'PROXY_403' });
    expect(failure.hint).toMatch(/allowlisted|NO_PROXY/);
  });

  it('never throws on odd input', () => {
    expect(classifyError('boom', ctx()).message).toBe('boom');
    expect(classifyError(null, ctx()).phase).toBe('tls');
    expect(classifyError({}, ctx({ phase: 'http' })).phase).toBe('http');
  });

  it('timeouts and aborts', () => {
    expect(timeoutFailure('connect', 5000)).toMatchObject({ phase: 'timeout', stalledIn: 'connect', code: 'ETIMEDOUT', message: 'timed out after 5000 ms while opening the TCP connection' });
    expect(abortedFailure('tls')).toMatchObject({ phase: 'aborted', stalledIn: 'tls', code: 'ABORT_ERR' });
  });

  it('cleans OpenSSL messages', () => {
    expect(cleanMessage(alertError('X', 'tlsv1 alert unknown ca', 48))).toBe('tlsv1 alert unknown ca');
    expect(cleanMessage(new Error('error:0480006C:PEM routines::no start line'))).toBe('no start line');
    expect(cleanMessage(new Error('socket hang up'))).toBe('socket hang up');
  });
});

describe('alertFromError', () => {
  it('reads the number, the code or the reason', () => {
    expect(alertFromError({ code: 'EPROTO', message: 'C0:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../ssl.c:1601:SSL alert number 40' })).toEqual({ number: 40, name: 'handshake_failure' });
    expect(alertFromError({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: '' })).toEqual({ number: 48, name: 'unknown_ca' });
    expect(alertFromError({ code: 'EPROTO', reason: 'tlsv13 alert certificate required' })).toEqual({ number: 116, name: 'certificate_required' });
    expect(alertFromError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' })).toBeUndefined();
    expect(alertFromError({ code: 'ECONNRESET', message: 'socket hang up' })).toBeUndefined();
  });
});

describe('classifyHttpResponse', () => {
  const nginx = (text: string): string => `<html>\r\n<head><title>400 ${text}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>${text}</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

  it('nginx: no certificate sent', () => {
    const failure = classifyHttpResponse(400, nginx('No required SSL certificate was sent'));
    expect(failure).toMatchObject({ phase: 'client-certificate', code: 'HTTP_400', hint: NO_CLIENT_CERT_HINT });
  });

  it('nginx: certificate error', () => {
    expect(classifyHttpResponse(400, nginx('The SSL certificate error'))?.phase).toBe('client-certificate');
  });

  it('status codes 495 and 496', () => {
    expect(classifyHttpResponse(496, '')?.hint).toBe(NO_CLIENT_CERT_HINT);
    expect(classifyHttpResponse(495, '')?.phase).toBe('client-certificate');
  });

  it('other gateways naming the client certificate', () => {
    expect(classifyHttpResponse(403, '{"message":"client certificate required"}')?.hint).toBe(NO_CLIENT_CERT_HINT);
    expect(classifyHttpResponse(403, '{"error":"Client certificate has been revoked"}')?.hint).toMatch(/revoked/);
    expect(classifyHttpResponse(401, 'client certificate expired')?.hint).toMatch(/expired/);
  });

  it('any other answer proves the handshake: not a failure', () => {
    expect(classifyHttpResponse(200, 'ok')).toBeUndefined();
    expect(classifyHttpResponse(404, '{"resultType":"FAIL"}')).toBeUndefined();
    expect(classifyHttpResponse(401, '{"error":"unauthorized"}')).toBeUndefined();
    expect(classifyHttpResponse(500, 'No required SSL certificate was sent')).toBeUndefined();
  });
});

describe('alert names across OpenSSL releases', () => {
  it('reads the SSL/TLS_ALERT_ spelling of newer OpenSSL (Node 22+) like SSLV3_ALERT_', async () => {
    const { alertFromError } = await import('../../src/tls/alerts.js');
    expect(alertFromError({ code: 'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_EXPIRED', message: 'error:0A000415:SSL routines::ssl/tls alert certificate expired' })).toEqual({ number: 45, name: 'certificate_expired' });
    expect(alertFromError({ message: 'ssl/tls alert unknown ca' })).toEqual({ number: 48, name: 'unknown_ca' });
    expect(alertFromError({ code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED' })).toEqual({ number: 45, name: 'certificate_expired' });
  });
});

describe('judgeAnswer: the contract once an HTTP answer arrived', () => {
  const facts = (extra: Partial<WireFacts> = {}): WireFacts => ({
    tlsVersion: 'TLSv1.3',
    requested: true,
    configured: true,
    sent: true,
    issuerListed: true,
    renegotiated: false,
    postHandshakeCertificateRequest: false,
    forced: false,
    host: 'api.example',
    ...extra,
  });

  it('200 with everything read from the wire: success', () => {
    expect(judgeAnswer(200, 'ok', facts())).toEqual({});
  });

  it('a 401/403 after a requested, sent and listed certificate: success with a warning', () => {
    const verdict = judgeAnswer(403, 'forbidden', facts());
    expect(verdict.failure).toBeUndefined();
    expect(verdict.warning).toMatch(/requested, sent and issued by a CA the server lists.*HTTP 403.*other credentials/);
  });

  it('a 401/403 with a doubt is a failure: issuer not listed, --force, not verified on the wire', () => {
    for (const doubt of [{ issuerListed: false }, { forced: true }, { requested: null }, { sent: null }] as const) {
      const verdict = judgeAnswer(401, '', facts(doubt));
      expect(verdict.failure).toMatchObject({ phase: 'client-certificate', reason: 'http-refused', code: 'HTTP_401' });
    }
  });

  it('TLS 1.2 renegotiation (Apache <Location> over TLS 1.2): not verified on the wire, the status decides', () => {
    expect(judgeAnswer(200, 'ok', facts({ requested: null, sent: null, renegotiated: true }))).toEqual({});
    expect(judgeAnswer(403, 'Forbidden', facts({ requested: null, sent: null, renegotiated: true })).failure?.reason).toBe('http-refused');
  });

  it('TLS 1.3 post-handshake authentication (Apache <Location> over TLS 1.3): a failure that names it', () => {
    const body = '<title>403 Forbidden</title>\n<p>Cannot perform Post-Handshake Authentication.<br /></p>';
    const verdict = judgeAnswer(403, body, facts({ requested: false, sent: false }));
    expect(verdict.failure).toMatchObject({ phase: 'client-certificate', reason: 'post-handshake-auth' });
    expect(verdict.failure?.hint).toMatch(/post-handshake authentication.*ask for the certificate in the handshake/);
  });

  it('not requested, not sent, not configured, 421: each its reason, whatever the status', () => {
    expect(judgeAnswer(200, '', facts({ requested: false, sent: false })).failure?.reason).toBe('not-requested');
    expect(judgeAnswer(200, '', facts({ sent: false, notSentCause: { code: 'certificate-authorities', keyType: 'RSA', accepted: ['CN=Toss CA'] } })).failure).toMatchObject({
      reason: 'not-sent',
      hint: expect.stringMatching(/accepts only certificates from "CN=Toss CA"/),
    });
    expect(judgeAnswer(200, '', facts({ configured: false, sent: false })).failure?.reason).toBe('not-configured');
    expect(judgeAnswer(421, '', facts({ servername: 'api.example' })).failure).toMatchObject({ phase: 'http', reason: 'wrong-virtual-host' });
  });

  it('Go (Caddy) bad_certificate when nothing was sent: the hint says nothing was sent', () => {
    const err = Object.assign(new Error('tlsv1 alert bad certificate (SSL alert number 42)'), { code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' });
    const failure = classifyError(err, { phase: 'http', host: 'api.example', handshakeDone: true, tlsVersion: 'TLSv1.3', clientCertificateRequested: true, clientCertificatePresented: false, clientCertificateSent: false });
    expect(failure.hint).toBe(NO_CLIENT_CERT_HINT);
    expect(failure.hint).not.toMatch(/re-download/);
  });
});
