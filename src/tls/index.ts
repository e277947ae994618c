// The network core of `aitoss ping`: one mTLS attempt with timings and a diagnosis.
export { probe, proxyFor, redactUrl, ProxySettingError } from './probe.js';
export { classifyError, classifyHttpResponse, timeoutFailure, abortedFailure, NO_CLIENT_CERT_HINT } from './diagnose.js';
export type { DiagnosisContext } from './diagnose.js';
export { alertFromError, alertName } from './alerts.js';
export type {
  ChainCertificate,
  FailurePhase,
  LookupFunction,
  ProbeAddress,
  ProbeFailure,
  ProbeOptions,
  ProbePhase,
  ProbeResult,
  ProbeTimings,
  TlsAlert,
  TlsInfo,
} from './types.js';
