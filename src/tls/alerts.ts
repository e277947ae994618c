// TLS alert numbers and names (RFC 8446 §6, RFC 5246 §7.2, RFC 6066, RFC 7301), and how to
// recover the alert a peer sent from a Node/OpenSSL error.
import type { TlsAlert } from './types.js';

const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

const ALERT_NUMBERS: ReadonlyMap<string, number> = new Map(
  Object.entries(ALERT_NAMES).map(([n, name]) => [name, Number(n)]),
);

export function alertName(number: number): string {
  return ALERT_NAMES[number] ?? `alert_${number}`;
}

export function alertByName(name: string): TlsAlert | undefined {
  const number = ALERT_NUMBERS.get(name);
  return number === undefined ? undefined : { number, name };
}

/**
 * The alert a peer sent, from an OpenSSL error as Node reports it. Sources, most reliable first:
 * "SSL alert number N" in the message; the code (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA,
 * ERR_SSL_TLSV1_UNRECOGNIZED_NAME); the reason or message text ("tlsv13 alert certificate
 * required"). `https.request` reports some of these as EPROTO with the alert only in the message.
 */
export function alertFromError(err: { code?: unknown; message?: unknown; reason?: unknown }): TlsAlert | undefined {
  const message = typeof err.message === 'string' ? err.message : '';
  const numbered = /SSL alert number (\d+)/.exec(message);
  if (numbered?.[1]) {
    const number = Number(numbered[1]);
    return { number, name: alertName(number) };
  }
  const code = typeof err.code === 'string' ? err.code : '';
  // OpenSSL 3.0 says SSLV3_ALERT_…, newer releases (Node 22+) SSL/TLS_ALERT_….
  const fromCode = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_(?:ALERT_)?([A-Z_]+)$/.exec(code);
  if (fromCode?.[1]) {
    const alert = alertByName(fromCode[1].toLowerCase());
    if (alert) return alert;
  }
  const reason = typeof err.reason === 'string' ? err.reason : message;
  const fromText = /(?:sslv3|tlsv1|tlsv13|ssl\/tls) (?:alert )?([a-z ]+?)(?::|$)/.exec(reason);
  if (fromText?.[1]) return alertByName(fromText[1].trim().replace(/ /g, '_'));
  return undefined;
}
