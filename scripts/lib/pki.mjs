// A small test PKI: keys from node:crypto, certificates signed with @peculiar/x509.
// Used by `npm run fixtures` (fixed dates) and by tests that need certificates valid
// against the real clock (TLS servers check the real time).
import 'reflect-metadata';
import { webcrypto, generateKeyPairSync, createPrivateKey, createPublicKey } from "node:crypto";
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const DAY_MS = 86_400_000;

/** Signing/import parameters for @peculiar/x509 per key type. */
const ALGORITHMS = {
  rsa: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ec: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  ed25519: { name: 'Ed25519' },
};

/**
 * Make a key pair. `type` is 'rsa' (2048 bits unless `bits`), 'ec' (P-256) or 'ed25519'.
 * Returns node KeyObjects plus the type, for `issueCertificate`.
 */
export function createKeyPair(type, { bits = 2048 } = {}) {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bits })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { type, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

async function toCryptoKeys(pair) {
  const alg = ALGORITHMS[pair.type];
  const importAlg = pair.type === 'rsa' ? { name: alg.name, hash: alg.hash } : alg;
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
    importAlg,
    true,
    ['sign'],
  );
  const usage = ['verify'];
  const publicKey = await webcrypto.subtle.importKey(
    'spki',
    pair.publicKey.export({ format: 'der', type: 'spki' }),
    importAlg,
    true,
    usage,
  );
  return { privateKey, publicKey };
}

/**
 * Issue a certificate.
 * @param {object} o
 * @param {string} o.subject  distinguished name, e.g. 'CN=app.example, O=Partner'
 * @param {{type:string, privateKey:import('node:crypto').KeyObject, publicKey:import('node:crypto').KeyObject}} o.keyPair  the subject's keys
 * @param {{cert: x509.X509Certificate, keyPair: object} | undefined} o.issuer  undefined = self-signed
 * @param {Date} o.notBefore
 * @param {Date} o.notAfter
 * @param {number|string} o.serial  positive integer or hex string
 * @param {boolean} [o.ca]
 * @param {Array<'clientAuth'|'serverAuth'>} [o.eku]  omitted for CAs unless given
 * @param {{dns?: string[], ip?: string[]}} [o.san]
 * @param {x509.Extension[]} [o.extraExtensions]  appended as given (hostile fixtures: duplicates, unknown critical ones)
 * @returns {Promise<x509.X509Certificate>}  use `.toString('pem')`
 */
export async function issueCertificate(o) {
  const subjectKeys = await toCryptoKeys(o.keyPair);
  const signerPair = o.issuer ? o.issuer.keyPair : o.keyPair;
  const signerKeys = o.issuer ? await toCryptoKeys(signerPair) : subjectKeys;
  const extensions = [];
  if (o.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    );
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          (o.keyPair.type === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0),
        true,
      ),
    );
  }
  if (o.eku && o.eku.length > 0) {
    const oids = { clientAuth: x509.ExtendedKeyUsage.clientAuth, serverAuth: x509.ExtendedKeyUsage.serverAuth };
    extensions.push(new x509.ExtendedKeyUsageExtension(o.eku.map((e) => oids[e]), false));
  }
  if (o.san) {
    const names = [
      ...(o.san.dns ?? []).map((value) => ({ type: 'dns', value })),
      ...(o.san.ip ?? []).map((value) => ({ type: 'ip', value })),
    ];
    extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(subjectKeys.publicKey));
  if (o.issuer) {
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(o.issuer.cert, false));
  }
  extensions.push(...(o.extraExtensions ?? []));
  const serial = typeof o.serial === 'number' ? o.serial.toString(16).padStart(2, '0') : o.serial;
  return x509.X509CertificateGenerator.create({
    serialNumber: serial.length % 2 ? `0${serial}` : serial,
    subject: o.subject,
    issuer: o.issuer ? o.issuer.cert.subject : o.subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    signingAlgorithm: ALGORITHMS[signerPair.type],
    publicKey: subjectKeys.publicKey,
    signingKey: signerKeys.privateKey,
    extensions,
  });
}

/** PEM of a private key in one of the formats users hold. */
export function exportPrivateKey(pair, format, passphrase) {
  const k = pair.privateKey;
  switch (format) {
    case 'pkcs8':
      return k.export({ format: 'pem', type: 'pkcs8' });
    case 'pkcs1':
      return k.export({ format: 'pem', type: 'pkcs1' });
    case 'sec1':
      return k.export({ format: 'pem', type: 'sec1' });
    case 'pkcs8-der':
      return k.export({ format: 'der', type: 'pkcs8' });
    case 'pkcs8-encrypted':
      return k.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase });
    case 'pkcs1-encrypted': // legacy "Proc-Type: 4,ENCRYPTED" PEM
      return k.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-256-cbc', passphrase });
    default:
      throw new Error(`unknown key format ${format}`);
  }
}

/** Reload a key pair from a PEM private key (e.g. a committed fixture CA key). */
export function keyPairFromPem(pem, type) {
  const privateKey = createPrivateKey(pem);
  const kind = privateKey.asymmetricKeyType === 'rsa' ? 'rsa' : privateKey.asymmetricKeyType === 'ec' ? 'ec' : 'ed25519';
  return { type: type ?? kind, privateKey, publicKey: createPublicKey(privateKey) };
}


export function addDays(date, days) {
  return new Date(date.getTime() + days * DAY_MS);
}

export { x509 };
