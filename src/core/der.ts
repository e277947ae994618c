/**
 * Just enough DER to pair keys with certificates fast: the SubjectPublicKeyInfo of a
 * certificate, and the public half of an unencrypted RSA or EC private key.
 *
 * Why by hand: OpenSSL 3.0's decoders (behind node's createPrivateKey and
 * KeyObject.export) cost ~0.75 ms per key and ~0.25 ms per export on these machines,
 * which alone would put a 1,000-pair folder past its one-second budget; walking the
 * few DER fields needed costs microseconds. Anything this module does not recognise
 * returns undefined and the caller falls back to node:crypto.
 */
import type { PublicKeyInfo } from './certificate.js';

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = buf[offset] as number;
  let length = buf[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[contentStart + i] as number);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) return undefined;
  return { tag, start: offset, contentStart, end };
}

/** The children of a constructed TLV. */
function children(buf: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(buf, offset, parent.end);
    if (!child) return undefined;
    out.push(child);
    offset = child.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;

const OIDS = {
  rsaEncryption: '2a864886f70d010101',
  ecPublicKey: '2a8648ce3d0201',
  ed25519: '2b6570',
  ed448: '2b6571',
} as const;
const CURVES: Record<string, string> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
};
/** The same curves by OpenSSL's names (node's createECDH). */
const OPENSSL_CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

const hex = (buf: Uint8Array, tlv: Tlv) => Buffer.from(buf.subarray(tlv.contentStart, tlv.end)).toString('hex');

/** The fields of a certificate's TBSCertificate, or undefined if the DER is unexpected. */
function tbsFields(der: Uint8Array): Tlv[] | undefined {
  const cert = readTlv(der, 0);
  if (!cert || cert.tag !== SEQUENCE) return undefined;
  const tbs = readTlv(der, cert.contentStart, cert.end);
  if (!tbs || tbs.tag !== SEQUENCE) return undefined;
  return children(der, tbs);
}

/** DER of the certificate's SubjectPublicKeyInfo, or undefined if the DER is unexpected. */
export function certificateSpki(der: Uint8Array): Buffer | undefined {
  const fields = tbsFields(der);
  if (!fields) return undefined;
  // [0] version is optional; then serial, signature, issuer, validity, subject, spki.
  const index = fields[0]?.tag === 0xa0 ? 6 : 5;
  const spki = fields[index];
  if (!spki || spki.tag !== SEQUENCE) return undefined;
  return Buffer.from(der.subarray(spki.start, spki.end));
}

/**
 * Whether DER is a PKCS#12 (.p12/.pfx) bundle: PFX ::= SEQUENCE { version 3, authSafe
 * ContentInfo (id-data or id-signedData), ... }.
 */
export function isPkcs12(der: Uint8Array): boolean {
  const top = readTlv(der, 0);
  if (!top || top.tag !== SEQUENCE) return false;
  const [version, authSafe] = children(der, top) ?? [];
  if (version?.tag !== INTEGER || hex(der, version) !== '03' || authSafe?.tag !== SEQUENCE) return false;
  const oid = readTlv(der, authSafe.contentStart, authSafe.end);
  return oid?.tag === OID && ['2a864886f70d010701', '2a864886f70d010702'].includes(hex(der, oid));
}

export interface DerivedPublicKey {
  spki: Buffer;
  info: PublicKeyInfo;
  /**
   * EC keys: the private scalar and OpenSSL's curve name, for the proof of possession
   * (d·G must be the certificate's point). Secret: never for output.
   */
  ecPrivate?: { curve: string; scalar: Buffer };
}

/**
 * The public key of an unencrypted private key (PKCS#8, PKCS#1 or SEC1 DER), built
 * without OpenSSL: RSA from its modulus and exponent, EC from the public point the
 * key carries. Undefined for other algorithms or keys without a stored public point.
 */
export function publicKeyOfPrivateKey(der: Uint8Array, format: 'pkcs8' | 'pkcs1' | 'sec1'): DerivedPublicKey | undefined {
  const top = readTlv(der, 0);
  if (!top || top.tag !== SEQUENCE || top.end !== der.length) return undefined;
  const fields = children(der, top);
  if (!fields) return undefined;
  if (format === 'pkcs1') return rsaFromPkcs1(der, fields);
  if (format === 'sec1') return ecFromSec1(der, fields, undefined);

  // PKCS#8: version, AlgorithmIdentifier, OCTET STRING privateKey, ...
  const [, algorithm, privateKey] = fields;
  if (!algorithm || algorithm.tag !== SEQUENCE || !privateKey || privateKey.tag !== OCTET_STRING) return undefined;
  const algorithmFields = children(der, algorithm);
  const oid = algorithmFields?.[0];
  if (!oid || oid.tag !== OID) return undefined;
  const inner = readTlv(der, privateKey.contentStart, privateKey.end);
  if (!inner || inner.tag !== SEQUENCE || inner.end !== privateKey.end) return undefined;
  const innerFields = children(der, inner);
  if (!innerFields) return undefined;
  if (hex(der, oid) === OIDS.rsaEncryption) return rsaFromPkcs1(der, innerFields);
  if (hex(der, oid) === OIDS.ecPublicKey) {
    const curve = algorithmFields?.[1];
    return ecFromSec1(der, innerFields, curve?.tag === OID ? curve : undefined);
  }
  return undefined;
}

/** Algorithm and size or curve of a SubjectPublicKeyInfo; undefined for algorithms not listed here. */
export function describeSpki(spki: Uint8Array): PublicKeyInfo | undefined {
  const top = readTlv(spki, 0);
  if (!top || top.tag !== SEQUENCE) return undefined;
  const [algorithm, bits] = children(spki, top) ?? [];
  if (!algorithm || algorithm.tag !== SEQUENCE || !bits || bits.tag !== 0x03) return undefined;
  const [oid, parameters] = children(spki, algorithm) ?? [];
  if (!oid || oid.tag !== OID) return undefined;
  switch (hex(spki, oid)) {
    case OIDS.rsaEncryption: {
      const key = readTlv(spki, bits.contentStart + 1, bits.end);
      const modulus = key?.tag === SEQUENCE ? readTlv(spki, key.contentStart, key.end) : undefined;
      return modulus?.tag === INTEGER ? { algorithm: 'RSA', size: integerBits(spki, modulus) } : undefined;
    }
    case OIDS.ecPublicKey: {
      const curve = parameters?.tag === OID ? CURVES[hex(spki, parameters)] : undefined;
      return curve ? { algorithm: 'EC', curve } : undefined;
    }
    case OIDS.ed25519:
      return { algorithm: 'Ed25519' };
    case OIDS.ed448:
      return { algorithm: 'Ed448' };
    default:
      return undefined;
  }
}

function integerBits(der: Uint8Array, integer: Tlv): number {
  let start = integer.contentStart;
  while (start < integer.end && der[start] === 0) start++;
  const first = der[start] ?? 0;
  return (integer.end - start - 1) * 8 + (first === 0 ? 0 : Math.floor(Math.log2(first)) + 1);
}

function rsaFromPkcs1(der: Uint8Array, fields: Tlv[]): DerivedPublicKey | undefined {
  const [version, modulus, exponent] = fields;
  if (version?.tag !== INTEGER || modulus?.tag !== INTEGER || exponent?.tag !== INTEGER) return undefined;
  const rsaPublicKey = encode(SEQUENCE, Buffer.concat([der.subarray(modulus.start, modulus.end), der.subarray(exponent.start, exponent.end)]));
  const algorithm = encode(SEQUENCE, Buffer.concat([encode(OID, Buffer.from(OIDS.rsaEncryption, 'hex')), Buffer.from([0x05, 0x00])]));
  const spki = encode(SEQUENCE, Buffer.concat([algorithm, encode(0x03, Buffer.concat([Buffer.from([0]), rsaPublicKey]))]));
  return { spki, info: { algorithm: 'RSA', size: integerBits(der, modulus) } };
}

function ecFromSec1(der: Uint8Array, fields: Tlv[], curveFromPkcs8: Tlv | undefined): DerivedPublicKey | undefined {
  // ECPrivateKey: version 1, OCTET STRING d, [0] parameters (curve OID), [1] BIT STRING public key
  const scalar = fields[1];
  if (scalar?.tag !== OCTET_STRING) return undefined;
  let curve = curveFromPkcs8;
  let point: Tlv | undefined;
  for (const field of fields.slice(2)) {
    if (field.tag === 0xa0) {
      const oid = readTlv(der, field.contentStart, field.end);
      if (oid?.tag === OID) curve = curve ?? oid;
    } else if (field.tag === 0xa1) {
      point = readTlv(der, field.contentStart, field.end);
    }
  }
  if (!curve || !point || point.tag !== 0x03) return undefined;
  const curveName = CURVES[hex(der, curve)];
  if (!curveName) return undefined;
  const algorithm = encode(SEQUENCE, Buffer.concat([encode(OID, Buffer.from(OIDS.ecPublicKey, 'hex')), der.subarray(curve.start, curve.end)]));
  const spki = encode(SEQUENCE, Buffer.concat([algorithm, der.subarray(point.start, point.end)]));
  const ecPrivate = { curve: OPENSSL_CURVES[curveName] as string, scalar: Buffer.from(der.subarray(scalar.contentStart, scalar.end)) };
  return { spki, info: { algorithm: 'EC', curve: curveName }, ecPrivate };
}

function encode(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else header = [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}

const PBES2 = '2a864886f70d01050d';
const PBKDF2 = '2a864886f70d01050c';
const SCRYPT = '2b06010401da47040b';
/** PKCS#5 v1.5 PBES1 (1.2.840.113549.1.5.x) and PKCS#12 PBE (1.2.840.113549.1.12.1.x) schemes: params are { salt, iterations }. */
const PBES1_PREFIXES = ['2a864886f70d0105', '2a864886f70d010c01'];

/** How the key of an encrypted PKCS#8 structure is derived from the passphrase. */
export interface KeyDerivation {
  kdf: 'pbkdf2' | 'pbes1' | 'scrypt';
  /** PBKDF2/PBES1 iterations, or scrypt's cost N times r times p; Infinity when it does not fit in 48 bits. */
  cost: number;
}

/**
 * Read the key derivation of an EncryptedPrivateKeyInfo (RFC 5958) without decrypting:
 * the iteration count decides how long decryption takes, and a file can ask for years.
 * Undefined for a structure or scheme not recognised here (OpenSSL then decides).
 */
export function keyDerivationOf(der: Uint8Array): KeyDerivation | undefined {
  const top = readTlv(der, 0);
  const fields = top && top.tag === SEQUENCE ? children(der, top) : undefined;
  const algorithm = fields?.[0]?.tag === SEQUENCE ? children(der, fields[0]) : undefined;
  const oid = algorithm?.[0];
  if (!algorithm || oid?.tag !== OID) return undefined;
  const scheme = hex(der, oid);
  const params = algorithm[1]?.tag === SEQUENCE ? children(der, algorithm[1]) : undefined;
  if (!params) return undefined;
  if (scheme === PBES2) {
    const kdf = params[0]?.tag === SEQUENCE ? children(der, params[0]) : undefined;
    const kdfOid = kdf?.[0];
    const kdfParams = kdf?.[1]?.tag === SEQUENCE ? children(der, kdf[1]) : undefined;
    if (!kdfOid || kdfOid.tag !== OID || !kdfParams) return undefined;
    const ints = kdfParams.slice(1).filter((t) => t.tag === INTEGER);
    if (hex(der, kdfOid) === PBKDF2 && ints[0]) return { kdf: 'pbkdf2', cost: unsigned(der, ints[0]) };
    if (hex(der, kdfOid) === SCRYPT && ints.length >= 3) {
      return { kdf: 'scrypt', cost: unsigned(der, ints[0]!) * unsigned(der, ints[1]!) * unsigned(der, ints[2]!) };
    }
    return undefined;
  }
  if (PBES1_PREFIXES.some((prefix) => scheme.startsWith(prefix)) && params[1]?.tag === INTEGER) {
    return { kdf: 'pbes1', cost: unsigned(der, params[1]) };
  }
  return undefined;
}

/** A DER INTEGER read as a non-negative number; Infinity beyond 48 bits. */
function unsigned(der: Uint8Array, integer: Tlv): number {
  let bytes = der.subarray(integer.contentStart, integer.end);
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > 6) return Infinity;
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

/** An X.509v3 extension as the certificate carries it. */
export interface RawExtension {
  /** Dotted OID, e.g. `2.5.29.37`. */
  oid: string;
  critical: boolean;
  /** Content of extnValue (the DER the OCTET STRING wraps). */
  value: Buffer;
}

/**
 * The extensions of a certificate in the order it carries them (duplicates kept: a
 * certificate that repeats one is invalid, and node's parser shows only one). Undefined
 * when the DER is unexpected; an empty list when there are none.
 */
export function certificateExtensions(der: Uint8Array): RawExtension[] | undefined {
  const fields = tbsFields(der);
  if (!fields) return undefined;
  const wrapper = fields.find((f) => f.tag === 0xa3);
  if (!wrapper) return [];
  const list = readTlv(der, wrapper.contentStart, wrapper.end);
  if (!list || list.tag !== SEQUENCE) return undefined;
  const out: RawExtension[] = [];
  for (const extension of children(der, list) ?? []) {
    const parts = extension.tag === SEQUENCE ? children(der, extension) : undefined;
    const [oid, second, third] = parts ?? [];
    if (!oid || oid.tag !== OID) return undefined;
    const critical = second?.tag === 0x01 && der[second.contentStart] !== 0;
    const value = second?.tag === OCTET_STRING ? second : third;
    if (!value || value.tag !== OCTET_STRING) return undefined;
    out.push({ oid: decodeOid(der.subarray(oid.contentStart, oid.end)), critical, value: Buffer.from(der.subarray(value.contentStart, value.end)) });
  }
  return out;
}

/**
 * The OIDs of an extendedKeyUsage value (SEQUENCE SIZE (1..MAX) OF KeyPurposeId), or
 * undefined when the value is not that: OpenSSL then rejects the certificate.
 */
export function extendedKeyUsageOids(value: Uint8Array): string[] | undefined {
  const top = readTlv(value, 0);
  if (!top || top.tag !== SEQUENCE || top.end !== value.length) return undefined;
  const items = children(value, top);
  if (!items || items.length === 0 || items.some((item) => item.tag !== OID || item.end === item.contentStart)) return undefined;
  return items.map((item) => decodeOid(value.subarray(item.contentStart, item.end)));
}

/** The keyIdentifier of an authorityKeyIdentifier value, as colon-separated upper-case hex. */
export function authorityKeyIdentifier(value: Uint8Array): string | undefined {
  const top = readTlv(value, 0);
  if (!top || top.tag !== SEQUENCE) return undefined;
  const keyId = children(value, top)?.find((f) => f.tag === 0x80);
  if (!keyId || keyId.end === keyId.contentStart) return undefined;
  const hexText = Buffer.from(value.subarray(keyId.contentStart, keyId.end)).toString('hex').toUpperCase();
  return (hexText.match(/../g) as string[]).join(':');
}

/** The public key bytes of a SubjectPublicKeyInfo (the BIT STRING's content after its unused-bits byte). */
export function spkiPublicKeyBytes(spki: Uint8Array): Buffer | undefined {
  const top = readTlv(spki, 0);
  if (!top || top.tag !== SEQUENCE) return undefined;
  const bits = children(spki, top)?.[1];
  if (!bits || bits.tag !== 0x03 || bits.end - bits.contentStart < 2) return undefined;
  return Buffer.from(spki.subarray(bits.contentStart + 1, bits.end));
}

function decodeOid(bytes: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

// --- Names --------------------------------------------------------------------------------------

/**
 * The DER of a certificate's issuer and subject Names (tag and length included): the
 * bytes a TLS CertificateRequest lists in certificate_authorities. Undefined if the DER
 * is unexpected.
 */
export function certificateNamesDer(der: Uint8Array): { issuer: Buffer; subject: Buffer } | undefined {
  const fields = tbsFields(der);
  if (!fields) return undefined;
  // [0] version is optional; then serial, signature, issuer, validity, subject.
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  if (!issuer || issuer.tag !== SEQUENCE || !subject || subject.tag !== SEQUENCE) return undefined;
  return { issuer: Buffer.from(der.subarray(issuer.start, issuer.end)), subject: Buffer.from(der.subarray(subject.start, subject.end)) };
}

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function decodeString(tag: number, bytes: Buffer): string {
  switch (tag) {
    case 0x0c: // UTF8String
      return bytes.toString('utf8');
    case 0x1e: // BMPString
      if (bytes.length % 2 !== 0) return `#${bytes.toString('hex')}`;
      return Buffer.from(bytes).swap16().toString('utf16le');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString
      return bytes.toString('latin1');
    default:
      return `#${bytes.toString('hex')}`;
  }
}

/**
 * A DER Name as `CN=…, O=…` in encoded order, the way OpenSSL prints it on one line
 * (`#hex` of the whole Name when it is not a Name). The text is the server's: renderers
 * escape it.
 */
export function formatDerName(der: Uint8Array): string {
  const whole = `#${Buffer.from(der).toString('hex')}`;
  const name = readTlv(der, 0);
  if (!name || name.tag !== SEQUENCE || name.end !== der.length) return whole;
  const sets = children(der, name);
  if (!sets) return whole;
  const parts: string[] = [];
  for (const set of sets) {
    const attributes = children(der, set);
    if (!attributes) return whole;
    for (const attribute of attributes) {
      const [oid, value] = children(der, attribute) ?? [];
      if (!oid || oid.tag !== OID || !value) return whole;
      const type = decodeOid(der.subarray(oid.contentStart, oid.end));
      parts.push(`${NAME_ATTRIBUTES[type] ?? type}=${decodeString(value.tag, Buffer.from(der.subarray(value.contentStart, value.end)))}`);
    }
  }
  return parts.join(', ');
}
