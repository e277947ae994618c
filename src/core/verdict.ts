/**
 * The gate: judging an inspection report. Pure: the report and the options in, the
 * verdicts out; nothing here reads the clock, the environment or a file.
 *
 * Rotation is the report's (src/core/rotation.ts, one model for inspect and check): a
 * set of certificates with the same subject from the same issuer is judged on its
 * current pair; its older members are superseded and do not fail the gate. With `all`,
 * every pair is judged on its own. CA certificates are reported, not judged.
 */
import { expiredAgoPhrase, isoDay, NOTICE_DAYS, timeLeftPhrase } from './lifecycle.js';
import {
  judgedAlone,
  named,
  nextAction,
  NO_SUCCESSOR_MESSAGE,
  plural,
  withRotation,
  type CertificateReport,
  type InspectReport,
  type RotationSetSummary,
} from './report.js';

export { NO_SUCCESSOR_MESSAGE };
export const DEFAULT_FAIL_UNDER = NOTICE_DAYS.expiring;

/**
 * Why a certificate fails the gate:
 * - `expired`: at or past notAfter;
 * - `not-yet-valid`: before notBefore;
 * - `below-threshold`: valid, but fewer than `failUnder` whole days remain;
 * - `never-valid`: its notBefore is after its notAfter;
 * - `key-mismatch`: the key meant for it (given with it, beside it under the same name, or the
 *   one key and the one certificate of the inputs) is another certificate's;
 * - `key-not-proven`: its key file carries its public key but the private part does not produce
 *   it (a forged or damaged key);
 * - `no-matching-key`: no key of the inputs is its own while some keys match no certificate
 *   (the user meant one of them for it);
 * - `key-not-checked`: no key was found for it and `requireKey` is set;
 * - `malformed-eku`, `duplicate-extension`, `unknown-critical-extension`: TLS servers reject it
 *   (OpenSSL's verifier does);
 * - `no-client-auth`: its extended key usage forbids TLS client authentication, so the API refuses it;
 * - `leaf-not-first`: its bundle puts an intermediate first, so TLS would present the intermediate;
 * - `key-permissions` (with `strict`): its key file is readable by group or others;
 * - `key-in-git` (with `strict`): its key file sits in a git work tree without being ignored;
 * - `key-in-git-unknown` (with `strict`): its key file sits in a git work tree and git could
 *   not say whether it is ignored (the strict gate does not assume it is).
 */
export const REASON_CODES = [
  'expired',
  'never-valid',
  'not-yet-valid',
  'below-threshold',
  'key-mismatch',
  'key-not-proven',
  'no-matching-key',
  'key-not-checked',
  'no-client-auth',
  'malformed-eku',
  'duplicate-extension',
  'unknown-critical-extension',
  'leaf-not-first',
  'key-permissions',
  'key-in-git',
  'key-in-git-unknown',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** `ca-certificate`: a CA certificate among the inputs, reported and not judged. */
export type Verdict = 'pass' | 'fail' | 'superseded' | 'ca-certificate';
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
  /** Advice about its set, on the certificate the set is judged on. */
  messages: string[];
}

/** A rotation set with its verdict. */
export interface RotationSetReport extends RotationSetSummary {
  verdict: CheckStatus;
}

export interface CheckReport extends Omit<InspectReport, 'certificates' | 'rotationSets'> {
  status: CheckStatus;
  failUnder: number;
  requireKey: boolean;
  all: boolean;
  strict: boolean;
  certificates: CheckedCertificate[];
  rotationSets: RotationSetReport[];
}

export function checkReport(report: InspectReport, options: CheckOptions): CheckReport {
  const rotated = options.all ? withRotation(report.certificates.map(judgedAlone), { all: true }) : report;
  const strayKeys = report.keys.length > 0;
  const currentOf = new Map(rotated.rotationSets.map((set) => [set.current, set]));
  const certificates = rotated.certificates.map((cert): CheckedCertificate => {
    const set = cert.rotationSet === null ? undefined : rotated.rotationSets.find((s) => s.id === cert.rotationSet);
    const messages = set && set.current === cert.source && currentOf.get(cert.source) === set ? set.messages : [];
    if (cert.status === 'ca-certificate') return { ...cert, verdict: 'ca-certificate', reasons: [], messages };
    if (cert.status === 'superseded') return { ...cert, verdict: 'superseded', reasons: [], messages };
    const reasons = reasonsFor(cert, options, strayKeys);
    return {
      ...cert,
      verdict: reasons.length > 0 ? 'fail' : 'pass',
      reasons,
      messages,
      nextAction: reasons.length > 0 ? failureAction(cert, reasons, options.failUnder) : cert.nextAction,
    };
  });
  const rotationSets = rotated.rotationSets.map((set) => ({
    ...set,
    verdict: certificates.some((c) => c.rotationSet === set.id && c.verdict === 'fail') ? ('fail' as const) : ('pass' as const),
  }));
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
export function reasonsFor(
  cert: CertificateReport,
  options: Pick<CheckOptions, 'failUnder' | 'requireKey' | 'strict'>,
  strayKeys = false,
): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  const has = (code: string) => cert.problems.some((p) => p.code === code);
  if (cert.level === 'never-valid') reasons.push('never-valid');
  else if (cert.level === 'expired') reasons.push('expired');
  else if (cert.level === 'not-yet-valid') reasons.push('not-yet-valid');
  else if (cert.daysRemaining < options.failUnder) reasons.push('below-threshold');
  if (cert.keyStatus === 'mismatch') reasons.push('key-mismatch');
  else if (cert.keyStatus === 'not-proven') reasons.push('key-not-proven');
  else if (cert.keyStatus === 'none' && strayKeys) reasons.push('no-matching-key');
  else if (cert.keyStatus === 'none' && options.requireKey) reasons.push('key-not-checked');
  if (has('malformed-eku')) reasons.push('malformed-eku');
  else if (!cert.clientAuth) reasons.push('no-client-auth');
  for (const code of ['duplicate-extension', 'unknown-critical-extension', 'leaf-not-first'] as const) {
    if (has(code)) reasons.push(code);
  }
  if (options.strict) {
    for (const code of ['key-permissions', 'key-in-git', 'key-in-git-unknown'] as const) {
      if (cert.problems.some((p) => p.code === code)) reasons.push(code);
    }
  }
  return reasons;
}

/** One reason in words, as the verdict line and the CI annotations say it. */
export function reasonText(cert: CertificateReport, reason: ReasonCode, failUnder: number, evaluatedAt: string): string {
  switch (reason) {
    case 'never-valid':
      return `never valid: it starts ${isoDay(new Date(cert.notBefore))}, after it ends ${isoDay(new Date(cert.notAfter))}`;
    case 'expired':
      return `${expiredAgoPhrase(new Date(cert.notAfter), new Date(evaluatedAt))} (${isoDay(new Date(cert.notAfter))})`;
    case 'not-yet-valid':
      return `not valid until ${isoDay(new Date(cert.notBefore))}`;
    case 'below-threshold':
      return `${cert.daysRemaining < 1 ? 'less than a day' : plural(cert.daysRemaining, 'day')} left (< ${failUnder})`;
    case 'key-mismatch':
      return `${named('the key', cert.keySource)} does not belong to it`;
    case 'key-not-proven':
      return `${named('the key', cert.keySource)} carries its public key but does not prove possession (forged or damaged)`;
    case 'no-matching-key':
      return 'none of the keys given belongs to it';
    case 'malformed-eku':
      return 'its extended key usage extension is malformed (TLS servers reject it)';
    case 'duplicate-extension':
      return 'it repeats an extension (TLS servers reject it)';
    case 'unknown-critical-extension':
      return 'it has a critical extension TLS servers do not know (they reject it)';
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
    case 'key-in-git-unknown':
      return `${named('its key file', cert.keySource)} is in a git work tree and git could not say whether it is ignored (--strict)`;
  }
}

/** The one-line summary of a verdict, after the source: `5 days left (< 30)`. */
export function verdictText(cert: CheckedCertificate, failUnder: number, evaluatedAt: string): string {
  if (cert.verdict === 'fail') return cert.reasons.map((r) => reasonText(cert, r, failUnder, evaluatedAt)).join('; ');
  const days = validityPhrase(cert, evaluatedAt);
  if (cert.verdict === 'ca-certificate') return `a CA certificate, not judged; ${days}`;
  if (cert.verdict === 'superseded') return `superseded by ${cert.supersededBy ?? 'a newer certificate'}; this one has ${days}`;
  return cert.keyMatch === null ? `${days}; key not checked` : days;
}

function validityPhrase(cert: CertificateReport, evaluatedAt: string): string {
  if (cert.level === 'expired') return reasonText(cert, 'expired', 0, evaluatedAt);
  if (cert.level === 'not-yet-valid') return reasonText(cert, 'not-yet-valid', 0, evaluatedAt);
  if (cert.level === 'never-valid') return reasonText(cert, 'never-valid', 0, evaluatedAt);
  return timeLeftPhrase(cert.daysRemaining, new Date(cert.notAfter));
}

/** The action of a failing certificate: that of its first (worst) reason. */
function failureAction(cert: CertificateReport, reasons: readonly ReasonCode[], failUnder: number): string {
  // The report's action: its worst fact's, or, for the current pair of a set whose newer
  // certificate is not usable yet, to make that one usable (withRotation).
  const own = cert.nextAction;
  // A worse fact than the dates (a key, an extension): its action comes first.
  if (cert.status !== cert.level) return own;
  for (const reason of reasons) {
    switch (reason) {
      case 'below-threshold':
        // Inside the console's notices the report's action already says to renew.
        if (cert.level === 'ok') {
          return `renew now: ${plural(cert.daysRemaining, 'day')} left is under this check's threshold of ${failUnder} (the console warns from ${NOTICE_DAYS.expiring}); issue a new certificate in the console and deploy it beside this one`;
        }
        return own;
      case 'no-matching-key':
        return 'none of the keys given belongs to this certificate: find the key downloaded with it (pairing is by public key, not by name)';
      case 'key-not-checked':
        if (reasons.length === 1) return `add its private key to the inputs (--key, or the folder it sits in), or drop --require-key; then ${own}`;
        break;
      case 'key-permissions':
        if (reasons.length === 1) return `chmod 600 ${cert.keySource ?? 'its key file'}`;
        break;
      case 'key-in-git':
        if (reasons.length === 1) return `add ${cert.keySource ?? 'its key file'} to .gitignore; if it was ever pushed, revoke the certificate in the console and issue a new one`;
        break;
      case 'key-in-git-unknown':
        if (reasons.length === 1) return `run git check-ignore ${cert.keySource ?? 'on its key file'} in that work tree to see why git did not answer, or keep the key outside the work tree`;
        break;
      default:
        return own;
    }
  }
  return own;
}

const VERDICT_WORDS: Record<Verdict, [string, string]> = {
  pass: ['pass', 'pass'],
  fail: ['fail', 'fail'],
  superseded: ['superseded', 'superseded'],
  'ca-certificate': ['CA certificate, not judged', 'CA certificates, not judged'],
};

/**
 * Every certificate counted once, by verdict, as every renderer says it:
 * `4 certificates: 2 pass, 1 fail, 1 superseded`.
 */
export function countsPhrase(report: Pick<CheckReport, 'certificates'>): string {
  const counts = (['pass', 'fail', 'superseded', 'ca-certificate'] as const)
    .map((verdict) => [verdict, report.certificates.filter((c) => c.verdict === verdict).length] as const)
    .filter(([, n]) => n > 0)
    .map(([verdict, n]) => `${n} ${VERDICT_WORDS[verdict][n === 1 ? 0 : 1]}`);
  return `${plural(report.certificates.length, 'certificate')}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
}
