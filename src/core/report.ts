/**
 * The inspection report: plain data describing every certificate/key pair as of
 * `now`, with problems as codes and the next action in words. Renderers format it;
 * the check command judges it.
 */
import type { ExtensionProblem, PublicKeyInfo } from './certificate.js';
import {
  daysRemaining,
  hasPlatformValidity,
  isoDay,
  levelAt,
  NOTICE_DAYS,
  PLATFORM_VALIDITY_DAYS,
  renewFrom,
  timeLeftPhrase,
  validityDays,
  type Level,
} from './lifecycle.js';
import type { KeyStatus, PairedCertificate, Pairing } from './pairing.js';
import type { LoadedKey } from './private-key.js';
import { rotationSets } from './rotation.js';

/** A file of a folder that was not used, and why (see the README's JSON section for the codes). */
export interface SkippedFile {
  source: string;
  code: string;
  reason: string;
}

export const SCHEMA_VERSION = 1;

export type Severity = 'error' | 'warning' | 'info';

export type ProblemCode =
  | 'expired'
  | 'not-yet-valid'
  | 'expires-soon'
  | 'key-mismatch'
  | 'no-key'
  | 'validity-not-390'
  | 'no-client-auth'
  | 'ca-certificate'
  | 'leaf-not-first'
  | 'chain-mismatch'
  | 'no-certificate'
  | 'key-permissions'
  | 'key-in-git'
  | 'key-in-git-unknown'
  | 'key-not-proven'
  | 'never-valid'
  | 'malformed-eku'
  | 'duplicate-extension'
  | 'unknown-critical-extension'
  | 'superseded';

/**
 * The headline of a certificate: the worst fact about it, shown in its header and
 * counted in the summary. `unusable`: a TLS server rejects it or would be sent another
 * certificate (no client authentication, an extension a verifier rejects, an
 * intermediate first in its file).
 */
export type Status =
  | Level
  | 'ca-certificate'
  | 'superseded'
  | 'key-mismatch'
  | 'key-not-proven'
  | 'unusable';

/** Statuses from the worst to the healthiest, for headers and summaries. */
export const STATUS_ORDER: readonly Status[] = [
  'key-mismatch',
  'key-not-proven',
  'unusable',
  'never-valid',
  'expired',
  'not-yet-valid',
  'critical',
  'urgent',
  'expiring',
  'superseded',
  'ca-certificate',
  'ok',
];

export interface RotationSetSummary {
  id: number;
  subject: string;
  issuer: string;
  authorityKeyIdentifier: string | null;
  /** Sources of its certificates, oldest notAfter first. */
  members: string[];
  /** Source of the pair the set is judged on. */
  current: string;
  /** Advice about the set (a successor to stage, a newer certificate that cannot be used yet). */
  messages: string[];
}

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  message: string;
}

export interface ChainEntry {
  subject: string;
  issuer: string;
  notAfter: string;
  daysRemaining: number;
  fingerprintSha256: string;
  /** 1-based position of the block in the certificate's file. */
  position: number;
  /** Whether it issued the leaf. */
  issuedLeaf: boolean;
}

export interface CertificateReport {
  source: string;
  /** The subjectAltName extension (`DNS:app.example`), null without one. */
  subjectAltName: string | null;
  /** 1-based position of the certificate in its file (bundles). */
  position: number;
  keySource: string | null;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  validityDays: number;
  /** Whether the validity period is the platform's 390 days. */
  platformValidity: boolean;
  daysRemaining: number;
  level: Level;
  /** true (its key is proven), false (`keyStatus` mismatch or not-proven), or null (no key found). */
  keyMatch: boolean | null;
  keyStatus: KeyStatus;
  /** The issuing CA's key identifier (authorityKeyIdentifier), colon hex; null when the certificate has none. */
  authorityKeyIdentifier: string | null;
  /** The worst fact about it (see Status). */
  status: Status;
  /** 1-based id of its rotation set (same subject, same issuer); null for a CA certificate. */
  rotationSet: number | null;
  /** For a superseded certificate: the source of the pair its set is judged on. */
  supersededBy: string | null;
  fingerprintSha256: string;
  publicKey: PublicKeyInfo;
  clientAuth: boolean;
  extendedKeyUsage: string[] | null;
  isCA: boolean;
  /** Intermediates that came in the same file, in file order. */
  chain: ChainEntry[];
  problems: Problem[];
  nextAction: string;
}

export interface KeyReport {
  source: string;
  format: string;
  encrypted: boolean;
  publicKey: PublicKeyInfo;
  /** SHA-256 of the public key: identifies the key without revealing it. */
  publicKeyFingerprintSha256: string;
  problems: Problem[];
}

export interface InspectReport {
  schemaVersion: typeof SCHEMA_VERSION;
  evaluatedAt: string;
  certificates: CertificateReport[];
  keys: KeyReport[];
  /** Files of folders that were not used: not a certificate or key, or not usable. */
  skipped: SkippedFile[];
  rotationSets: RotationSetSummary[];
}

/** The report of a pairing as of `now`, with rotation applied (certificates in pairing order). */
export function buildReport(pairing: Pairing, now: Date, skipped: SkippedFile[] = []): InspectReport {
  const { certificates, rotationSets } = withRotation(pairing.pairs.map((pair) => reportCertificate(pair, now)));
  return {
    schemaVersion: SCHEMA_VERSION,
    evaluatedAt: now.toISOString(),
    certificates,
    keys: pairing.unpairedKeys.map(reportKey),
    skipped,
    rotationSets,
  };
}

const DATE_PROBLEMS: readonly ProblemCode[] = ['expires-soon', 'expired'];

export const NO_SUCCESSOR_MESSAGE = 'issue the next certificate now; none is staged';

/**
 * Apply the rotation model to certificates reported on their own: superseded members
 * get that status, a `superseded` problem and the action of the set; every member its
 * set's id. With `all`, no certificate is superseded. Certificates keep their order.
 */
export function withRotation(
  reported: readonly CertificateReport[],
  options: { all?: boolean } = {},
): { certificates: CertificateReport[]; rotationSets: RotationSetSummary[] } {
  const sets = rotationSets(reported, options);
  const updated = new Map<CertificateReport, CertificateReport>();
  const summaries = sets.map((set) => {
    const messages: string[] = [];
    const newest = set.members.at(-1) as CertificateReport;
    if (['expiring', 'urgent', 'critical', 'expired'].includes(newest.level)) messages.push(NO_SUCCESSOR_MESSAGE);
    for (const c of set.newerUnchosen) messages.push(newerUnchosenMessage(c, set.current));
    // A successor is already issued but cannot be used yet: the current pair's action is to
    // make that one usable, not to issue another certificate.
    const staged = set.newerUnchosen.filter((c) => c.keyStatus !== 'proven' || c.level === 'not-yet-valid').at(-1);
    for (const cert of set.members) {
      const superseded = set.superseded.includes(cert);
      const base = { ...cert, rotationSet: set.id, supersededBy: superseded ? set.current.source : null };
      if (cert === set.current && staged && ['expiring', 'urgent', 'critical'].includes(cert.status)) {
        base.nextAction = `${newerUnchosenMessage(staged, set.current)}; this one expires ${cert.notAfter.slice(0, 10)}`;
      }
      updated.set(
        cert,
        superseded
          ? {
              ...base,
              status: 'superseded',
              problems: [
                { code: 'superseded', severity: 'info', message: `superseded by ${set.current.source}, the newer certificate of the same subject and issuer` },
                // Its dates no longer call for action (its successor's do): facts, not warnings.
                ...cert.problems.map((p) => (DATE_PROBLEMS.includes(p.code) ? { ...p, severity: 'info' as const } : p)),
              ],
              nextAction: supersededAction(cert, set.current),
            }
          : base,
      );
    }
    return {
      id: set.id,
      subject: set.subject,
      issuer: set.issuer,
      authorityKeyIdentifier: set.authorityKeyIdentifier,
      members: set.members.map((c) => c.source),
      current: set.current.source,
      messages,
    };
  });
  return {
    certificates: reported.map((c) => updated.get(c) ?? { ...c, rotationSet: null, supersededBy: null }),
    rotationSets: summaries,
  };
}

/** A certificate as reported on its own, before rotation made it superseded. */
export function judgedAlone(cert: CertificateReport): CertificateReport {
  if (cert.status !== 'superseded') return { ...cert, rotationSet: null, supersededBy: null };
  const problems = cert.problems
    .filter((p) => p.code !== 'superseded')
    .map((p) => (DATE_PROBLEMS.includes(p.code) ? { ...p, severity: p.code === 'expires-soon' && cert.level === 'expiring' ? ('warning' as const) : ('error' as const) } : p));
  const alone = { ...cert, problems, rotationSet: null, supersededBy: null, status: statusOf(cert.level, cert.keyStatus, cert.isCA, problems) };
  return { ...alone, nextAction: nextAction(alone) };
}

function newerUnchosenMessage(cert: CertificateReport, current: CertificateReport): string {
  if (cert.keyStatus === 'mismatch') return `the newer certificate ${cert.source} has a key that does not match: find its own key before deploying it`;
  if (cert.keyStatus === 'not-proven') return `the newer certificate ${cert.source} has a key file that does not prove possession: find its real key before deploying it`;
  if (cert.keyStatus === 'none') return `the newer certificate ${cert.source} has no key among the inputs: add its key to check and deploy it`;
  if (cert.level === 'not-yet-valid') return `the newer certificate ${cert.source} is valid from ${cert.notBefore.slice(0, 10)}: keep ${current.source} deployed until then`;
  return `the newer certificate ${cert.source} cannot be used (${cert.status}): keep ${current.source} deployed`;
}

/** What to do with a superseded certificate: no dates in parentheses, whose days they are named. */
export function supersededAction(cert: Pick<CertificateReport, 'level' | 'notAfter'>, current: Pick<CertificateReport, 'source'>): string {
  const until = cert.level === 'expired' ? 'this one has expired' : `this one expires ${cert.notAfter.slice(0, 10)}`;
  return `replaced by ${current.source}: keep that one deployed, and revoke this one in the console once nothing uses it; ${until}`;
}

export function reportCertificate(pair: PairedCertificate, now: Date): CertificateReport {
  const { leaf } = pair;
  const level = levelAt(leaf.notBefore, leaf.notAfter, now);
  const days = daysRemaining(leaf.notAfter, now);
  const platformValidity = hasPlatformValidity(leaf.notBefore, leaf.notAfter);
  const period = validityDays(leaf.notBefore, leaf.notAfter);
  const problems: Problem[] = [];

  if (level === 'never-valid') {
    problems.push({
      code: 'never-valid',
      severity: 'error',
      message: `never valid: its validity starts ${isoDay(leaf.notBefore)}, after it ends ${isoDay(leaf.notAfter)}`,
    });
  } else if (level === 'expired') {
    problems.push({ code: 'expired', severity: 'error', message: `expired on ${isoDay(leaf.notAfter)}: API calls made with it fail` });
  } else if (level === 'not-yet-valid') {
    problems.push({ code: 'not-yet-valid', severity: 'error', message: `not valid until ${isoDay(leaf.notBefore)}` });
  } else if (level !== 'ok') {
    problems.push({
      code: 'expires-soon',
      severity: level === 'expiring' ? 'warning' : 'error',
      message: `${timeLeftPhrase(days, leaf.notAfter)}: inside the console's ${noticeOf(level)}-day notice`,
    });
  }
  if (pair.keyStatus === 'mismatch') {
    problems.push({ code: 'key-mismatch', severity: 'error', message: `${named('the key', pair.key?.source)} does not belong to this certificate` });
  } else if (pair.keyStatus === 'not-proven') {
    problems.push({
      code: 'key-not-proven',
      severity: 'error',
      message: `${named('the key', pair.key?.source)} carries this certificate's public key, but its private part does not produce it (a forged or damaged key): TLS would fail`,
    });
  } else if (pair.keyStatus === 'none' && !leaf.isCA) {
    problems.push({ code: 'no-key', severity: 'info', message: 'no private key found for this certificate' });
  }
  if (pair.key) problems.push(...keyFileProblems(pair.key));
  if (!platformValidity && !leaf.isCA) {
    problems.push({
      code: 'validity-not-390',
      severity: 'warning',
      message: `valid for ${period} days, not the platform's ${PLATFORM_VALIDITY_DAYS}: is this the Apps in Toss certificate?`,
    });
  }
  for (const problem of leaf.extensionProblems) problems.push(extensionProblem(problem));
  if (!leaf.clientAuth && !leaf.extensionProblems.some((p) => p.code === 'malformed-eku')) {
    problems.push({
      code: 'no-client-auth',
      severity: 'error',
      message: `extended key usage (${(leaf.extendedKeyUsage ?? []).join(', ')}) does not allow TLS client authentication`,
    });
  }
  if (leaf.isCA) {
    problems.push({ code: 'ca-certificate', severity: 'info', message: 'this is a CA certificate, not a client certificate: check judges client certificates only' });
  }
  if (pair.leafNotFirst) {
    problems.push({
      code: 'leaf-not-first',
      severity: 'error',
      message: 'an intermediate comes before the client certificate in this file; TLS clients send the first block as the certificate: put the client certificate first',
    });
  }
  if (pair.chain.length > 0 && !pair.chain.some((link) => link.issuedLeaf)) {
    problems.push({ code: 'chain-mismatch', severity: 'warning', message: 'none of the CA certificates in this file issued it' });
  }

  const report: CertificateReport = {
    source: pair.source,
    position: pair.position,
    keySource: pair.key?.source ?? null,
    subject: leaf.subject,
    subjectAltName: leaf.subjectAltName,
    issuer: leaf.issuer,
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    validityDays: period,
    platformValidity,
    daysRemaining: days,
    level,
    keyMatch: pair.keyMatch,
    keyStatus: pair.keyStatus,
    authorityKeyIdentifier: leaf.authorityKeyIdentifier ?? null,
    status: statusOf(level, pair.keyStatus, leaf.isCA, problems),
    rotationSet: null,
    supersededBy: null,
    fingerprintSha256: leaf.fingerprintSha256,
    publicKey: leaf.publicKey,
    clientAuth: leaf.clientAuth,
    extendedKeyUsage: leaf.extendedKeyUsage ?? null,
    isCA: leaf.isCA,
    chain: pair.chain.map((link) => ({
      subject: link.certificate.subject,
      issuer: link.certificate.issuer,
      notAfter: link.certificate.notAfter.toISOString(),
      daysRemaining: daysRemaining(link.certificate.notAfter, now),
      fingerprintSha256: link.certificate.fingerprintSha256,
      position: link.position,
      issuedLeaf: link.issuedLeaf,
    })),
    problems,
    nextAction: '',
  };
  return { ...report, nextAction: nextAction(report) };
}

const UNUSABLE: readonly ProblemCode[] = ['no-client-auth', 'malformed-eku', 'duplicate-extension', 'unknown-critical-extension', 'leaf-not-first'];

/** The worst fact about a certificate judged on its own (rotation may make it `superseded`). */
export function statusOf(level: Level, keyStatus: KeyStatus, isCA: boolean, problems: readonly Problem[]): Status {
  if (isCA) return 'ca-certificate';
  if (keyStatus === 'mismatch') return 'key-mismatch';
  if (keyStatus === 'not-proven') return 'key-not-proven';
  if (problems.some((p) => UNUSABLE.includes(p.code))) return 'unusable';
  return level;
}

function extensionProblem(problem: ExtensionProblem): Problem {
  const message = {
    'malformed-eku': `its extended key usage extension ${problem.extension} is malformed: TLS servers reject the certificate`,
    'duplicate-extension': `the extension ${problem.extension} appears more than once: TLS servers reject the certificate`,
    'unknown-critical-extension': `the critical extension ${problem.extension} is one TLS servers do not know, so they reject the certificate`,
  }[problem.code];
  return { code: problem.code, severity: 'error', message };
}

function reportKey(key: LoadedKey): KeyReport {
  return {
    source: key.source,
    format: key.format,
    encrypted: key.encrypted,
    publicKey: key.publicKey,
    publicKeyFingerprintSha256: key.publicKeyFingerprintSha256,
    problems: [
      { code: 'no-certificate', severity: 'info', message: 'no certificate in the inputs matches this key' },
      ...keyFileProblems(key),
    ],
  };
}

/** Warnings about how a key file is stored: readable by others, or about to be committed. */
export function keyFileProblems(key: LoadedKey): Problem[] {
  const problems: Problem[] = [];
  if (!key.file) return problems;
  const { mode, unignoredInGit } = key.file;
  if (mode & 0o077) {
    const who = [mode & 0o070 ? 'group' : '', mode & 0o007 ? 'others' : ''].filter(Boolean).join(' and ');
    problems.push({
      code: 'key-permissions',
      severity: 'warning',
      message: `the key file ${key.source} is readable by ${who} (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${key.source}`,
    });
  }
  if (unignoredInGit) {
    problems.push({
      code: 'key-in-git',
      severity: 'warning',
      message: `the key file ${key.source} is inside a git work tree and not ignored: add it to .gitignore; if it was ever pushed, revoke the certificate in the console and issue a new one`,
    });
  } else if (unignoredInGit === null) {
    problems.push({
      code: 'key-in-git-unknown',
      severity: 'warning',
      message: `the key file ${key.source} is inside a git work tree, and git could not say whether it is ignored (${key.file.gitUnknown ?? 'no answer'}): run git check-ignore ${key.source} there yourself, or keep the key outside the work tree`,
    });
  }
  return problems;
}

/** What to do next, in words a person acts on: the action of its worst fact. */
export function nextAction(
  cert: Pick<CertificateReport, 'status' | 'level' | 'daysRemaining' | 'notBefore' | 'notAfter' | 'keySource' | 'source' | 'problems' | 'extendedKeyUsage'>,
): string {
  const notAfter = new Date(cert.notAfter);
  const has = (code: ProblemCode) => cert.problems.some((p) => p.code === code);
  switch (cert.status) {
    case 'ca-certificate':
      return 'a CA certificate, not a client certificate: nothing to do for it here; your client presents its own certificate, not this one';
    case 'key-mismatch':
      return `${named('the key', cert.keySource)} does not belong to this certificate: find the key downloaded with it, or issue a new certificate in the console`;
    case 'key-not-proven':
      return `${named('the key file', cert.keySource)} does not hold this certificate's private key (forged or damaged): find the key downloaded with it, or issue a new certificate in the console`;
    case 'unusable':
      if (has('leaf-not-first')) return `put the client certificate first in ${cert.source}, its intermediates after it`;
      if (has('no-client-auth') || has('malformed-eku')) {
        return 'issue a new certificate for client authentication in the console: TLS servers refuse this one for mTLS';
      }
      return 'issue a new certificate in the console: TLS servers reject this one for its extensions';
    case 'never-valid':
      return 'its validity period ends before it begins: no TLS server accepts it; issue a new certificate in the console';
    default:
      break;
  }
  switch (cert.level) {
    case 'expired':
      return `expired on ${isoDay(notAfter)}: issue a new certificate in the console and deploy it now; calls with this one fail`;
    case 'not-yet-valid':
      return `valid from ${isoDay(new Date(cert.notBefore))}: keep the current certificate deployed beside it until then`;
    case 'ok':
      return `nothing to do now; renew from ${isoDay(renewFrom(notAfter))}, ${NOTICE_DAYS.expiring} days before expiry`;
    default:
      return cert.daysRemaining < 1
        ? `renew now, it expires ${isoDay(notAfter)} at ${cert.notAfter.slice(11, 16)} UTC: issue a new certificate in the console, deploy it beside this one, then revoke this one`
        : `renew within ${plural(cert.daysRemaining, 'day')}: issue a new certificate in the console, deploy it beside this one, then revoke this one`;
  }
}

function noticeOf(level: Level): number {
  return level === 'critical' ? NOTICE_DAYS.critical : level === 'urgent' ? NOTICE_DAYS.urgent : NOTICE_DAYS.expiring;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `the key app.key`, or `the key` when there is no source to name. */
export function named(noun: string, source: string | null | undefined): string {
  return source ? `${noun} ${source}` : noun;
}
