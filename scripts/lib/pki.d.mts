// Types for pki.mjs (a plain ESM script shared by `npm run fixtures` and the tests).
import type { KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export type KeyType = 'rsa' | 'ec' | 'ed25519';

export interface KeyPair {
  type: KeyType;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function createKeyPair(type: KeyType, options?: { bits?: number }): KeyPair;

export function issueCertificate(o: {
  subject: string;
  keyPair: KeyPair;
  issuer?: { cert: x509.X509Certificate; keyPair: KeyPair };
  notBefore: Date;
  notAfter: Date;
  serial: number | string;
  ca?: boolean;
  eku?: Array<'clientAuth' | 'serverAuth'>;
  san?: { dns?: string[]; ip?: string[] };
}): Promise<x509.X509Certificate>;

export type KeyFormat = 'pkcs8' | 'pkcs1' | 'sec1' | 'pkcs8-der' | 'pkcs8-encrypted' | 'pkcs1-encrypted';

export function exportPrivateKey(pair: KeyPair, format: KeyFormat, passphrase?: string): string | Buffer;

export function keyPairFromPem(pem: string, type?: KeyType): KeyPair;

export function addDays(date: Date, days: number): Date;

export { x509 };
