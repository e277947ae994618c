import { describe, expect, it } from 'vitest';
import { pairCertificates, type ExplicitPair } from '../../src/core/pairing.js';
import { buildReport, type CertificateReport, type InspectReport } from '../../src/core/report.js';
import {
  checkReport,
  NO_SUCCESSOR_MESSAGE,
  reasonsFor,
  verdictText,
  type CheckOptions,
  type CheckReport,
  type CheckedCertificate,
} from '../../src/core/verdict.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

const DEFAULTS: CheckOptions = { failUnder: 30, requireKey: false, all: false };
const HOUR = 3_600_000;

/** Inspect fixture files (paths under fixtures/) as of `now`. */
function inspect(certs: string[], keys: string[] = [], now = PIN, explicit: ExplicitPair[] = []): InspectReport {
  return buildReport(pairCertificates(certs.map(certificateFile), keys.map(loadedKey), explicit), now);
}

function check(certs: string[], keys: string[] = [], options: Partial<CheckOptions> = {}, now = PIN): CheckReport {
  return checkReport(inspect(certs, keys, now), { ...DEFAULTS, ...options });
}

function pair(name: string, options: Partial<CheckOptions> = {}, now = PIN): CheckedCertificate {
  return check([`${name}.crt`], [`${name}.key`], options, now).certificates[0]!;
}

function bySource(report: CheckReport, source: string): CheckedCertificate {
  const cert = report.certificates.find((c) => c.source === source);
  if (!cert) throw new Error(`${source} not in the report`);
  return cert;
}

describe('the threshold', () => {
  it('passes with exactly 30 days left and the default 30', () => {
    const cert = pair('lifecycle/boundary-30d');
    expect(cert.daysRemaining).toBe(30);
    expect(cert).toMatchObject({ verdict: 'pass', reasons: [] });
  });

  it('fails a few hours under 30 days (29 whole days)', () => {
    const cert = pair('lifecycle/boundary-30d', {}, new Date(PIN.getTime() + 3 * HOUR));
    expect(cert.daysRemaining).toBe(29);
    expect(cert).toMatchObject({ verdict: 'fail', reasons: ['below-threshold'] });
    expect(verdictText(cert, 30, PIN.toISOString())).toBe('29 days left (< 30)');
  });

  it('follows failUnder both ways', () => {
    expect(pair('lifecycle/expiring-20d', { failUnder: 20 }).verdict).toBe('pass');
    expect(pair('lifecycle/expiring-20d', { failUnder: 21 }).reasons).toEqual(['below-threshold']);
    expect(pair('pairs/rsa-pkcs8', { failUnder: 208 }).verdict).toBe('fail');
    expect(pair('pairs/rsa-pkcs8', { failUnder: 207 }).verdict).toBe('pass');
  });

  it('with failUnder 0 fails only what is no longer valid', () => {
    expect(pair('lifecycle/critical-12h', { failUnder: 0 }).verdict).toBe('pass');
    expect(pair('lifecycle/expired', { failUnder: 0 }).reasons).toEqual(['expired']);
  });
});

describe('failure reasons', () => {
  it.each([
    ['lifecycle/expired', ['expired'], /^expired 36 days ago \(2026-10-26\)$/],
    ['lifecycle/not-yet-valid', ['not-yet-valid'], /^not valid until 2027-01-01$/],
    ['lifecycle/urgent-5d', ['below-threshold'], /^5 days left \(< 30\)$/],
    ['lifecycle/server-auth-only', ['no-client-auth'], /does not allow TLS client authentication/],
    ['mismatch/same-type', ['key-mismatch'], /^the key mismatch\/same-type\.key does not belong to it$/],
    ['mismatch/cross-type', ['key-mismatch'], /does not belong to it/],
  ] as const)('%s fails with %j', (name, reasons, text) => {
    const cert = pair(name);
    expect(cert.verdict).toBe('fail');
    expect(cert.reasons).toEqual(reasons);
    expect(verdictText(cert, 30, PIN.toISOString())).toMatch(text);
  });

  it('fails a bundle that puts the intermediate first', () => {
    const report = check(['formats/bundle-intermediate-first.pem'], ['formats/formats.key']);
    expect(report.certificates).toHaveLength(1);
    expect(report.certificates[0]!.reasons).toEqual(['leaf-not-first']);
    expect(check(['formats/bundle.pem'], ['formats/formats.key']).status).toBe('pass');
  });

  it('gives every reason that applies, in a fixed order', () => {
    const base = inspect(['lifecycle/expired.crt'], ['lifecycle/expired.key']).certificates[0]!;
    const broken: CertificateReport = { ...base, keyMatch: false, keyStatus: 'mismatch', keySource: 'other.key', clientAuth: false };
    expect(reasonsFor(broken, { failUnder: 30, requireKey: false })).toEqual(['expired', 'key-mismatch', 'no-client-auth']);
  });

  it('passes a certificate without its key on dates alone, unless the key is required', () => {
    const report = check(['pairs/rsa-pkcs8.crt']);
    const cert = report.certificates[0]!;
    expect(cert.keyMatch).toBeNull();
    expect(cert).toMatchObject({ verdict: 'pass', reasons: [] });
    expect(verdictText(cert, 30, PIN.toISOString())).toBe('207 days left, expires 2027-06-26; key not checked');
    const required = check(['pairs/rsa-pkcs8.crt'], [], { requireKey: true });
    expect(required.status).toBe('fail');
    expect(required.certificates[0]!.reasons).toEqual(['key-not-checked']);
    expect(check(['pairs/rsa-pkcs8.crt'], ['pairs/rsa-pkcs8.key'], { requireKey: true }).status).toBe('pass');
  });

  it('does not fail on warnings that do not stop the handshake', () => {
    expect(pair('lifecycle/non-390')).toMatchObject({ verdict: 'pass', reasons: [] });
    expect(pair('lifecycle/no-eku')).toMatchObject({ verdict: 'pass', reasons: [] });
  });
});

describe('rotation sets', () => {
  const ROTATION = ['rotation/app-2025.crt', 'rotation/app-2026.crt', 'rotation/other-app.crt'];
  const ROTATION_KEYS = ['rotation/app-2025.key', 'rotation/app-2026.key', 'rotation/other-app.key'];

  it('judges a set on its newest pair; the old one near expiry is superseded and does not fail', () => {
    const report = check(ROTATION, ROTATION_KEYS);
    expect(report.status).toBe('pass');
    const old = bySource(report, 'rotation/app-2025.crt');
    expect(old.daysRemaining).toBe(10);
    expect(old).toMatchObject({ verdict: 'superseded', reasons: [], supersededBy: 'rotation/app-2026.crt' });
    expect(old.nextAction).toMatch(/^replaced by rotation\/app-2026\.crt: /);
    expect(bySource(report, 'rotation/app-2026.crt')).toMatchObject({ verdict: 'pass', supersededBy: null, messages: [] });
    expect(bySource(report, 'rotation/other-app.crt').verdict).toBe('pass');
  });

  it('groups by subject: one set for the two generations, another for the other app', () => {
    const report = check(ROTATION, ROTATION_KEYS);
    const ids = ROTATION.map((s) => bySource(report, s).rotationSet);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(report.rotationSets).toHaveLength(2);
    expect(report.rotationSets.find((s) => s.id === ids[0])).toMatchObject({
      subject: 'CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss',
      members: ['rotation/app-2025.crt', 'rotation/app-2026.crt'],
      current: 'rotation/app-2026.crt',
      verdict: 'pass',
    });
  });

  it('with all, requires every pair to pass', () => {
    const report = check(ROTATION, ROTATION_KEYS, { all: true });
    expect(report.status).toBe('fail');
    expect(bySource(report, 'rotation/app-2025.crt')).toMatchObject({ verdict: 'fail', reasons: ['below-threshold'], supersededBy: null });
    expect(bySource(report, 'rotation/app-2026.crt').verdict).toBe('pass');
  });

  it('judges the latest pair whose key matches, not a newer certificate with a wrong key', () => {
    // app-2026.crt given with app-2025.key: the newer certificate's key does not match.
    const report = checkReport(
      inspect(['rotation/app-2025.crt', 'rotation/app-2026.crt'], ['rotation/app-2025.key'], PIN, [
        { certSource: 'rotation/app-2026.crt', keySource: 'rotation/app-2025.key' },
      ]),
      DEFAULTS,
    );
    const older = bySource(report, 'rotation/app-2025.crt');
    const newer = bySource(report, 'rotation/app-2026.crt');
    expect(newer.keyMatch).toBe(false);
    expect(older).toMatchObject({ keyMatch: true, verdict: 'fail', reasons: ['below-threshold'] });
    expect(newer).toMatchObject({ verdict: 'fail', reasons: ['key-mismatch'] });
    expect(older.messages.join('\n')).toMatch(/newer certificate rotation\/app-2026\.crt has a key that does not match/);
    expect(older.nextAction).toMatch(/^the newer certificate rotation\/app-2026\.crt has a key that does not match: find its own key before deploying it; this one expires 2026-12-11$/);
  });

  it('says when the newer certificate of a set has no key among the inputs', () => {
    const report = check(['rotation/app-2025.crt', 'rotation/app-2026.crt'], ['rotation/app-2025.key']);
    expect(bySource(report, 'rotation/app-2025.crt')).toMatchObject({ verdict: 'fail', reasons: ['below-threshold'] });
    expect(bySource(report, 'rotation/app-2026.crt')).toMatchObject({ verdict: 'pass', keyMatch: null });
    expect(bySource(report, 'rotation/app-2025.crt').messages).toEqual([
      'the newer certificate rotation/app-2026.crt has no key among the inputs: add its key to check and deploy it',
    ]);
    // Its next action says the same (inspect shows it too): not "issue a new certificate".
    expect(bySource(report, 'rotation/app-2025.crt').nextAction).toBe(
      'the newer certificate rotation/app-2026.crt has no key among the inputs: add its key to check and deploy it; this one expires 2026-12-11',
    );
  });

  it('without keys, judges the newest certificate and supersedes the older', () => {
    const report = check(['rotation/app-2025.crt', 'rotation/app-2026.crt']);
    expect(report.status).toBe('pass');
    expect(bySource(report, 'rotation/app-2025.crt').verdict).toBe('superseded');
    expect(bySource(report, 'rotation/app-2026.crt').verdict).toBe('pass');
  });

  it('judges every copy of the current certificate: a broken bundle of it is not superseded', () => {
    const report = check(['formats/formats.crt', 'formats/bundle-intermediate-first.pem', 'formats/cert.b64'], ['formats/formats.key']);
    expect(new Set(report.certificates.map((c) => c.rotationSet)).size).toBe(1);
    expect(report.certificates.map((c) => [c.source, c.verdict, c.reasons])).toEqual([
      ['formats/formats.crt', 'pass', []],
      ['formats/bundle-intermediate-first.pem', 'fail', ['leaf-not-first']],
      ['formats/cert.b64', 'pass', []],
    ]);
    expect(report.status).toBe('fail');
  });

  it('says "issue the next certificate now; none is staged" when the newest is inside 30 days', () => {
    const alone = check(['rotation/app-2025.crt'], ['rotation/app-2025.key']);
    expect(alone.certificates[0]!.messages).toEqual([NO_SUCCESSOR_MESSAGE]);
    expect(alone.rotationSets[0]!.messages).toEqual([NO_SUCCESSOR_MESSAGE]);
    expect(NO_SUCCESSOR_MESSAGE).toBe('issue the next certificate now; none is staged');
    // Passing at exactly 30 days is still inside the console's first notice.
    expect(pair('lifecycle/boundary-30d')).toMatchObject({ verdict: 'pass', messages: [NO_SUCCESSOR_MESSAGE] });
    expect(pair('lifecycle/expired').messages).toEqual([NO_SUCCESSOR_MESSAGE]);
    expect(pair('pairs/rsa-pkcs8').messages).toEqual([]);
    const staged = check(['rotation/app-2025.crt', 'rotation/app-2026.crt'], ['rotation/app-2025.key', 'rotation/app-2026.key']);
    expect(staged.certificates.flatMap((c) => c.messages)).toEqual([]);
  });
});

describe('the report', () => {
  it('keeps the inspect schema and adds status, failUnder and per-certificate verdicts', () => {
    const inspected = inspect(['lifecycle/urgent-5d.crt', 'pairs/rsa-pkcs8.crt'], ['lifecycle/urgent-5d.key', 'pairs/rsa-pkcs8.key', 'pairs/ec-sec1.key']);
    const report = checkReport(inspected, { ...DEFAULTS, failUnder: 14 });
    expect(report).toMatchObject({ schemaVersion: 1, evaluatedAt: PIN.toISOString(), status: 'fail', failUnder: 14, requireKey: false, all: false });
    expect(report.keys).toEqual(inspected.keys);
    report.certificates.forEach((cert, i) => expect(cert).toMatchObject(inspected.certificates[i]!));
    expect(report.certificates.map((c) => c.verdict)).toEqual(['fail', 'pass']);
  });

  it('passes when every certificate passes', () => {
    expect(check(['pairs/rsa-pkcs8.crt', 'pairs/ec-sec1.crt'], ['pairs/rsa-pkcs8.key', 'pairs/ec-sec1.key']).status).toBe('pass');
  });
});
