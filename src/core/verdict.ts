/**
 * The gate: judging an inspection report. Pure: the report and the options in, the
 * verdicts out; nothing here reads the clock, the environment or a file.
 *
 * Certificates with the same subject are one app's successive certificates, a
 * rotation set (the old and the new side by side in the download folder). A set is
 * judged on its current pair: the one with the latest notAfter whose key matches (when
 * no key of the set matches, the latest whose key was not checked; when every key
 * mismatches, the latest). Other certificates of the set that expire no later than the
 * current one are superseded and do not fail the gate; copies of the current
 * certificate (same fingerprint: a bundle, another encoding) and a certificate that
 * expires later but was not chosen (its key is missing or does not match) are judged on
 * their own. With `all`, every pair is judged on its own.
 */
import { isoDay, NOTICE_DAYS } from './lifecycle.js';
import { named, plural, type CertificateReport, type InspectReport } from './report.js';

export const DEFAULT_FAIL_UNDER = NOTICE_DAYS.expiring;

/**
 * Why a certificate fails the gate:
 * - `expired`: at or past notAfter;
 * - `not-yet-valid`: before notBefore;
 * - `below-threshold`: valid, but fewer than `failUnder` whole days remain;
 * - `key-mismatch`: the key given for it (or beside it under the same name) is another certificate's;
 * - `key-not-checked`: no key was found for it and `requireKey` is set;
 * - `no-client-auth`: its extended key usage forbids TLS client authentication, so the API refuses it;
 * - `leaf-not-first`: its bundle puts an intermediate first, so TLS would present the intermediate;
 * - `key-permissions` (with `strict`): its key file is readable by group or others;
 * - `key-in-git` (with `strict`): its key file sits in a git work tree without being ignored.
 */
export type ReasonCode =
  | 'expired'
  | 'not-yet-valid'
  | 'below-threshold'
  | 'key-mismatch'
  | 'key-not-checked'
  | 'no-client-auth'
  | 'leaf-not-first'
  | 'key-permissions'
  | 'key-in-git';

export const REASON_CODES: readonly ReasonCode[] = [
  'expired',
  'not-yet-valid',
  'below-threshold',
  'key-mismatch',
  'key-not-checked',
  'no-client-auth',
  'leaf-not-first',
  'key-permissions',
  'key-in-git',
];

export type Verdict = 'pass' | 'fail' | 'superseded';
export type CheckStatus = 'pass' | 'fail';

export interface CheckOptions {
  /** Fail when fewer than this many whole days remain (daysRemaining < failUnder). */
  failUnder: number;
  /** A certificate without a matching or mismatching key fails (`key-not-checked`). */
  requireKey: boolean;
  /** Judge every pair on its own: no pair is superseded. */
  all: boolean;
  /** Key files readable by others or unignored in git fail (`key-permissions`, `key-in-git`). */
  strict?: boolean;
}

export interface CheckedCertificate extends CertificateReport {
  verdict: Verdict;
  /** Failure reasons, as codes; empty unless the verdict is `fail`. */
  reasons: ReasonCode[];
  /** 1-based id of its rotation set (certificates with the same subject), in input order. */
  rotationSet: number;
  /** For a superseded certificate: the source of the pair its set is judged on. */
  supersededBy: string | null;
  /** Advice about its set, on the certificate the set is judged on. */
  messages: string[];
}

export interface RotationSetReport {
  id: number;
  subject: string;
  /** Sources of its certificates, oldest notAfter first. */
  members: string[];
  /** Source of the pair the set is judged on (`all`: the newest). */
  current: string;
  verdict: CheckStatus;
  messages: string[];
}

export interface CheckReport extends Omit<InspectReport, 'certificates'> {
  status: CheckStatus;
  failUnder: number;
  requireKey: boolean;
  all: boolean;
  strict: boolean;
  certificates: CheckedCertificate[];
  rotationSets: RotationSetReport[];
}

export const NO_SUCCESSOR_MESSAGE = 'issue the next certificate now; none is staged';

export function checkReport(report: InspectReport, options: CheckOptions): CheckReport {
  const sets = groupBySubject(report.certificates);
  const checked = new Map<CertificateReport, CheckedCertificate>();
  const rotationSets: RotationSetReport[] = [];

  sets.forEach((members, index) => {
    const id = index + 1;
    const byExpiry = [...members].sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter));
    const newest = byExpiry[byExpiry.length - 1] as CertificateReport;
    const current = options.all ? newest : chooseCurrent(byExpiry);
    const messages: string[] = [];
    if (['expiring', 'urgent', 'critical', 'expired'].includes(newest.level)) messages.push(NO_SUCCESSOR_MESSAGE);
    const unusable = byExpiry.filter(
      (c) => c.fingerprintSha256 !== current.fingerprintSha256 && Date.parse(c.notAfter) > Date.parse(current.notAfter),
    );
    for (const c of unusable) {
      messages.push(
        c.keyMatch === false
          ? `the newer certificate ${c.source} has a key that does not match: find its own key before deploying it`
          : `the newer certificate ${c.source} has no key among the inputs: add its key to check and deploy it`,
      );
    }

    for (const cert of members) {
      // Another copy of the current certificate (a bundle, another encoding) is judged too.
      const superseded =
        !options.all &&
        cert.fingerprintSha256 !== current.fingerprintSha256 &&
        Date.parse(cert.notAfter) <= Date.parse(current.notAfter);
      const reasons = superseded ? [] : reasonsFor(cert, options);
      checked.set(cert, {
        ...cert,
        verdict: superseded ? 'superseded' : reasons.length > 0 ? 'fail' : 'pass',
        reasons,
        rotationSet: id,
        supersededBy: superseded ? current.source : null,
        messages: cert === current ? messages : [],
        nextAction: superseded ? supersededAction(cert, current) : cert.nextAction,
      });
    }
    rotationSets.push({
      id,
      subject: newest.subject,
      members: byExpiry.map((c) => c.source),
      current: current.source,
      verdict: members.some((c) => checked.get(c)?.verdict === 'fail') ? 'fail' : 'pass',
      messages,
    });
  });

  const certificates = report.certificates.map((c) => checked.get(c) as CheckedCertificate);
  return {
    schemaVersion: report.schemaVersion,
    evaluatedAt: report.evaluatedAt,
    status: certificates.some((c) => c.verdict === 'fail') ? 'fail' : 'pass',
    failUnder: options.failUnder,
    requireKey: options.requireKey,
    all: options.all,
    strict: options.strict === true,
    certificates,
    keys: report.keys,
    skipped: report.skipped,
    rotationSets,
  };
}

/** Failure reasons of one certificate judged on its own. */
export function reasonsFor(cert: CertificateReport, options: Pick<CheckOptions, 'failUnder' | 'requireKey' | 'strict'>): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (cert.level === 'expired') reasons.push('expired');
  else if (cert.level === 'not-yet-valid') reasons.push('not-yet-valid');
  else if (cert.daysRemaining < options.failUnder) reasons.push('below-threshold');
  if (cert.keyMatch === false) reasons.push('key-mismatch');
  else if (cert.keyMatch === null && options.requireKey) reasons.push('key-not-checked');
  if (!cert.clientAuth) reasons.push('no-client-auth');
  if (cert.problems.some((p) => p.code === 'leaf-not-first')) reasons.push('leaf-not-first');
  if (options.strict) {
    for (const code of ['key-permissions', 'key-in-git'] as const) {
      if (cert.problems.some((p) => p.code === code)) reasons.push(code);
    }
  }
  return reasons;
}

/** One reason in words, as the verdict line and the CI annotations say it. */
export function reasonText(cert: CertificateReport, reason: ReasonCode, failUnder: number): string {
  switch (reason) {
    case 'expired':
      return cert.daysRemaining < 0
        ? `expired ${plural(-cert.daysRemaining, 'day')} ago (${isoDay(new Date(cert.notAfter))})`
        : `expired today (${isoDay(new Date(cert.notAfter))})`;
    case 'not-yet-valid':
      return `not valid until ${isoDay(new Date(cert.notBefore))}`;
    case 'below-threshold':
      return `${plural(cert.daysRemaining, 'day')} left (< ${failUnder})`;
    case 'key-mismatch':
      return `${named('the key', cert.keySource)} does not belong to it`;
    case 'key-not-checked':
      return 'key not checked (--require-key)';
    case 'no-client-auth':
      return 'its extended key usage does not allow TLS client authentication';
    case 'leaf-not-first':
      return 'an intermediate comes before it in its file (TLS would present the intermediate)';
    case 'key-permissions':
      return `${named('its key file', cert.keySource)} is readable by group or others (--strict): chmod 600 it`;
    case 'key-in-git':
      return `${named('its key file', cert.keySource)} is in a git work tree and not ignored (--strict)`;
  }
}

/** The one-line summary of a verdict, after the source: `5 days left (< 30)`. */
export function verdictText(cert: CheckedCertificate, failUnder: number): string {
  if (cert.verdict === 'fail') return cert.reasons.map((r) => reasonText(cert, r, failUnder)).join('; ');
  const days = validityPhrase(cert);
  if (cert.verdict === 'superseded') return `replaced by ${cert.supersededBy ?? 'a newer certificate'} (${days})`;
  return cert.keyMatch === null ? `${days}; key not checked` : days;
}

function validityPhrase(cert: CertificateReport): string {
  if (cert.level === 'expired') return reasonText(cert, 'expired', 0);
  if (cert.level === 'not-yet-valid') return reasonText(cert, 'not-yet-valid', 0);
  return `${plural(cert.daysRemaining, 'day')} left, expires ${cert.notAfter.slice(0, 10)}`;
}

function supersededAction(cert: CertificateReport, current: CertificateReport): string {
  const until = cert.level === 'expired' ? '' : ` (it expires ${cert.notAfter.slice(0, 10)})`;
  return `replaced by ${current.source}: keep that one deployed, and revoke this one in the console once nothing uses it${until}`;
}

function groupBySubject(certificates: readonly CertificateReport[]): CertificateReport[][] {
  const sets = new Map<string, CertificateReport[]>();
  for (const cert of certificates) {
    const list = sets.get(cert.subject);
    if (list) list.push(cert);
    else sets.set(cert.subject, [cert]);
  }
  return [...sets.values()];
}

/** The pair a set is judged on; `byExpiry` is sorted by notAfter, oldest first. */
function chooseCurrent(byExpiry: readonly CertificateReport[]): CertificateReport {
  const latest = (keyMatch: boolean | null) => byExpiry.filter((c) => c.keyMatch === keyMatch).at(-1);
  return latest(true) ?? latest(null) ?? (byExpiry.at(-1) as CertificateReport);
}
