/**
 * Private keys in every form the console's users hold: PKCS#8, PKCS#1 (RSA), SEC1
 * (EC), Ed25519, encrypted PKCS#8, legacy `Proc-Type: 4,ENCRYPTED` PEM, and DER.
 * Loading is node:crypto's; this module decides the format, names problems in words,
 * and keeps the key material inside a KeyObject: nothing here returns or prints it.
 */
import { createHash, createPrivateKey, createPublicKey, hash, type KeyObject } from 'node:crypto';
import { describePublicKey, type PublicKeyInfo } from './certificate.js';
import { keyDerivationOf, publicKeyOfPrivateKey } from './der.js';
import { fileProblem } from './errors.js';
import { toPem, type PemBlock } from './pem.js';

export type KeyFormat = 'pkcs8' | 'pkcs1' | 'sec1' | 'pkcs8-encrypted' | 'pkcs1-encrypted' | 'pkcs8-der' | 'pkcs1-der' | 'sec1-der';

/** An undecoded key: where it came from and in what format. */
export interface KeyBlock {
  source: string;
  format: KeyFormat;
  encrypted: boolean;
  /** PEM text, for keys read from PEM (legacy encryption lives in its headers). */
  pem?: string;
  /** DER bytes of the key structure (for encrypted PKCS#8, of the encrypted structure). */
  der: Buffer;
}

export interface LoadedKey {
  source: string;
  format: KeyFormat;
  encrypted: boolean;
  publicKey: PublicKeyInfo;
  /** DER SubjectPublicKeyInfo of the key's public half. */
  spki: Buffer;
  /** SHA-256 of the public key (SPKI): safe to show, identifies the key. */
  publicKeyFingerprintSha256: string;
  /** The key as a node KeyObject (made on first use: loading costs ~1 ms). */
  keyObject(): KeyObject;
  /**
   * An unencrypted EC key read without OpenSSL: its private scalar and curve (OpenSSL's
   * name), for the proof of possession. Secret: never for output.
   */
  ecPrivateScalar?(): { curve: string; scalar: Buffer } | undefined;
  /**
   * The key as PEM text TLS loads without a passphrase: an unencrypted key as it was
   * read, an encrypted one decrypted (PKCS#8). Secret: for TLS only, never for output.
   */
  pemForTls(): string;
  /** How the key's file is exposed, when it came from a file (set by the input layer). */
  file?: KeyFileFacts;
}

export interface KeyFileFacts {
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Inside a git work tree and not ignored; null when git could not say (see gitUnknown). */
  unignoredInGit: boolean | null;
  /** Why git could not say whether the file is ignored. */
  gitUnknown?: string;
}

const KEY_LABELS: Record<string, KeyFormat> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'ENCRYPTED PRIVATE KEY': 'pkcs8-encrypted',
};

export function isKeyLabel(label: string): boolean {
  return label in KEY_LABELS;
}

export function keyBlockFromPem(block: PemBlock, source: string): KeyBlock {
  let format = KEY_LABELS[block.label];
  if (format === undefined) throw new Error(`not a key label: ${block.label}`);
  const legacyEncrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
  if (legacyEncrypted) format = 'pkcs1-encrypted';
  const encrypted = format.endsWith('-encrypted');
  // Encrypted keys are decrypted from PEM (legacy encryption lives in its headers).
  return { source, format, encrypted, der: block.der, ...(encrypted ? { pem: block.pem } : {}) };
}

/** Try a DER blob as an unencrypted private key; undefined when it is none. */
export function keyBlockFromDer(der: Buffer, source: string): KeyBlock | undefined {
  const types = ['pkcs8', 'pkcs1', 'sec1'] as const;
  const fast = types.find((type) => publicKeyOfPrivateKey(der, type) !== undefined);
  if (fast) return { source, format: `${fast}-der`, encrypted: false, der };
  for (const type of types) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return { source, format: `${type}-der`, encrypted: false, der };
    } catch {
      // not this one
    }
  }
  return undefined;
}

function derType(format: KeyFormat): 'pkcs8' | 'pkcs1' | 'sec1' {
  return format.replace(/-der$|-encrypted$/, '') as 'pkcs8' | 'pkcs1' | 'sec1';
}

/**
 * The most PBKDF2 iterations (or PBES1 iterations, or scrypt N·r·p) an encrypted key may
 * ask for. OpenSSL writes 2,048 by default, Java's keytool 10,000, OWASP's advice for
 * PBKDF2-SHA256 is 600,000; 10,000,000 takes ~2.7 s here (1,000,000 SHA-256 iterations:
 * 0.27 s). A key asking for more would keep a run busy for minutes or years.
 */
export const MAX_KEY_DERIVATION_COST = 10_000_000;

/** Whether an encrypted key asks for more work than MAX_KEY_DERIVATION_COST; throws naming it if so. */
export function checkKeyDerivation(block: KeyBlock): void {
  if (block.format !== 'pkcs8-encrypted') return;
  const derivation = keyDerivationOf(block.der);
  if (derivation && !(derivation.cost <= MAX_KEY_DERIVATION_COST)) {
    const amount = Number.isFinite(derivation.cost) ? derivation.cost.toLocaleString('en-US') : 'more than 2^48';
    const what = derivation.kdf === 'scrypt' ? `an scrypt cost of ${amount}` : `${amount} ${derivation.kdf === 'pbkdf2' ? 'PBKDF2 ' : ''}iterations`;
    throw fileProblem(
      'too-many-iterations',
      block.source,
      `the encrypted private key asks for ${what} to decrypt (at most ${MAX_KEY_DERIVATION_COST.toLocaleString('en-US')} are accepted): it would take minutes or more`,
      're-encrypt it with `openssl pkcs8 -topk8 -iter 600000` (or store it unencrypted with mode 600)',
    );
  }
}

export function loadPrivateKey(block: KeyBlock, passphrase?: string): LoadedKey {
  if (block.encrypted) checkKeyDerivation(block);
  if (block.encrypted && (passphrase === undefined || passphrase === '')) {
    throw fileProblem(
      'encrypted-key',
      block.source,
      'the private key is encrypted and no passphrase was given',
      'set AITOSS_KEY_PASSPHRASE, name a variable with --passphrase-env NAME, or run on a terminal to be prompted',
    );
  }
  // An unencrypted key goes to TLS as it was read, as canonical PEM of its DER.
  const unencryptedPem = () => toPem(PEM_LABELS[derType(block.format)], block.der);
  if (!block.encrypted) {
    const derived = publicKeyOfPrivateKey(block.der, derType(block.format));
    if (derived) {
      let made: KeyObject | undefined;
      const keyObject = () => (made ??= createPrivateKey({ key: block.der, format: 'der', type: derType(block.format) }));
      const loaded = describeLoaded(block, derived.spki, derived.info, keyObject, unencryptedPem);
      const { ecPrivate } = derived;
      return ecPrivate ? { ...loaded, ecPrivateScalar: () => ecPrivate } : loaded;
    }
  }
  let keyObject: KeyObject;
  try {
    keyObject =
      block.pem !== undefined
        ? createPrivateKey({ key: block.pem, format: 'pem', passphrase })
        : createPrivateKey({ key: block.der, format: 'der', type: derType(block.format) });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (block.encrypted && /BAD_DECRYPT|INTERRUPTED_OR_CANCELLED|bad decrypt/i.test(`${code} ${(error as Error).message}`)) {
      throw fileProblem('wrong-passphrase', block.source, 'wrong passphrase for the encrypted private key', 'check AITOSS_KEY_PASSPHRASE or --passphrase-env', error);
    }
    throw fileProblem('damaged', block.source, `the private key could not be read${code ? ` (${code})` : ''}`, 'the file is damaged or not a private key; download it again', error);
  }
  const publicKeyObject = createPublicKey(keyObject);
  const spki = publicKeyObject.export({ type: 'spki', format: 'der' });
  const pem = block.encrypted ? () => keyObject.export({ format: 'pem', type: 'pkcs8' }).toString() : unencryptedPem;
  return describeLoaded(block, spki, describePublicKey(publicKeyObject), () => keyObject, pem);
}

/** The PEM label of each unencrypted key structure. */
const PEM_LABELS = { pkcs8: 'PRIVATE KEY', pkcs1: 'RSA PRIVATE KEY', sec1: 'EC PRIVATE KEY' } as const;

function describeLoaded(block: KeyBlock, spki: Buffer, publicKey: PublicKeyInfo, keyObject: () => KeyObject, pemForTls: () => string): LoadedKey {
  return {
    source: block.source,
    format: block.format,
    encrypted: block.encrypted,
    publicKey,
    spki,
    publicKeyFingerprintSha256: fingerprint(spki),
    keyObject,
    pemForTls,
  };
}

/**
 * Colon-separated upper-case SHA-256, the form OpenSSL and node print. crypto.hash()
 * (Node 20.12+) is the one-shot digest: ~0.5 ms less than a first createHash(), which
 * sets up a stream.
 */
export function fingerprint(der: Uint8Array): string {
  // Read at the call: undefined before Node 20.12.
  const hex = typeof hash === 'function' ? hash('sha256', der, 'hex') : createHash('sha256').update(der).digest('hex');
  return (hex.toUpperCase().match(/../g) as string[]).join(':');
}
