/**
 * createMtlsAgent against a real mTLS server on loopback: every client the README names
 * (node:https, axios, got, undici's fetch), keep-alive, server verification that cannot
 * be turned off, and validation at creation with the CLI's rules and typed errors.
 */
import https from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import got from 'got';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, createKeyPair, exportPrivateKey } from '../../scripts/lib/pki.mjs';
import { createMtlsAgent, MtlsAgentError, type MtlsAgent } from '../../src/agent/index.js';
import { createAgentPki, get, startMtlsServer, tempDir, type AgentPki, type MtlsServer, type Pair } from './helpers.js';

let pki: AgentPki;
let server: MtlsServer;
let pair: Pair;
const open: MtlsAgent[] = [];

beforeAll(async () => {
  pki = await createAgentPki();
  server = await startMtlsServer(pki);
  pair = await pki.client();
});

afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
  await server.close();
});

async function agentFor(options: Parameters<typeof createMtlsAgent>[0]): Promise<MtlsAgent> {
  const mtls = await createMtlsAgent({ ca: pki.serverCa, ...options });
  open.push(mtls);
  return mtls;
}

/** The error createMtlsAgent rejects with; fails the test when it resolves. */
async function creationError(options: Parameters<typeof createMtlsAgent>[0]): Promise<MtlsAgentError> {
  try {
    const mtls = await createMtlsAgent({ ca: pki.serverCa, ...options });
    await mtls.close();
  } catch (error) {
    expect(error).toBeInstanceOf(MtlsAgentError);
    return error as MtlsAgentError;
  }
  throw new Error('createMtlsAgent resolved; an MtlsAgentError was expected');
}

const keyBody = (key: string) => key.split('\n').filter((l) => l && !l.startsWith('-----'))[1] as string;

describe('createMtlsAgent: clients', () => {
  it('presents the certificate through node:https and reuses the connection (keep-alive)', async () => {
    const mtls = await agentFor({ cert: pair.cert, key: pair.key });
    const opened = server.connections.opened;
    expect(await get(server.url, mtls.agent)).toBe(pair.serial);
    expect(await get(server.url, mtls.agent)).toBe(pair.serial);
    expect(await get(server.url, mtls.agent)).toBe(pair.serial);
    expect(server.connections.opened - opened).toBe(1);
    expect(mtls.status()).toMatchObject({ ok: true, level: 'ok', serialNumber: pair.serial, source: 'options.cert', keySource: 'options.key', rotations: 0, warnings: [] });
  });

  it('works as axios httpsAgent, got agent.https and undici fetch dispatcher', async () => {
    const mtls = await agentFor({ cert: pair.cert, key: pair.key });
    const viaAxios = await axios.get(server.url, { httpsAgent: mtls.agent, proxy: false, responseType: 'text' });
    expect(viaAxios.data).toBe(pair.serial);
    const viaGot = await got(server.url, { agent: { https: mtls.agent }, retry: { limit: 0 } }).text();
    expect(viaGot).toBe(pair.serial);
    const viaFetch = await undiciFetch(server.url, { dispatcher: mtls.dispatcher as never });
    expect(await viaFetch.text()).toBe(pair.serial);
    // undici keeps its connections too (it may open a second one while the first is
    // being returned to its pool, as a plain undici Agent does): the third fetch opens none.
    expect(await (await undiciFetch(server.url, { dispatcher: mtls.dispatcher as never })).text()).toBe(pair.serial);
    const opened = server.connections.opened;
    expect(await (await undiciFetch(server.url, { dispatcher: mtls.dispatcher as never })).text()).toBe(pair.serial);
    expect(server.connections.opened).toBe(opened);
  });

  it('reads files, env:NAME with raw, \\n-escaped and base64 PEM, and Buffers', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.crt'), pair.cert);
    writeFileSync(join(dir, 'app.key'), pair.key, { mode: 0o600 });
    const env = {
      CERT_RAW: pair.cert,
      KEY_ESCAPED: pair.key.replace(/\n/g, '\\n'),
      CERT_B64: Buffer.from(pair.cert).toString('base64'),
      KEY_B64: Buffer.from(pair.key).toString('base64'),
    };
    const forms = [
      { cert: join(dir, 'app.crt'), key: join(dir, 'app.key') },
      { cert: 'env:CERT_RAW', key: 'env:KEY_ESCAPED' },
      { cert: 'env:CERT_B64', key: 'env:KEY_B64' },
      { cert: Buffer.from(pair.cert), key: Buffer.from(pair.key) },
    ];
    for (const form of forms) {
      const mtls = await agentFor({ ...form, env });
      expect(await get(server.url, mtls.agent)).toBe(pair.serial);
      await mtls.close();
    }
  });

  it('decrypts a key with the passphrase option or AITOSS_KEY_PASSPHRASE, and never prompts', async () => {
    const encrypted = String(exportPrivateKey(pair.keyPair, 'pkcs8-encrypted', 's3cret'));
    const viaOption = await agentFor({ cert: pair.cert, key: encrypted, passphrase: 's3cret' });
    expect(await get(server.url, viaOption.agent)).toBe(pair.serial);
    const viaEnv = await agentFor({ cert: pair.cert, key: encrypted, env: { AITOSS_KEY_PASSPHRASE: 's3cret' } });
    expect(await get(server.url, viaEnv.agent)).toBe(pair.serial);
    const missing = await creationError({ cert: pair.cert, key: encrypted, env: {} });
    expect(missing.message).toMatch(/encrypted and no passphrase/);
    const wrong = await creationError({ cert: pair.cert, key: encrypted, passphrase: 'nope' });
    expect(wrong.message).toMatch(/wrong passphrase/);
  });
});

describe('createMtlsAgent: several pairs', () => {
  it('presents the current pair of several (the newest valid one with its key), as cert check judges it', async () => {
    const now = new Date();
    const older = await pki.client({ notBefore: addDays(now, -200) });
    const newer = await pki.client({ notBefore: addDays(now, -3) });
    const future = await pki.client({ notBefore: addDays(now, 10) });
    const mtls = await agentFor({ pairs: [older, future, newer].map(({ cert, key }) => ({ cert, key })) });
    expect(mtls.status()).toMatchObject({ serialNumber: newer.serial, source: 'options.pairs[2].cert' });
    expect(await get(server.url, mtls.agent)).toBe(newer.serial);
  });
});

describe('createMtlsAgent: the server is always verified', () => {
  it('refuses a server it does not trust, even when a request asks rejectUnauthorized: false', async () => {
    const mtls = await agentFor({ cert: pair.cert, key: pair.key, ca: pki.clientCa });
    await expect(get(server.url, mtls.agent)).rejects.toThrow(/self[- ]signed|unable to verify|UNABLE_TO_VERIFY|certificate/i);
    await expect(get(server.url, mtls.agent, { rejectUnauthorized: false })).rejects.toThrow(/self[- ]signed|unable to verify|UNABLE_TO_VERIFY|certificate/i);
    await expect(axios.get(server.url, { httpsAgent: mtls.agent, proxy: false })).rejects.toThrow();
  });

  it('rejects options that would turn verification off or replace the identity', async () => {
    const off = await creationError({ cert: pair.cert, key: pair.key, rejectUnauthorized: false } as never);
    expect(off.code).toBe('option');
    expect(off.message).toMatch(/cannot be turned off/);
    const nested = await creationError({ cert: pair.cert, key: pair.key, agentOptions: { rejectUnauthorized: false } as never });
    expect(nested.code).toBe('option');
    expect((await creationError({ cert: pair.cert } as never)).code).toBe('option');
    expect((await creationError({} as never)).code).toBe('option');
  });

  it('checks the server name against servername', async () => {
    const wrongName = await agentFor({ cert: pair.cert, key: pair.key, servername: 'api.example.test' });
    await expect(get(server.url, wrongName.agent)).rejects.toThrow(/altnames|does not match|Hostname/i);
    const rightName = await agentFor({ cert: pair.cert, key: pair.key, servername: 'localhost' });
    expect(await get(`https://127.0.0.1:${server.port}/`, rightName.agent)).toBe(pair.serial);
  });
});

describe('createMtlsAgent: validation at creation', () => {
  it('turns down a key that is not the certificate\'s, with a one-line message and no key material', async () => {
    const other = await pki.client();
    const error = await creationError({ cert: pair.cert, key: other.key });
    expect(error.code).toBe('key-mismatch');
    expect(error.message).toBe('options.cert: the key options.key does not belong to it');
    expect(error.message).not.toContain(keyBody(other.key));
    expect(JSON.stringify(error)).not.toContain(keyBody(other.key));
  });

  it('turns down an expired, a not yet valid and a server-only certificate', async () => {
    const now = new Date();
    const expired = await pki.client({ notBefore: addDays(now, -400), notAfter: addDays(now, -10) });
    expect((await creationError({ cert: expired.cert, key: expired.key })).code).toBe('expired');
    const future = await pki.client({ notBefore: addDays(now, 5), notAfter: addDays(now, 395) });
    const notYet = await creationError({ cert: future.cert, key: future.key });
    expect(notYet.code).toBe('not-yet-valid');
    expect(notYet.message).toMatch(/^options\.cert: not valid until \d{4}-\d\d-\d\d$/);
    const serverOnly = await pki.client({ eku: ['serverAuth'] });
    const eku = await creationError({ cert: serverOnly.cert, key: serverOnly.key });
    expect(eku.code).toBe('no-client-auth');
  });

  it('turns down a bundle whose first certificate is not the leaf', async () => {
    const error = await creationError({ cert: pki.clientCa + pair.cert, key: pair.key });
    expect(error.code).toBe('leaf-not-first');
  });

  it('names the source of unreadable input and never echoes key material given where a path was expected', async () => {
    const garbage = await creationError({ cert: 'env:NOT_PEM', key: pair.key, env: { NOT_PEM: 'hello world' } });
    expect(garbage.message).toMatch(/^env:NOT_PEM: /);
    const missing = await creationError({ cert: '/nonexistent/app.crt', key: pair.key });
    expect(missing).toMatchObject({ code: 'input', source: '/nonexistent/app.crt' });
    const base64Key = Buffer.from(pair.key).toString('base64');
    const swapped = await creationError({ cert: pair.cert, key: base64Key.slice(0, 200) });
    expect(swapped.message).not.toContain(base64Key.slice(0, 40));
    for (const options of [{ dir: base64Key }, { dir: `/nonexistent/${base64Key.slice(0, 300)}` }, { cert: `./${base64Key.slice(0, 300)}`, key: pair.key }]) {
      const error = await creationError(options);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(base64Key.slice(40, 80));
    }
    const truncated = await creationError({ cert: pair.cert.slice(0, pair.cert.length / 2), key: pair.key });
    expect(truncated.message).toMatch(/^options\.cert: /);
    expect(truncated.message).not.toMatch(/\n/);
  });

  it('warns, without refusing, about a period other than 390 days and a certificate inside its notices', async () => {
    const now = new Date();
    const short = await pki.client({ notBefore: addDays(now, -80), notAfter: addDays(now, 5) });
    const mtls = await agentFor({ cert: short.cert, key: short.key });
    const warnings: string[] = [];
    const expiring: unknown[] = [];
    mtls.on('warning', (w) => warnings.push(w.message));
    mtls.on('expiring', (e) => expiring.push(e));
    await new Promise((r) => setImmediate(r));
    expect(mtls.status()).toMatchObject({ level: 'urgent', daysRemaining: 4, ok: true });
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/not the platform's 390/), expect.stringMatching(/4 days left/)]));
    expect(expiring).toEqual([expect.objectContaining({ level: 'urgent', thresholdDays: 7, daysRemaining: 4 })]);
    expect(await get(server.url, mtls.agent)).toBe(short.serial);
  });

  it('metrics() are cert check --format prometheus for the presented pair, plus the agent\'s own', async () => {
    const mtls = await agentFor({ cert: pair.cert, key: pair.key });
    const text = mtls.metrics();
    expect(text).toMatch(/^aitoss_certificate_days_remaining\{fingerprint="[0-9A-F:]+",subject="CN=partner-app, O=Partner",source="options\.cert"\} 38[78]$/m);
    expect(text).toMatch(/^aitoss_certificate_key_match\{.*\} 1$/m);
    expect(text).toMatch(/^aitoss_check_success 1$/m);
    expect(text).toMatch(/^aitoss_agent_rotations_total 0$/m);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('a different key type (RSA key for an EC certificate) is a mismatch, not a silent handshake without certificate', async () => {
    const rsa = createKeyPair('rsa', { bits: 2048 });
    const error = await creationError({ cert: pair.cert, key: String(exportPrivateKey(rsa, 'pkcs8')) });
    expect(error.code).toBe('key-mismatch');
  });
});

describe('createMtlsAgent with https.request directly', () => {
  it('keeps working when the request names its own cert and key: the agent\'s identity wins', async () => {
    const mtls = await agentFor({ cert: pair.cert, key: pair.key });
    const other = await pki.client();
    expect(await get(server.url, mtls.agent, { cert: other.cert, key: other.key } as https.RequestOptions)).toBe(pair.serial);
  });
});
