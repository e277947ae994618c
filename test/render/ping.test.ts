import { describe, expect, it } from 'vitest';
import { buildPingReport, type ClientCertificateInfo, type PingInputs } from '../../src/core/ping-report.js';
import { failureTitle, renderPingText } from '../../src/render/ping-text.js';
import { createStyle } from '../../src/render/style.js';
import type { ProbeResult } from '../../src/tls/types.js';

const plain = await createStyle(0);
const NOW = new Date('2026-12-01T00:00:00Z');

const CLIENT: ClientCertificateInfo = {
  source: 'certs/app.crt',
  keySource: 'certs/app.key',
  subject: 'CN=app.partner.example, O=Partner',
  issuer: 'CN=Toss CA',
  fingerprintSha256: 'AB:CD',
  notAfter: '2027-06-26T00:00:00.000Z',
  daysRemaining: 207,
  level: 'ok',
  intermediates: 1,
};

const CHAIN = [
  { subject: 'CN=api.example.test', issuer: 'CN=Example Root', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-10T00:00:00.000Z', fingerprintSha256: '11' },
  { subject: 'CN=Example Root', issuer: 'CN=Example Root', notBefore: '2020-01-01T00:00:00.000Z', notAfter: '2030-01-01T00:00:00.000Z', fingerprintSha256: '22' },
];

function attempt(extra: Partial<ProbeResult> = {}): ProbeResult {
  return {
    ok: true,
    url: 'https://api.example.test/',
    address: { host: 'api.example.test', ip: '192.0.2.10', port: 443, family: 4 },
    timings: { dns: 1.5, connect: 3, tls: 10, firstByte: 14.5, total: 15.2 },
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', alpn: 'http/1.1' },
    serverChain: CHAIN,
    clientCertificateRequested: true,
    acceptableClientCAs: ['CN=Toss CA'],
    clientCertificatePresented: true,
    clientCertificateSent: true,
    clientIssuerListed: true,
    wireVerified: true,
    httpStatus: 200,
    ...extra,
  };
}

function report(attempts: ProbeResult[], extra: Partial<PingInputs> = {}) {
  return buildPingReport({
    url: 'https://api.example.test/',
    method: 'GET',
    now: NOW,
    count: attempts.length || 1,
    timeoutMs: 10_000,
    proxy: undefined,
    insecure: false,
    clientCertificate: CLIENT,
    precheck: { ok: true, forced: false, problems: [] },
    attempts,
    ...extra,
  });
}

describe('renderPingText', () => {
  it('starts with the verdict, then address, timings, TLS, the chain with days left and the certificate sent', () => {
    expect(renderPingText(report([attempt()]), plain)).toBe(
      [
        'OK  https://api.example.test/ 200 in 15 ms',
        '',
        '  url            https://api.example.test/ (GET)',
        '  address        192.0.2.10:443 (IPv4, api.example.test)',
        '  timings (ms)',
        '                 dns                 1.5',
        '                 tcp connect         1.5',
        '                 tls handshake       7.0',
        '                 wait                4.5  request → first byte',
        '                 first byte         14.5  from the start',
        '                 total              15.2  from the start',
        '  tls            TLSv1.3 · TLS_AES_256_GCM_SHA384 · ALPN http/1.1',
        '  server chain   CN=api.example.test · 40 days left',
        '                   issued by CN=Example Root',
        '                 CN=Example Root (root) · 1127 days left',
        '  accepts CAs    CN=Toss CA',
        '  client cert    the server asked for one; sent (seen on the wire): CN=app.partner.example, O=Partner',
        '                 its issuer is among the CAs the server accepts',
        '                 sha256 AB:CD',
        '                 from certs/app.crt + 1 intermediate, key certs/app.key · 207 days left',
        '  http           200',
        '',
      ].join('\n'),
    );
  });

  it('with several attempts: the count and median in the verdict, min/median/max per phase', () => {
    const text = renderPingText(
      report([attempt(), attempt({ timings: { dns: 0.5, connect: 1, tls: 5, firstByte: 6, total: 6.5 } }), attempt({ timings: { connect: 2, tls: 9, firstByte: 10, total: 11 } })]),
      plain,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('OK  https://api.example.test/ 200 · 3 of 3 attempts · median 11 ms');
    expect(text).toContain('  timings (ms)                       min  median     max');
    expect(text).toContain('                 dns                 0.5     1.0     1.5  (2 of 3)');
    expect(text).toContain('                 tls handshake       4.0     7.0     7.0');
    expect(text).toContain('                 total               6.5    11.0    15.2  from the start');
  });

  it('a client-certificate alert: the alert by name on the verdict line, the message and the hint under it', () => {
    const failed = attempt({
      ok: false,
      httpStatus: undefined,
      timings: { connect: 1, tls: 4, total: 5 },
      failure: {
        phase: 'client-certificate',
        code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
        alert: { number: 48, name: 'unknown_ca' },
        message: 'the server rejected the client certificate (TLS alert 48 unknown_ca)',
        hint: 'the client certificate is issued by a CA the server does not trust',
      },
    });
    const lines = renderPingText(report([failed]), plain).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'FAIL  client-certificate: unknown_ca (alert 48)',
      '  the server rejected the client certificate (TLS alert 48 unknown_ca)',
      '  → the client certificate is issued by a CA the server does not trust',
    ]);
    expect(lines).not.toContain('  http           200');
  });

  it('a server-certificate failure shows its subject and issuer', () => {
    const failed = attempt({
      ok: false,
      httpStatus: undefined,
      failure: {
        phase: 'server-certificate',
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        message: 'the server certificate "CN=api" issued by "CN=Corp Proxy CA" is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
        hint: 'pass its root with --ca FILE',
        serverCertificate: { subject: 'CN=api', issuer: 'CN=Corp Proxy CA' },
      },
    });
    const lines = renderPingText(report([failed]), plain).split('\n');
    expect(lines[0]).toBe('FAIL  server-certificate: the server certificate "CN=api" issued by "CN=Corp Proxy CA" is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(lines[1]).toBe('  server certificate CN=api, issued by CN=Corp Proxy CA');
    expect(lines[2]).toBe('  → pass its root with --ca FILE');
  });

  it('counts the failed attempts among several', () => {
    const failed = attempt({ ok: false, failure: { phase: 'connect', code: 'ECONNREFUSED', message: 'connection refused by h:1', hint: 'nothing listens' } });
    expect(renderPingText(report([attempt(), failed, failed]), plain).split('\n')[0]).toBe('FAIL  connect: connection refused by h:1 (2 of 3 attempts failed)');
  });

  it('a pre-check refusal: no attempt, the certificate not sent, its problems listed', () => {
    const text = renderPingText(
      report([], {
        clientCertificate: { ...CLIENT, level: 'expired', daysRemaining: -3, notAfter: '2026-11-28T00:00:00.000Z' },
        precheck: { ok: false, forced: false, problems: [{ code: 'expired', severity: 'error', message: 'expired on 2026-11-28: API calls made with it fail' }] },
        precheckFailure: { attempt: null, phase: 'client-certificate', code: 'CERT_EXPIRED', message: 'the client certificate expired on 2026-11-28 (checked locally, nothing was sent)', hint: 'issue a new certificate' },
      }),
      plain,
    );
    expect(text).toBe(
      [
        'FAIL  client-certificate: the client certificate expired on 2026-11-28 (checked locally, nothing was sent)',
        '  → issue a new certificate',
        '',
        '  url            https://api.example.test/ (GET)',
        '  client cert    not sent (checked locally only): CN=app.partner.example, O=Partner',
        '                 sha256 AB:CD',
        '                 from certs/app.crt + 1 intermediate, key certs/app.key · expired 3 days ago',
        '  ! expired on 2026-11-28: API calls made with it fail',
        '',
      ].join('\n'),
    );
  });

  it('without a client certificate, through a proxy, with --insecure', () => {
    const text = renderPingText(
      report([attempt({ clientCertificatePresented: false, serverCertificateError: 'DEPTH_ZERO_SELF_SIGNED_CERT', address: { host: 'proxy', ip: '10.0.0.1', port: 3128, family: 4 } })], {
        clientCertificate: null,
        precheck: null,
        proxy: 'http://proxy:3128',
        insecure: true,
        warnings: ['no client certificate configured'],
      }),
      plain,
    );
    expect(text).toContain('  proxy          http://proxy:3128 (HTTP CONNECT tunnel; TLS runs end to end through it)');
    expect(text).toContain('  address        10.0.0.1:3128 (IPv4, proxy), the proxy');
    expect(text).toContain('  server check   skipped (--insecure); it would have failed: DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(text).toContain('  client cert    the server asked for one; none configured');
    expect(text).toContain('  ! no client certificate configured');
  });

  it('says when the server did not ask for a certificate', () => {
    const text = renderPingText(report([attempt({ clientCertificateRequested: false, clientCertificateSent: false, clientIssuerListed: null, acceptableClientCAs: undefined })]), plain);
    expect(text).toContain('  client cert    the server did not ask for one; configured, not sent: CN=app.partner.example, O=Partner');
  });

  it('colors the verdict only when the style is colored', async () => {
    expect(renderPingText(report([attempt()]), await createStyle(1))).toMatch(/^\u001b\[1m\u001b\[32mOK/);
    expect(renderPingText(report([attempt()]), plain)).not.toMatch(/\u001b\[/);
  });
});

describe('failureTitle', () => {
  it('names the stalled phase of a timeout', () => {
    expect(failureTitle({ attempt: 1, phase: 'timeout', stalledIn: 'tls', code: 'ETIMEDOUT', message: 'timed out after 500 ms during the TLS handshake', hint: '' })).toBe(
      'timeout in tls: timed out after 500 ms during the TLS handshake',
    );
  });
});

describe('renderPingText: wire facts and hostile strings', () => {
  it('says NOT sent with the cause, and "not verified on the wire" when unknown', () => {
    const notSent = renderPingText(
      report([attempt({ ok: false, clientCertificateSent: false, clientCertificateNotSentCause: { code: 'signature-algorithms', keyType: 'RSA', accepted: ['ecdsa_secp256r1_sha256'] } })]),
      plain,
    );
    expect(notSent).toContain('configured, NOT sent (the server accepts no signature this key can make)');
    const unknown = renderPingText(report([attempt({ clientCertificateRequested: null, clientCertificateSent: null, clientIssuerListed: null })]), plain);
    expect(unknown).toContain('not verified on the wire whether the server asked for one; configured; not verified on the wire whether it was sent');
  });

  it('shows the 401/403 warning of a success', () => {
    const text = renderPingText(report([attempt({ httpStatus: 403, warning: 'the request itself was refused (HTTP 403)' })]), plain);
    expect(text).toMatch(/^OK .* 403 in/);
    expect(text).toContain('  ! the request itself was refused (HTTP 403)');
  });

  it('escapes control characters of server names, CA lists, hints and the URL', () => {
    const evil = 'CN=evil\u001b[2J\rOK  forged\u0007';
    const text = renderPingText(
      report([
        attempt({
          ok: false,
          serverChain: [{ ...CHAIN[0]!, subject: evil, issuer: evil }],
          acceptableClientCAs: [evil],
          failure: { phase: 'http', code: 'HTTP_400', message: `told ${evil}`, hint: `hint ${evil}` },
        }),
      ]),
      plain,
    );
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).toContain('CN=evil\\x1b[2J\\rOK  forged\\x07');
  });
});
