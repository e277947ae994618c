/**
 * Pairing certificates with private keys by public key (SubjectPublicKeyInfo), not by
 * file name, so a download folder holding several generations just works. Bundles are
 * split into leaves and the intermediates that travel with them.
 */
import { basename, dirname, extname, join } from 'node:path';
import type { CertificateFacts } from './certificate.js';
import type { LoadedKey } from './private-key.js';

export interface CertificateFile {
  source: string;
  /** The file's certificates in file order. */
  certificates: CertificateFacts[];
}

/** A certificate and key the user named together (`--cert` with `--key`). */
export interface ExplicitPair {
  certSource: string;
  keySource: string;
}

export interface ChainLink {
  certificate: CertificateFacts;
  /** 1-based position in the source file. */
  position: number;
  /** Whether this certificate issued the leaf (signature and names). */
  issuedLeaf: boolean;
}

export interface PairedCertificate {
  source: string;
  leaf: CertificateFacts;
  /** 1-based position of the leaf in its file. */
  position: number;
  /** CA certificates that came in the same file (a leaf + intermediates bundle). */
  chain: ChainLink[];
  /** A CA certificate stood before the leaf: TLS stacks take the first block as the leaf. */
  leafNotFirst: boolean;
  /** The matching key, or the key the user meant for it when that key does not match. */
  key: LoadedKey | undefined;
  /** true: key matches; false: the key meant for it does not match; null: no key found. */
  keyMatch: boolean | null;
}

export interface Pairing {
  pairs: PairedCertificate[];
  /** Keys that match no certificate and were not meant for one. */
  unpairedKeys: LoadedKey[];
}

export function pairCertificates(
  certificateFiles: readonly CertificateFile[],
  keys: readonly LoadedKey[],
  explicit: readonly ExplicitPair[] = [],
): Pairing {
  const keysBySpki = new Map<string, LoadedKey[]>();
  for (const key of keys) {
    const id = key.spki.toString('base64');
    const list = keysBySpki.get(id);
    if (list) list.push(key);
    else keysBySpki.set(id, [key]);
  }
  const used = new Set<LoadedKey>();
  const pairs: PairedCertificate[] = [];

  for (const file of certificateFiles) {
    const entries = splitBundle(file);
    const meantKeySource = explicit.find((p) => p.certSource === file.source)?.keySource;
    for (const entry of entries) {
      const candidates = keysBySpki.get(entry.leaf.spki.toString('base64')) ?? [];
      let key: LoadedKey | undefined;
      let keyMatch: boolean | null = null;
      if (meantKeySource !== undefined) {
        key = candidates.find((k) => k.source === meantKeySource) ?? keys.find((k) => k.source === meantKeySource);
        keyMatch = key === undefined ? null : candidates.includes(key);
      } else if (candidates.length > 0) {
        key = candidates.find((k) => sameStem(k.source, file.source)) ?? candidates[0];
        keyMatch = true;
      }
      if (key) used.add(key);
      pairs.push({ ...entry, key, keyMatch });
    }
  }

  // A certificate and a key that match nothing but sit side by side under one name
  // (app.crt + app.key, or both in one file) were meant for each other: say they differ.
  for (const pair of pairs) {
    if (pair.keyMatch !== null) continue;
    const meant = keys.find((k) => !used.has(k) && (k.source === pair.source || sameStem(k.source, pair.source)));
    if (meant && !pairs.some((p) => p.keyMatch === true && p.key === meant)) {
      pair.key = meant;
      pair.keyMatch = false;
      used.add(meant);
    }
  }

  return { pairs, unpairedKeys: keys.filter((k) => !used.has(k)) };
}

/** Leaves of a file with the CA certificates that came with them. */
function splitBundle(file: CertificateFile): Array<Omit<PairedCertificate, 'key' | 'keyMatch'>> {
  const indexed = file.certificates.map((certificate, i) => ({ certificate, position: i + 1 }));
  const leaves = indexed.filter((c) => !c.certificate.isCA);
  // A file of CA certificates only (a CA's own file) reports each one as itself.
  if (leaves.length === 0) {
    return indexed.map((c) => ({ source: file.source, leaf: c.certificate, position: c.position, chain: [], leafNotFirst: false }));
  }
  const cas = indexed.filter((c) => c.certificate.isCA);
  const firstIsCa = indexed[0]?.certificate.isCA === true;
  return leaves.map((leaf) => ({
    source: file.source,
    leaf: leaf.certificate,
    position: leaf.position,
    chain: cas.map((ca) => ({
      certificate: ca.certificate,
      position: ca.position,
      issuedLeaf: issued(ca.certificate, leaf.certificate),
    })),
    leafNotFirst: firstIsCa,
  }));
}

function issued(issuer: CertificateFacts, subject: CertificateFacts): boolean {
  try {
    return subject.x509.checkIssued(issuer.x509) && subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** `dir/app.crt` and `dir/app.key` (or `app-cert.pem` / `app-key.pem`) share a stem. */
export function sameStem(a: string, b: string): boolean {
  return dirname(a) === dirname(b) && stem(a) === stem(b);
}

const stems = new Map<string, string>();
function stem(path: string): string {
  let cached = stems.get(path);
  if (cached === undefined) stems.set(path, (cached = computeStem(path)));
  return cached;
}

function computeStem(path: string): string {
  const name = basename(path, extname(path)).toLowerCase();
  return join(dirname(path), name.replace(/[-_.]?(cert|crt|certificate|key|private|privkey|public|pub|chain|fullchain)$/, ''));
}
