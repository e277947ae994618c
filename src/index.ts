/**
 * The library API: everything the CLI does, usable without the CLI.
 */
export { AitossError } from './core/errors.js';
export { decodeInput, parsePem, type PemBlock, type DecodedInput } from './core/pem.js';
export { parseCertificate, type CertificateFacts, type PublicKeyInfo } from './core/certificate.js';
export { loadPrivateKey, keyBlockFromPem, keyBlockFromDer, type KeyBlock, type LoadedKey } from './core/private-key.js';
export { readSourceContents, type SourceContents } from './core/credentials.js';
export { pairCertificates, type Pairing, type PairedCertificate, type CertificateFile, type KeyStatus } from './core/pairing.js';
export { provesPossession, type ProofTarget } from './core/possession.js';
export { rotationSets, currentPair, isPresentable, rotationKey, type RotationSet, type RotationMember } from './core/rotation.js';
export { escapeControlCharacters } from './core/errors.js';
export * from './core/lifecycle.js';
export {
  buildReport,
  reportCertificate,
  withRotation,
  statusOf,
  STATUS_ORDER,
  SCHEMA_VERSION,
  type InspectReport,
  type CertificateReport,
  type KeyReport,
  type Problem,
  type Status,
  type RotationSetSummary,
} from './core/report.js';
export { loadCredentials, type Credentials, type CredentialRequest } from './input/credentials.js';
export {
  checkReport,
  REASON_CODES,
  type CheckOptions,
  type CheckReport,
  type CheckedCertificate,
  type ReasonCode,
  type RotationSetReport,
} from './core/verdict.js';
export { resolveSettings, credentialRequest, type Settings, type Setting, type SettingFlags } from './config/settings.js';
export { renderGithub, renderSummaryMarkdown } from './render/github.js';
export { renderPrometheus } from './render/prometheus.js';
export { main } from './cli.js';
export { probe, proxyFor, classifyError, classifyHttpResponse } from './tls/index.js';
export type { ProbeOptions, ProbeResult, ProbeFailure } from './tls/types.js';
export { buildPingReport, type PingReport } from './core/ping-report.js';
