/**
 * Pairing certificates with private keys by public key (SubjectPublicKeyInfo), not by
 * file name, so a download folder holding several generations just works. Bundles are
 * split into leaves and the intermediates that travel with them. Equal public halves
 * only make a candidate: a pair matches when the key proves possession
 * (src/core/possession.ts).
 */
import { basename, dirname, extname, join } from 'node:path';
import type { CertificateFacts } from './certificate.js';
import { provesPossession } from './possession.js';
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
  /** true: its key is proven (keyStatus `proven`); false: `mismatch` or `not-proven`; null: no key found. */
  keyMatch: boolean | null;
  keyStatus: KeyStatus;
}

/**
 * - `proven`: the key's private parts are this certificate's (a signature or d·G);
 * - `mismatch`: the key meant for it (named with it, beside it under the same name, or
 *   the one key and the one certificate of the inputs) is another certificate's;
 * - `not-proven`: the key carries this certificate's public key, but its private parts
 *   do not produce it (a forged or damaged key file);
 * - `none`: no key among the inputs is meant for it.
 */
export type KeyStatus = 'proven' | 'mismatch' | 'not-proven' | 'none';

export function keyMatchOf(status: KeyStatus): boolean | null {
  return status === 'proven' ? true : status === 'none' ? null : false;
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
      const proven = (k: LoadedKey) => provesPossession(k, entry.leaf);
      let key: LoadedKey | undefined;
      let keyStatus: KeyStatus = 'none';
      if (meantKeySource !== undefined) {
        key = candidates.find((k) => k.source === meantKeySource) ?? keys.find((k) => k.source === meantKeySource);
        if (key) keyStatus = !candidates.includes(key) ? 'mismatch' : proven(key) ? 'proven' : 'not-proven';
      } else if (candidates.length > 0) {
        const byStem = [...candidates].sort((a, b) => Number(sameStem(b.source, file.source)) - Number(sameStem(a.source, file.source)));
        key = byStem.find(proven);
        keyStatus = key ? 'proven' : 'not-proven';
        key ??= byStem[0];
      }
      if (key) used.add(key);
      pairs.push({ ...entry, key, keyMatch: keyMatchOf(keyStatus), keyStatus });
    }
  }

  // A certificate and a key that match nothing but sit side by side under one name
  // (app.crt + app.key, or both in one file) were meant for each other: say they differ.
  // So were the one client certificate without a key and the one key without a
  // certificate of the inputs (`cert check app.crt other.key`).
  const keyless = () => pairs.filter((p) => p.keyStatus === 'none' && !p.leaf.isCA);
  const unused = () => keys.filter((k) => !used.has(k));
  const meantFor = (pair: PairedCertificate, meant: LoadedKey) => {
    pair.key = meant;
    pair.keyStatus = 'mismatch';
    pair.keyMatch = false;
    used.add(meant);
  };
  for (const pair of keyless()) {
    const meant = unused().find((k) => k.source === pair.source || sameStem(k.source, pair.source));
    if (meant) meantFor(pair, meant);
  }
  const [onlyPair, ...otherPairs] = keyless();
  const [onlyKey, ...otherKeys] = unused();
  if (onlyPair && onlyKey && otherPairs.length === 0 && otherKeys.length === 0) meantFor(onlyPair, onlyKey);

  return { pairs, unpairedKeys: keys.filter((k) => !used.has(k)) };
}

/** Leaves of a file with the CA certificates that came with them. */
function splitBundle(file: CertificateFile): Array<Omit<PairedCertificate, 'key' | 'keyMatch' | 'keyStatus'>> {
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
