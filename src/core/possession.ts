/**
 * Proof that a private key belongs to a certificate. A key file carries its public half
 * next to its private parts, and nothing forces the two to agree: a file built from a
 * certificate alone (RSA with the certificate's n and e but d = p = q = 1, an EC key
 * with the certificate's point and another scalar) has the right public half and signs
 * nothing the certificate verifies; TLS then fails in the handshake. So the public half
 * only finds candidates (src/core/der.ts), and a pair is reported as matching only when
 * the private parts are shown to be the certificate's:
 *
 * - EC on P-256/P-384/P-521: the point computed from the private scalar (d·G, OpenSSL's
 *   ECDH) is the certificate's point. ECDSA signs with d alone, so this is the same proof
 *   as a signature, at a fifth of the cost of loading the key and signing.
 * - Every other key (RSA, RSA-PSS, Ed25519, Ed448, DSA, other curves): a fixed challenge
 *   signed with the private key verifies under the certificate's public key. For RSA
 *   this exercises what TLS uses (OpenSSL signs with the CRT parts and checks the result).
 *
 * Pure: no clock, no files. Anything that throws (a key OpenSSL refuses) is "not proven".
 */
import { createECDH, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto';
import { spkiPublicKeyBytes } from './der.js';
import type { LoadedKey } from './private-key.js';

/** What is signed: fixed, so the proof is reproducible; never output. */
const CHALLENGE = Buffer.from('aitoss: proof of possession of the private key for this certificate\n');

/** The certificate side of the proof: its SubjectPublicKeyInfo DER (a CertificateFacts is one). */
export interface ProofTarget {
  spki: Buffer;
}

const proofs = new WeakMap<LoadedKey, Map<string, boolean>>();

/**
 * Whether `key` is the private key of the certificate whose SubjectPublicKeyInfo is
 * `target.spki`: the public halves are equal AND the private parts produce that public
 * key (see above). Results are remembered per key and certificate key.
 */
export function provesPossession(key: LoadedKey, target: ProofTarget): boolean {
  if (!key.spki.equals(target.spki)) return false;
  const id = target.spki.toString('base64');
  let known = proofs.get(key);
  if (!known) proofs.set(key, (known = new Map()));
  let proven = known.get(id);
  if (proven === undefined) known.set(id, (proven = prove(key, target)));
  return proven;
}

function prove(key: LoadedKey, target: ProofTarget): boolean {
  try {
    const ec = key.ecPrivateScalar?.();
    if (ec) {
      const point = spkiPublicKeyBytes(target.spki);
      if (!point) return false;
      const ecdh = createECDH(ec.curve);
      ecdh.setPrivateKey(ec.scalar);
      const derived = ecdh.getPublicKey(undefined, point[0] === 0x04 ? 'uncompressed' : 'compressed');
      return derived.length === point.length && timingSafeEqual(derived, point);
    }
    const privateKey = key.keyObject();
    const publicKey = createPublicKey({ key: target.spki, format: 'der', type: 'spki' });
    // Ed25519 and Ed448 sign the message itself; the others a SHA-256 digest.
    const digest = privateKey.asymmetricKeyType === 'ed25519' || privateKey.asymmetricKeyType === 'ed448' ? null : 'sha256';
    return verify(digest, CHALLENGE, publicKey, sign(digest, CHALLENGE, privateKey));
  } catch {
    return false;
  }
}
