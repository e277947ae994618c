import { describe, expect, it } from 'vitest';
import { pairCertificates } from '../../src/core/pairing.js';
import {
  buildPingReport,
  clientCertificateInfo,
  median,
  phaseDurations,
  precheck,
  precheckFailure,
  shownAttempt,
  stats,
  summarize,
  type PingInputs,
} from '../../src/core/ping-report.js';
import { buildReport, type CertificateReport } from '../../src/core/report.js';
import type { ProbeResult } from '../../src/tls/types.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

function reportOf(cert: string, key: string, explicit = false): CertificateReport {
  const pairing = pairCertificates([certificateFile(cert)], [loadedKey(key)], explicit ? [{ certSource: cert, keySource: key }] : []);
  return buildReport(pairing, PIN).certificates[0]!;
}

function okAttempt(timings: ProbeResult['timings'], extra: Partial<ProbeResult> = {}): ProbeResult {
  return {
    ok: true,
    url: 'https://api.example.test/',
    timings,
    serverChain: [],
    clientCertificateRequested: true,
    clientCertificatePresented: true,
    clientCertificateSent: true,
    clientIssuerListed: true,
    wireVerified: true,
    httpStatus: 200,
    ...extra,
  };
}

const failed = (phase: 'connect' | 'client-certificate', total: number): ProbeResult => ({
  ...okAttempt({ total }),
  ok: false,
  httpStatus: undefined,
  failure: { phase, code: phase === 'connect' ? 'ECONNREFUSED' : 'ECONNRESET', message: 'm', hint: 'h' },
});

describe('phaseDurations', () => {
  it('turns cumulative marks into durations per phase', () => {
    expect(phaseDurations({ dns: 1.2, connect: 3.5, tls: 10.04, firstByte: 14, total: 15.06 })).toEqual({
      dns: 1.2,
      connect: 2.3,
      tls: 6.5,
      wait: 4,
      firstByte: 14,
      total: 15.1,
    });
  });

  it('measures the handshake from the end of the proxy tunnel', () => {
    expect(phaseDurations({ connect: 2, proxy: 5, tls: 12, firstByte: 13, total: 14 })).toMatchObject({ connect: 2, proxy: 3, tls: 7 });
  });

  it('leaves out phases that did not complete (an IP literal has no dns)', () => {
    expect(phaseDurations({ total: 2.04 })).toEqual({ total: 2 });
    expect(phaseDurations({ connect: 1, total: 600 })).toEqual({ connect: 1, total: 600 });
  });
});

describe('median and stats', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('gives n, min, median and max, rounded to 0.1 ms', () => {
    expect(stats([3.14, 1.01, 2.26])).toEqual({ n: 3, min: 1, median: 2.3, max: 3.1 });
    expect(stats([])).toBeUndefined();
  });
});

describe('summarize', () => {
  it('counts attempts and aggregates each phase over the attempts that reached it', () => {
    const summary = summarize([
      okAttempt({ connect: 1, tls: 5, firstByte: 7, total: 8 }),
      okAttempt({ connect: 2, tls: 9, firstByte: 12, total: 13 }),
      failed('connect', 3),
    ]);
    expect(summary).toMatchObject({ attempts: 3, succeeded: 2, failed: 1 });
    expect(summary.phases.connect).toEqual({ n: 2, min: 1, median: 1.5, max: 2 });
    expect(summary.phases.tls).toEqual({ n: 2, min: 4, median: 5.5, max: 7 });
    expect(summary.phases.total).toEqual({ n: 3, min: 3, median: 8, max: 13 });
    expect(summary.phases.dns).toBeUndefined();
  });
});

describe('the local pre-check', () => {
  it('passes a healthy pair, keeping its warnings and dropping info', () => {
    const cert = reportOf('lifecycle/expiring-20d.crt', 'lifecycle/expiring-20d.key');
    const check = precheck(cert, false);
    expect(check.ok).toBe(true);
    expect(check.forced).toBe(false);
    expect(check.problems.map((p) => p.code)).toContain('expires-soon');
    expect(check.problems.every((p) => p.severity !== 'info')).toBe(true);
    expect(precheckFailure(cert)).toBeUndefined();
  });

  it('blocks an expired certificate, unless forced', () => {
    const cert = reportOf('lifecycle/expired.crt', 'lifecycle/expired.key');
    expect(precheck(cert, false)).toMatchObject({ ok: false, forced: false });
    expect(precheck(cert, true)).toMatchObject({ ok: false, forced: true });
    const failure = precheckFailure(cert);
    expect(failure).toMatchObject({ attempt: null, phase: 'client-certificate', code: 'CERT_EXPIRED' });
    expect(failure?.message).toMatch(/^the client certificate expired on \d{4}-\d\d-\d\d \(checked locally, nothing was sent\)$/);
    expect(failure?.hint).toMatch(/--force/);
  });

  it('blocks a forged key and a never-valid certificate, unless forced', () => {
    const forged = reportOf('verdicts/forged-ec.crt', 'verdicts/forged-ec.key', true);
    expect(precheck(forged, false)).toMatchObject({ ok: false, forced: false });
    expect(precheck(forged, true)).toMatchObject({ ok: false, forced: true });
    expect(precheckFailure(forged)).toMatchObject({ attempt: null, phase: 'client-certificate', code: 'KEY_NOT_PROVEN' });
    const never = reportOf('verdicts/never-valid.crt', 'verdicts/never-valid.key');
    expect(precheck(never, false).ok).toBe(false);
    expect(precheckFailure(never)).toMatchObject({ code: 'CERT_NEVER_VALID' });
    expect(precheckFailure(never)?.message).toBe('the client certificate is never valid: its validity starts 2027-01-01, after it ends 2026-06-01 (checked locally, nothing was sent)');
  });

  it('blocks a not-yet-valid certificate', () => {
    const cert = reportOf('lifecycle/not-yet-valid.crt', 'lifecycle/not-yet-valid.key');
    expect(precheckFailure(cert)).toMatchObject({ code: 'CERT_NOT_YET_VALID' });
  });

  it('blocks a key that does not match, naming both files', () => {
    const cert = reportOf('mismatch/same-type.crt', 'mismatch/same-type.key', true);
    expect(precheck(cert, false).ok).toBe(false);
    const failure = precheckFailure(cert);
    expect(failure).toMatchObject({ code: 'KEY_MISMATCH', phase: 'client-certificate' });
    expect(failure?.message).toBe('the private key mismatch/same-type.key does not belong to the certificate mismatch/same-type.crt (checked locally, nothing was sent)');
  });

  it('blocks the extensions cert check fails, as check and the agent do (a lenient server says nothing of the API)', () => {
    for (const [name, code] of [
      ['lifecycle/server-auth-only', 'CERT_NO_CLIENT_AUTH'],
      ['verdicts/malformed-eku', 'CERT_MALFORMED_EKU'],
      ['verdicts/duplicate-eku', 'CERT_DUPLICATE_EXTENSION'],
      ['verdicts/unknown-critical', 'CERT_UNKNOWN_CRITICAL_EXTENSION'],
    ] as const) {
      const cert = reportOf(`${name}.crt`, `${name}.key`);
      expect(precheck(cert, false).ok, name).toBe(false);
      expect(precheck(cert, true), name).toMatchObject({ ok: false, forced: true });
      const failure = precheckFailure(cert);
      expect(failure, name).toMatchObject({ code, phase: 'client-certificate', attempt: null });
      expect(failure?.message, name).toMatch(/^the client certificate would be refused: .+ \(checked locally, nothing was sent\)$/);
      expect(failure?.hint, name).toMatch(/--force tries the handshake anyway/);
    }
  });

  it('lets warnings through (the server says what it thinks)', () => {
    const cert = reportOf('lifecycle/expiring-20d.crt', 'lifecycle/expiring-20d.key');
    const check = precheck(cert, false);
    expect(check.ok).toBe(true);
    expect(check.problems.map((p) => p.code)).toContain('expires-soon');
    expect(precheckFailure(cert)).toBeUndefined();
  });

  it('describes the certificate presented without key material', () => {
    const info = clientCertificateInfo(reportOf('pairs/rsa-pkcs8.crt', 'pairs/rsa-pkcs8.key'), 1);
    expect(info).toEqual({
      source: 'pairs/rsa-pkcs8.crt',
      keySource: 'pairs/rsa-pkcs8.key',
      subject: 'CN=rsa-pkcs8.partner.example, O=Demo Partner, OU=Apps in Toss',
      issuer: 'CN=aitoss Test Intermediate CA, O=aitoss fixtures',
      fingerprintSha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      notAfter: '2027-06-26T00:00:00.000Z',
      daysRemaining: 207,
      level: 'ok',
      intermediates: 1,
    });
  });
});

describe('buildPingReport', () => {
  const base: PingInputs = {
    url: 'https://api.example.test/',
    method: 'GET',
    now: PIN,
    count: 1,
    timeoutMs: 10_000,
    proxy: undefined,
    insecure: false,
    clientCertificate: null,
    precheck: null,
    attempts: [],
  };

  it('is ok when every attempt is', () => {
    const chain = [{ subject: 'CN=api', issuer: 'CN=root', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-12-11T12:00:00.000Z', fingerprintSha256: 'AA' }];
    const report = buildPingReport({ ...base, count: 2, attempts: [okAttempt({ total: 5 }), okAttempt({ total: 6 }, { serverChain: chain })] });
    expect(report).toMatchObject({ schemaVersion: 1, ok: true, failure: null, proxy: null, evaluatedAt: '2026-12-01T00:00:00.000Z' });
    expect(report.serverChain).toEqual([{ ...chain[0], daysRemaining: 10 }]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('fails on the first failed attempt and says which one', () => {
    const report = buildPingReport({ ...base, count: 3, attempts: [okAttempt({ total: 5 }), failed('client-certificate', 3), failed('connect', 1)] });
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({ attempt: 2, phase: 'client-certificate' });
    expect(shownAttempt(report.attempts)).toBe(report.attempts[1]);
    expect(report.summary).toMatchObject({ attempts: 3, succeeded: 1, failed: 2 });
  });

  it('carries a pre-check refusal with no attempts', () => {
    const refusal = { attempt: null, phase: 'client-certificate' as const, code: 'CERT_EXPIRED', message: 'm', hint: 'h' };
    const report = buildPingReport({ ...base, precheckFailure: refusal });
    expect(report).toMatchObject({ ok: false, failure: refusal, attempts: [], serverChain: [] });
    expect(report.summary).toEqual({ attempts: 0, succeeded: 0, failed: 0, phases: {} });
  });

  it('is not ok without any attempt', () => {
    expect(buildPingReport(base).ok).toBe(false);
  });
});
