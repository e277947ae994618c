/**
 * The inspection report: plain data describing every certificate/key pair as of
 * `now`, with problems as codes and the next action in words. Renderers format it;
 * the check command judges it.
 */
import type { PublicKeyInfo } from './certificate.js';
import {
  daysRemaining,
  hasPlatformValidity,
  isoDay,
  levelAt,
  NOTICE_DAYS,
  PLATFORM_VALIDITY_DAYS,
  renewFrom,
  validityDays,
  type Level,
} from './lifecycle.js';
import type { PairedCertificate, Pairing } from './pairing.js';
import type { LoadedKey } from './private-key.js';

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
  | 'key-in-git';

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
  /** true, false (the key given for it does not match), or null (no key found). */
  keyMatch: boolean | null;
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
}

export function buildReport(pairing: Pairing, now: Date, skipped: SkippedFile[] = []): InspectReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    evaluatedAt: now.toISOString(),
    certificates: pairing.pairs.map((pair) => reportCertificate(pair, now)),
    keys: pairing.unpairedKeys.map(reportKey),
    skipped,
  };
}

export function reportCertificate(pair: PairedCertificate, now: Date): CertificateReport {
  const { leaf } = pair;
  const level = levelAt(leaf.notBefore, leaf.notAfter, now);
  const days = daysRemaining(leaf.notAfter, now);
  const platformValidity = hasPlatformValidity(leaf.notBefore, leaf.notAfter);
  const period = validityDays(leaf.notBefore, leaf.notAfter);
  const problems: Problem[] = [];

  if (level === 'expired') {
    problems.push({ code: 'expired', severity: 'error', message: `expired on ${isoDay(leaf.notAfter)}: API calls made with it fail` });
  } else if (level === 'not-yet-valid') {
    problems.push({ code: 'not-yet-valid', severity: 'error', message: `not valid until ${isoDay(leaf.notBefore)}` });
  } else if (level !== 'ok') {
    problems.push({
      code: 'expires-soon',
      severity: level === 'expiring' ? 'warning' : 'error',
      message: `${plural(days, 'day')} left (the console's ${noticeOf(level)}-day notice)`,
    });
  }
  if (pair.keyMatch === false) {
    problems.push({ code: 'key-mismatch', severity: 'error', message: `${named('the key', pair.key?.source)} does not belong to this certificate` });
  } else if (pair.keyMatch === null && !leaf.isCA) {
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
  if (!leaf.clientAuth) {
    problems.push({
      code: 'no-client-auth',
      severity: 'error',
      message: `extended key usage (${(leaf.extendedKeyUsage ?? []).join(', ')}) does not allow TLS client authentication`,
    });
  }
  if (leaf.isCA) {
    problems.push({ code: 'ca-certificate', severity: 'warning', message: 'this is a CA certificate, not a client certificate' });
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

  return {
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
    nextAction: nextAction(level, days, leaf.notBefore, leaf.notAfter, pair.keyMatch),
  };
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
  }
  return problems;
}

/** What to do next, in words a person acts on. */
export function nextAction(level: Level, days: number, notBefore: Date, notAfter: Date, keyMatch: boolean | null): string {
  if (keyMatch === false) {
    return 'this key does not belong to this certificate: find the key downloaded with it, or issue a new certificate in the console';
  }
  switch (level) {
    case 'expired':
      return `expired on ${isoDay(notAfter)}: issue a new certificate in the console and deploy it now; calls with this one fail`;
    case 'not-yet-valid':
      return `valid from ${isoDay(notBefore)}: keep the current certificate deployed beside it until then`;
    case 'ok':
      return `nothing to do now; renew from ${isoDay(renewFrom(notAfter))} (${NOTICE_DAYS.expiring} days before expiry)`;
    default:
      return `renew within ${plural(days, 'day')}: issue a new certificate in the console, deploy it beside this one, then revoke this one`;
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
