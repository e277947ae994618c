/**
 * Rotation sets: one app's successive certificates, the old and the new side by side
 * in a download folder. One model, used by inspect, check, ping and the agent.
 *
 * A rotation set is the client certificates with the same subject from the same
 * issuer: the same issuer name and the same issuing CA key (the authorityKeyIdentifier;
 * certificates without one group by issuer name alone, never with one that has it). A
 * self-signed certificate or one from another CA that happens to carry the subject is
 * a stranger: it never supersedes a console certificate and is judged on its own. CA
 * certificates are in no set.
 *
 * A set is judged on its current pair (currentPair): the newest valid pair whose key is
 * proven. Members that expire no later than the current one are superseded; copies of
 * the current certificate (same fingerprint) and members that expire later but were not
 * chosen (no key, a key that does not match, not yet valid) are judged on their own.
 * Pure: data in, data out.
 */
import type { Level } from './lifecycle.js';

/** What the rotation model reads of a certificate (a CertificateReport is one). */
export interface RotationMember {
  subject: string;
  issuer: string;
  authorityKeyIdentifier: string | null;
  notAfter: string;
  fingerprintSha256: string;
  keyMatch: boolean | null;
  level: Level;
  isCA: boolean;
  clientAuth: boolean;
}

export interface RotationSet<T extends RotationMember> {
  /** 1-based, in input order of the sets' first members. */
  id: number;
  subject: string;
  issuer: string;
  authorityKeyIdentifier: string | null;
  /** Oldest notAfter first. */
  members: T[];
  /** The pair the set is judged on (with `all`: the newest). */
  current: T;
  /** Members replaced by the current pair (none with `all`). */
  superseded: T[];
  /** Members that expire after the current pair but could not be chosen (judged on their own). */
  newerUnchosen: T[];
}

/** The identity of a certificate's rotation set: subject, issuer name, issuing CA key. */
export function rotationKey(cert: Pick<RotationMember, 'subject' | 'issuer' | 'authorityKeyIdentifier'>): string {
  return JSON.stringify([cert.subject, cert.issuer, cert.authorityKeyIdentifier ?? null]);
}

/** Whether a member could be presented now: valid today, its key proven, client authentication allowed. */
export function isPresentable(cert: RotationMember): boolean {
  return cert.keyMatch === true && cert.clientAuth && ['ok', 'expiring', 'urgent', 'critical'].includes(cert.level);
}

/**
 * The pair a set is judged on, and the pair a server should present: the newest
 * presentable one; else the newest with a proven key; else the newest whose key was
 * not checked; else the newest.
 */
export function currentPair<T extends RotationMember>(members: readonly T[]): T {
  const byExpiry = sortByExpiry(members);
  const latest = (ok: (c: T) => boolean) => byExpiry.filter(ok).at(-1);
  return (
    latest(isPresentable) ??
    latest((c) => c.keyMatch === true) ??
    latest((c) => c.keyMatch === null) ??
    (byExpiry.at(-1) as T)
  );
}

/** Group client certificates into rotation sets and choose each set's current pair. */
export function rotationSets<T extends RotationMember>(certificates: readonly T[], options: { all?: boolean } = {}): RotationSet<T>[] {
  const groups = new Map<string, T[]>();
  for (const cert of certificates) {
    if (cert.isCA) continue;
    const key = rotationKey(cert);
    const list = groups.get(key);
    if (list) list.push(cert);
    else groups.set(key, [cert]);
  }
  return [...groups.values()].map((group, index) => {
    const members = sortByExpiry(group);
    const newest = members.at(-1) as T;
    const current = options.all ? newest : currentPair(members);
    const later = (c: T) => c.fingerprintSha256 !== current.fingerprintSha256 && Date.parse(c.notAfter) > Date.parse(current.notAfter);
    const superseded = options.all
      ? []
      : members.filter((c) => c.fingerprintSha256 !== current.fingerprintSha256 && Date.parse(c.notAfter) <= Date.parse(current.notAfter));
    return {
      id: index + 1,
      subject: current.subject,
      issuer: current.issuer,
      authorityKeyIdentifier: current.authorityKeyIdentifier,
      members,
      current,
      superseded,
      newerUnchosen: members.filter(later),
    };
  });
}

function sortByExpiry<T extends RotationMember>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter));
}
