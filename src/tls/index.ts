// The network core of `aitoss ping`: one mTLS attempt with timings and a diagnosis.
export { probe, proxyFor, redactUrl, ProxySettingError } from './probe.js';
export { classifyError, classifyHttpResponse, judgeAnswer, notSentHint, timeoutFailure, abortedFailure, NO_CLIENT_CERT_HINT } from './diagnose.js';
export type { WireFacts } from './diagnose.js';
export type { DiagnosisContext } from './diagnose.js';
export { alertFromError, alertName } from './alerts.js';
export type {
  ChainCertificate,
  FailurePhase,
  FailureReason,
  NotSentCause,
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
