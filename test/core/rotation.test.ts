import { describe, expect, it } from 'vitest';
import { pairCertificates } from '../../src/core/pairing.js';
import { buildReport, type CertificateReport } from '../../src/core/report.js';
import { currentPair, rotationKey, rotationSets } from '../../src/core/rotation.js';
import { certificateFile, loadedKey, PIN } from '../helpers/fixtures.js';

function report(names: string[], now = PIN) {
  return buildReport(pairCertificates(names.map((n) => certificateFile(`${n}.crt`)), names.map((n) => loadedKey(`${n}.key`))), now);
}
const bySource = (certs: CertificateReport[], name: string) => certs.find((c) => c.source === `${name}.crt`)!;

describe('rotation sets: same subject, same issuer', () => {
  it('groups generations of one console certificate and supersedes the older', () => {
    const r = report(['rotation/app-2025', 'rotation/app-2026', 'rotation/other-app']);
    expect(r.rotationSets.map((s) => s.members.length)).toEqual([2, 1]);
    expect(bySource(r.certificates, 'rotation/app-2025')).toMatchObject({ status: 'superseded', supersededBy: 'rotation/app-2026.crt' });
    expect(bySource(r.certificates, 'rotation/app-2026')).toMatchObject({ status: 'ok', supersededBy: null });
  });

  it('never lets a self-signed certificate with the same subject supersede a console certificate', () => {
    const r = report(['verdicts/console', 'verdicts/self-signed']);
    const console = bySource(r.certificates, 'verdicts/console');
    const stranger = bySource(r.certificates, 'verdicts/self-signed');
    expect(console.subject).toBe(stranger.subject);
    expect(console.rotationSet).not.toBe(stranger.rotationSet);
    expect(console).toMatchObject({ status: 'expiring', supersededBy: null });
    expect(stranger.status).toBe('ok');
  });

  it('tells apart two CAs of the same name by their key (authorityKeyIdentifier)', () => {
    const r = report(['verdicts/console', 'verdicts/same-issuer-name']);
    const console = bySource(r.certificates, 'verdicts/console');
    const stranger = bySource(r.certificates, 'verdicts/same-issuer-name');
    expect(stranger.issuer).toBe(console.issuer);
    expect(stranger.authorityKeyIdentifier).not.toBe(console.authorityKeyIdentifier);
    expect(console.authorityKeyIdentifier).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
    expect(rotationKey(stranger)).not.toBe(rotationKey(console));
    expect(console.supersededBy).toBeNull();
  });

  it('keeps CA certificates out of every set', () => {
    const r = buildReport(pairCertificates([certificateFile('pki/root-ca.crt'), certificateFile('pairs/rsa-pkcs8.crt')], []), PIN);
    expect(r.certificates[0]).toMatchObject({ status: 'ca-certificate', rotationSet: null });
    expect(r.rotationSets).toHaveLength(1);
  });
});

describe('currentPair', () => {
  const base = report(['rotation/app-2025', 'rotation/app-2026']).certificates;
  const [older, newer] = [bySource(base, 'rotation/app-2025'), bySource(base, 'rotation/app-2026')];

  it('is the newest presentable pair', () => {
    expect(currentPair([older, newer]).source).toBe(newer.source);
  });

  it('skips a newer certificate whose key is not proven, not yet valid, or without client authentication', () => {
    for (const broken of [
      { ...newer, keyMatch: false },
      { ...newer, level: 'not-yet-valid' as const },
      { ...newer, clientAuth: false },
    ]) {
      expect(currentPair([older, broken]).source).toBe(older.source);
      const [set] = rotationSets([older, broken]);
      expect(set!.superseded).toEqual([]);
      expect(set!.newerUnchosen).toEqual([broken]);
    }
  });

  it('with `all`, supersedes nothing', () => {
    const [set] = rotationSets([older, newer], { all: true });
    expect(set!.superseded).toEqual([]);
    expect(set!.current.source).toBe(newer.source);
  });
});

describe('a superseded certificate', () => {
  it('keeps its date facts as information, and gets their severity back when judged on its own (--all)', async () => {
    const { checkReport } = await import('../../src/core/verdict.js');
    const r = report(['rotation/app-2025', 'rotation/app-2026']);
    const old = bySource(r.certificates, 'rotation/app-2025');
    expect(old.problems.find((p) => p.code === 'expires-soon')?.severity).toBe('info');
    const all = checkReport(r, { failUnder: 30, requireKey: false, all: true });
    const alone = all.certificates.find((c) => c.source === old.source)!;
    expect(alone).toMatchObject({ verdict: 'fail', reasons: ['below-threshold'], status: 'expiring', supersededBy: null });
    expect(alone.problems.find((p) => p.code === 'expires-soon')?.severity).toBe('warning');
    expect(alone.problems.map((p) => p.code)).not.toContain('superseded');
  });
});
