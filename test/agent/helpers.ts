/**
 * A PKI and a real mTLS server on loopback for the agent's tests. The server records the
 * serial number of the client certificate presented on each request and counts the
 * connections it saw open and close. Certificates are valid against the real clock (the
 * server checks it), 390 days long like the platform's, so no warning is expected.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { addDays, createKeyPair, exportPrivateKey, issueCertificate, type KeyPair } from '../../scripts/lib/pki.mjs';

type Issued = Awaited<ReturnType<typeof issueCertificate>>;

export interface Pair {
  cert: string;
  key: string;
  /** Upper-case hex, as status() and the server report it. */
  serial: string;
  keyPair: KeyPair;
}

export interface AgentPki {
  /** PEM of the CA the server certificate chains to: the client's `ca` option. */
  serverCa: string;
  server: { cert: string; key: string };
  clientCa: string;
  /** Issue a client certificate under the client CA. */
  client(options?: { serial?: number; notBefore?: Date; notAfter?: Date; eku?: Array<'clientAuth' | 'serverAuth'>; subject?: string; keyPair?: KeyPair }): Promise<Pair>;
}

const pem = (cert: Issued): string => `${cert.toString('pem').trim()}\n`;
let nextSerial = 0x1000;

export async function createAgentPki(): Promise<AgentPki> {
  const now = new Date();
  const notBefore = addDays(now, -2);
  const notAfter = addDays(now, 388);
  const serverRootKeys = createKeyPair('ec');
  const serverRoot = await issueCertificate({ subject: 'CN=agent test server root', keyPair: serverRootKeys, notBefore, notAfter, serial: 1, ca: true });
  const serverKeys = createKeyPair('ec');
  const server = await issueCertificate({
    subject: 'CN=localhost',
    keyPair: serverKeys,
    issuer: { cert: serverRoot, keyPair: serverRootKeys },
    notBefore,
    notAfter,
    serial: 2,
    eku: ['serverAuth'],
    san: { dns: ['localhost'], ip: ['127.0.0.1'] },
  });
  const clientRootKeys = createKeyPair('ec');
  const clientRoot = await issueCertificate({ subject: 'CN=agent test client CA', keyPair: clientRootKeys, notBefore, notAfter: addDays(now, 800), serial: 3, ca: true });
  return {
    serverCa: pem(serverRoot),
    server: { cert: pem(server), key: String(exportPrivateKey(serverKeys, 'pkcs8')) },
    clientCa: pem(clientRoot),
    async client(options = {}) {
      const keyPair = options.keyPair ?? createKeyPair('ec');
      const serial = options.serial ?? nextSerial++;
      const start = options.notBefore ?? addDays(now, -1);
      const cert = await issueCertificate({
        subject: options.subject ?? 'CN=partner-app, O=Partner',
        keyPair,
        issuer: { cert: clientRoot, keyPair: clientRootKeys },
        notBefore: start,
        notAfter: options.notAfter ?? addDays(start, 390),
        serial,
        eku: options.eku ?? ['clientAuth'],
      });
      return { cert: pem(cert), key: String(exportPrivateKey(keyPair, 'pkcs8')), serial: serial.toString(16).toUpperCase().padStart(2, '0'), keyPair };
    },
  };
}

export interface MtlsServer {
  url: string;
  port: number;
  /** Serial of the client certificate of each request, in order of arrival. */
  serials: string[];
  connections: { opened: number; closed: number };
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 that requires a client certificate of the client CA. */
export async function startMtlsServer(pki: AgentPki): Promise<MtlsServer> {
  const serials: string[] = [];
  const connections = { opened: 0, closed: 0 };
  const server = https.createServer(
    { cert: pki.server.cert, key: pki.server.key, ca: pki.clientCa, requestCert: true, rejectUnauthorized: true, keepAliveTimeout: 30_000 },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      serials.push(String(peer.serialNumber).toUpperCase());
      res.setHeader('content-type', 'text/plain');
      res.end(String(peer.serialNumber).toUpperCase());
    },
  );
  server.on('secureConnection', (socket) => {
    connections.opened += 1;
    socket.on('close', () => (connections.closed += 1));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}/`,
    port,
    serials,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GET through node:https with the given agent; resolves with the serial the server saw. */
export function get(url: string, agent: https.Agent, extra: https.RequestOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, ...extra }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export function tempDir(prefix = 'agent-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write a pair as `<name>.crt` and `<name>.key` into `dir`, each atomically (write then rename). */
export function writePair(dir: string, name: string, pair: Pick<Pair, 'cert' | 'key'>): void {
  for (const [ext, text] of [['key', pair.key], ['crt', pair.cert]] as const) {
    const staging = join(dir, `.${name}.${ext}.tmp`);
    writeFileSync(staging, text, { mode: 0o600 });
    renameSync(staging, join(dir, `${name}.${ext}`));
  }
}

/**
 * A Kubernetes Secret volume: `tls.crt` and `tls.key` are symlinks into `..data`, itself
 * a symlink to a timestamped folder; an update writes a new folder and renames a new
 * `..data` over the old one (what kubelet's atomic writer does).
 */
export function kubernetesSecret(dir: string, pair: Pick<Pair, 'cert' | 'key'>, generation: number): void {
  const folder = `..2026_11_30_generation_${generation}`;
  mkdirSync(join(dir, folder));
  writeFileSync(join(dir, folder, 'tls.crt'), pair.cert);
  writeFileSync(join(dir, folder, 'tls.key'), pair.key, { mode: 0o600 });
  symlinkSync(folder, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of ['tls.crt', 'tls.key']) {
    try {
      symlinkSync(join('..data', name), join(dir, name));
    } catch {
      // Already linked by an earlier generation: it follows ..data.
    }
  }
  if (generation > 1) rmSync(join(dir, `..2026_11_30_generation_${generation - 1}`), { recursive: true, force: true });
}

/** Resolve when `predicate` holds, polling; fail loudly after `ms`. */
export async function until(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
