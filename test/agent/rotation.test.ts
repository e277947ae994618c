/**
 * Rotation without a restart, against a real mTLS server: a folder switching to the next
 * generation (new files beside the old, and a Kubernetes `..data` symlink swap) while a
 * bounded loop of concurrent requests runs. Zero requests may fail, and every request
 * started after the `rotated` event must present the new serial. A bad candidate keeps
 * the old pair and is announced as `rejected`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../scripts/lib/pki.mjs';
import { createMtlsAgent, type MtlsAgent, type MtlsRejectedEvent, type MtlsRotatedEvent } from '../../src/agent/index.js';
import { createAgentPki, get, kubernetesSecret, startMtlsServer, tempDir, until, writePair, type AgentPki, type MtlsServer, type Pair } from './helpers.js';

let pki: AgentPki;
let server: MtlsServer;
let gen1: Pair;
let gen2: Pair;
const open: MtlsAgent[] = [];

beforeAll(async () => {
  pki = await createAgentPki();
  server = await startMtlsServer(pki);
  const now = new Date();
  gen1 = await pki.client({ notBefore: addDays(now, -100) });
  gen2 = await pki.client({ notBefore: addDays(now, -1) });
});

afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
  await server.close();
});

async function watching(options: Parameters<typeof createMtlsAgent>[0]): Promise<MtlsAgent> {
  const mtls = await createMtlsAgent({ ca: pki.serverCa, watch: true, ...options });
  open.push(mtls);
  return mtls;
}

interface LoadResult {
  failures: unknown[];
  /** Serials of requests started after the rotation was announced. */
  afterRotation: string[];
  total: number;
}

/**
 * `workers` concurrent request loops, until `stop()` and at most `limit` requests each.
 * A request counts as "after the rotation" when it started after the `rotated` event.
 */
function load(mtls: MtlsAgent, workers = 8, limit = 400) {
  let rotatedAt = Number.POSITIVE_INFINITY;
  let stopping = false;
  const result: LoadResult = { failures: [], afterRotation: [], total: 0 };
  mtls.once('rotated', () => (rotatedAt = performance.now()));
  const loops = Array.from({ length: workers }, async () => {
    for (let i = 0; i < limit && !stopping; i++) {
      const started = performance.now();
      try {
        const serial = await get(server.url, mtls.agent);
        result.total += 1;
        if (started > rotatedAt) result.afterRotation.push(serial);
      } catch (error) {
        result.failures.push(error);
      }
    }
  });
  return {
    result,
    rotated: () => rotatedAt !== Number.POSITIVE_INFINITY,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return result;
    },
  };
}

describe('rotation under load', () => {
  it('switches to the next generation added beside the old one: no failed request, every later one presents the new serial', async () => {
    const dir = tempDir();
    writePair(dir, 'app-2025', gen1);
    const mtls = await watching({ dir });
    expect(mtls.status().serialNumber).toBe(gen1.serial);
    const rotations: MtlsRotatedEvent[] = [];
    mtls.on('rotated', (e) => rotations.push(e));
    const opened = server.connections.opened;

    const running = load(mtls);
    await until(() => running.result.total >= 40, 10_000, 'requests before the swap');
    writePair(dir, 'app-2026', gen2);
    await until(running.rotated, 10_000, 'the rotated event');
    await until(() => running.result.afterRotation.length >= 40, 10_000, 'requests after the swap');
    const result = await running.stop();

    expect(result.failures).toEqual([]);
    expect(new Set(result.afterRotation)).toEqual(new Set([gen2.serial]));
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).toMatchObject({ previous: { serialNumber: gen1.serial }, current: { serialNumber: gen2.serial, source: join(dir, 'app-2026.crt') } });
    expect(mtls.status()).toMatchObject({ serialNumber: gen2.serial, rotations: 1, watching: true });
    // Keep-alive did its work: far fewer connections than requests.
    expect(server.connections.opened - opened).toBeLessThan(result.total / 4);
    expect(mtls.metrics()).toMatch(/^aitoss_agent_rotations_total 1$/m);
  }, 60_000); // several waits of up to 10 s each: the bound is theirs, not the test default

  it('follows a Kubernetes Secret volume whose ..data symlink is swapped', async () => {
    const dir = tempDir();
    kubernetesSecret(dir, gen1, 1);
    const mtls = await watching({ cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') });
    expect(mtls.status()).toMatchObject({ serialNumber: gen1.serial, source: join(dir, 'tls.crt') });

    const running = load(mtls);
    await until(() => running.result.total >= 40, 10_000, 'requests before the swap');
    kubernetesSecret(dir, gen2, 2);
    await until(running.rotated, 10_000, 'the rotated event');
    await until(() => running.result.afterRotation.length >= 40, 10_000, 'requests after the swap');
    const result = await running.stop();

    expect(result.failures).toEqual([]);
    expect(new Set(result.afterRotation)).toEqual(new Set([gen2.serial]));
    expect(mtls.status().serialNumber).toBe(gen2.serial);
  }, 60_000);

  it('closes idle keep-alive connections that hold the old certificate', async () => {
    const dir = tempDir();
    writePair(dir, 'app', gen1);
    const mtls = await createMtlsAgent({ ca: pki.serverCa, dir });
    open.push(mtls);
    expect(await get(server.url, mtls.agent)).toBe(gen1.serial);
    const closedBefore = server.connections.closed;
    writePair(dir, 'app', gen2);
    expect((await mtls.reload()).outcome).toBe('rotated');
    await until(() => server.connections.closed > closedBefore, 5_000, 'the idle connection to close');
    expect(await get(server.url, mtls.agent)).toBe(gen2.serial);
  });

  it('rotates the undici dispatcher too, and close() lets a request in flight finish', async () => {
    const dir = tempDir();
    writePair(dir, 'app', gen1);
    const mtls = await createMtlsAgent({ ca: pki.serverCa, dir });
    const fetchSerial = async () => (await undiciFetch(server.url, { dispatcher: mtls.dispatcher as never })).text();
    expect(await fetchSerial()).toBe(gen1.serial);
    writePair(dir, 'app', gen2);
    expect((await mtls.reload()).outcome).toBe('rotated');
    expect(await fetchSerial()).toBe(gen2.serial);
    expect(await fetchSerial()).toBe(gen2.serial);
    const inFlight = get(server.url, mtls.agent);
    await mtls.close();
    expect(await inFlight).toBe(gen2.serial);
  });
});

describe('bad candidates', () => {
  it('keeps the current pair and emits rejected for a wrong key, an expired certificate and a half-written file', async () => {
    const dir = tempDir();
    writePair(dir, 'app', gen1);
    const mtls = await watching({ cert: join(dir, 'app.crt'), key: join(dir, 'app.key'), rescanIntervalMs: 60_000 });
    const rejected: MtlsRejectedEvent[] = [];
    mtls.on('rejected', (e) => rejected.push(e));
    const rotated: unknown[] = [];
    mtls.on('rotated', (e) => rotated.push(e));

    // A new certificate whose key has not arrived: the old key does not belong to it.
    writeFileSync(join(dir, 'app.crt'), gen2.cert);
    await until(() => rejected.length >= 1, 10_000, 'a rejected event (wrong key)');
    expect(rejected[0]).toMatchObject({ code: 'key-mismatch', source: join(dir, 'app.crt') });
    expect(rejected[0]!.message).toContain('does not belong to it');
    expect(rejected[0]!.message).toContain(`still presenting ${join(dir, 'app.crt')}`);
    expect(await get(server.url, mtls.agent)).toBe(gen1.serial);

    // Half-written: the PEM stops in the middle.
    writeFileSync(join(dir, 'app.crt'), gen2.cert.slice(0, 200));
    await until(() => rejected.length >= 2, 10_000, 'a rejected event (truncated file)');
    expect(rejected[1]!.message).not.toMatch(/\n/);
    expect(await get(server.url, mtls.agent)).toBe(gen1.serial);

    // Expired.
    const now = new Date();
    const expired = await pki.client({ notBefore: addDays(now, -500), notAfter: addDays(now, -3) });
    writeFileSync(join(dir, 'app.key'), expired.key);
    writeFileSync(join(dir, 'app.crt'), expired.cert);
    await until(() => rejected.some((r) => r.code === 'expired'), 10_000, 'a rejected event (expired)');
    expect(await get(server.url, mtls.agent)).toBe(gen1.serial);
    expect(mtls.status()).toMatchObject({ serialNumber: gen1.serial, rotations: 0, lastRejected: { code: 'expired' } });

    // The right pair at last.
    writeFileSync(join(dir, 'app.key'), gen2.key);
    writeFileSync(join(dir, 'app.crt'), gen2.cert);
    await until(() => rotated.length === 1, 10_000, 'the rotation to the good pair');
    expect(await get(server.url, mtls.agent)).toBe(gen2.serial);
  }, 60_000);

  it('in a folder, a newer generation with the wrong key is rejected while the current one stays', async () => {
    const dir = tempDir();
    writePair(dir, 'app-2025', gen1);
    const otherKey = (await pki.client()).key;
    const mtls = await createMtlsAgent({ ca: pki.serverCa, dir });
    open.push(mtls);
    const rejected: MtlsRejectedEvent[] = [];
    mtls.on('rejected', (e) => rejected.push(e));
    // No turn of the event loop since creation: the event still arrives before reload() resolves.
    writePair(dir, 'app-2026', { cert: gen2.cert, key: otherKey });
    const outcome = await mtls.reload();
    expect(outcome.outcome).toBe('rejected');
    expect(outcome.status.serialNumber).toBe(gen1.serial);
    expect(rejected.map((r) => r.code)).toEqual(['key-mismatch']);
    // Announced once: a rescan of the same files says nothing new.
    expect((await mtls.reload()).outcome).toBe('unchanged');
    expect(rejected).toHaveLength(1);
  });

  it('refuses to guess between two different apps\' certificates', async () => {
    const dir = tempDir();
    writePair(dir, 'app', gen1);
    writePair(dir, 'other', await pki.client({ subject: 'CN=another-app, O=Partner' }));
    await expect(createMtlsAgent({ ca: pki.serverCa, dir })).rejects.toMatchObject({ code: 'ambiguous' });
  });
});
