import { describe, expect, it } from 'vitest';
import { x509 } from '../../scripts/lib/pki.mjs';
import { HandshakeRecorder } from '../../src/tls/handshake.js';

describe('HandshakeRecorder', () => {
  it('says "unknown" without data or on garbage, never throws', () => {
    expect(new HandshakeRecorder().observe()).toEqual({ requested: null });
    const recorder = new HandshakeRecorder();
    recorder.record(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect(recorder.observe().requested).toBeNull();
    const truncated = new HandshakeRecorder();
    truncated.record(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00]));
    expect(truncated.observe().requested).toBeNull();
  });

  it('finds a TLS 1.2 CertificateRequest and its CA names', () => {
    const ca = Buffer.from(new x509.Name('CN=Client CA').toArrayBuffer());
    const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
    const u24 = (n: number): Buffer => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
    const message = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
    const serverHello = Buffer.concat([u16(0x0303), Buffer.alloc(32, 1), Buffer.from([0]), u16(0xc02f), Buffer.from([0]), u16(0)]);
    const caList = Buffer.concat([u16(ca.length), ca]);
    const certificateRequest = Buffer.concat([Buffer.from([1, 1]), u16(2), u16(0x0403), u16(caList.length), caList]);
    const flight = Buffer.concat([message(2, serverHello), message(13, certificateRequest), message(14, Buffer.alloc(0))]);
    const record = Buffer.concat([Buffer.from([0x16, 0x03, 0x03]), u16(flight.length), flight]);
    const recorder = new HandshakeRecorder();
    // Split across chunks like TCP would.
    recorder.record(record.subarray(0, 7));
    recorder.record(record.subarray(7));
    expect(recorder.observe()).toEqual({ requested: true, acceptableCAs: ['CN=Client CA'], acceptableCAsDer: [ca.toString('hex')], signatureAlgorithms: [0x0403], version: 'TLSv1.2' });

    const without = Buffer.concat([message(2, serverHello), message(14, Buffer.alloc(0))]);
    const plain = new HandshakeRecorder();
    plain.record(Buffer.concat([Buffer.from([0x16, 0x03, 0x03]), u16(without.length), without]));
    expect(plain.observe()).toEqual({ requested: false, version: 'TLSv1.2' });
  });
});

describe('HandshakeRecorder on hostile bytes', () => {
  it('never throws and never claims a fact from garbage (fast-check)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 600 }), fc.boolean(), (server, client, withSecrets) => {
        const recorder = new HandshakeRecorder();
        recorder.record(Buffer.from(server));
        recorder.recordClient(Buffer.from(client));
        if (withSecrets) {
          for (const label of ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']) {
            recorder.keylog(Buffer.from(`${label} ${'00'.repeat(32)} ${'11'.repeat(32)}\n`));
          }
        }
        const observed = recorder.observe();
        expect([true, false, null]).toContain(observed.requested);
      }),
      { numRuns: 300 },
    );
  });

  it('a flipped byte in a TLS 1.2 CertificateRequest flight gives a fact or unknown, never an exception', () => {
    const ca = Buffer.from(new x509.Name('CN=Client CA').toArrayBuffer());
    const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
    const u24 = (n: number): Buffer => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
    const message = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
    const serverHello = Buffer.concat([u16(0x0303), Buffer.alloc(32, 1), Buffer.from([0]), u16(0xc02f), Buffer.from([0]), u16(0)]);
    const caList = Buffer.concat([u16(ca.length), ca]);
    const flight = Buffer.concat([message(2, serverHello), message(13, Buffer.concat([Buffer.from([1, 1]), u16(2), u16(0x0403), u16(caList.length), caList])), message(14, Buffer.alloc(0))]);
    const record = Buffer.concat([Buffer.from([0x16, 0x03, 0x03]), u16(flight.length), flight]);
    for (let i = 0; i < record.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const flipped = Buffer.from(record);
        flipped[i] = (flipped[i] ?? 0) ^ bit;
        const recorder = new HandshakeRecorder();
        recorder.record(flipped);
        expect(() => recorder.observe()).not.toThrow();
      }
    }
  });
});
