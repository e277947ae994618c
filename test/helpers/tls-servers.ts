// Real servers on 127.0.0.1 for the TLS probe tests, and a PKI valid against the real clock
// (the servers check the real time). Nothing here listens on anything but loopback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { addDays, createKeyPair, exportPrivateKey, issueCertificate, type KeyPair } from '../../scripts/lib/pki.mjs';

const LOOPBACK = '127.0.0.1';

export interface Credentials {
  /** PEM chain, leaf first. */
  cert: string;
  /** PEM PKCS#8 key. */
  key: string;
}

export interface TestPki {
  serverRoot: string;
  server: Credentials;
  clientRoot: string;
  clientIntermediate: string;
  /** Leaf + intermediate, issued under clientRoot, EKU clientAuth. */
  client: Credentials;
  /** The same leaf without its intermediate. */
  clientLeafOnly: Credentials;
  /** A client certificate from an unrelated CA. */
  otherCa: Credentials;
  otherRoot: string;
  /** Issued under clientRoot, expired yesterday. */
  expired: Credentials;
  /** Issued under clientRoot with EKU serverAuth only. */
  serverAuthOnly: Credentials;
  /** The client leaf with a key that is not its own (same type). */
  mismatched: Credentials;
  /** A server certificate for localhost issued by an intermediate under serverRoot: the leaf alone (an incomplete chain). */
  serverLeafWithoutIntermediate: Credentials;
}

const pem = (cert: { toString(format: 'pem'): string }): string => cert.toString('pem').trim() + '\n';
const keyPem = (pair: KeyPair): string => String(exportPrivateKey(pair, 'pkcs8'));

export async function createTestPki(now = new Date()): Promise<TestPki> {
  const notBefore = addDays(now, -1);
  const notAfter = addDays(now, 30);
  let serial = 1;

  const serverRootKeys = createKeyPair('ec');
  const serverRoot = await issueCertificate({ subject: 'CN=aitoss test server root, O=aitoss tests', keyPair: serverRootKeys, notBefore, notAfter, serial: serial++, ca: true });
  const serverKeys = createKeyPair('ec');
  const server = await issueCertificate({
    subject: 'CN=localhost, O=aitoss tests',
    keyPair: serverKeys,
    issuer: { cert: serverRoot, keyPair: serverRootKeys },
    notBefore,
    notAfter,
    serial: serial++,
    eku: ['serverAuth'],
    san: { dns: ['localhost'], ip: ['127.0.0.1'] },
  });

  const serverIntermediateKeys = createKeyPair('ec');
  const serverIntermediate = await issueCertificate({
    subject: 'CN=aitoss test server intermediate, O=aitoss tests',
    keyPair: serverIntermediateKeys,
    issuer: { cert: serverRoot, keyPair: serverRootKeys },
    notBefore,
    notAfter,
    serial: serial++,
    ca: true,
  });
  const serverViaIntermediateKeys = createKeyPair('ec');
  const serverViaIntermediate = await issueCertificate({
    subject: 'CN=localhost, O=aitoss tests, OU=via intermediate',
    keyPair: serverViaIntermediateKeys,
    issuer: { cert: serverIntermediate, keyPair: serverIntermediateKeys },
    notBefore,
    notAfter,
    serial: serial++,
    eku: ['serverAuth'],
    san: { dns: ['localhost'], ip: ['127.0.0.1'] },
  });

  const clientRootKeys = createKeyPair('ec');
  const clientRoot = await issueCertificate({ subject: 'CN=aitoss test client root, O=aitoss tests', keyPair: clientRootKeys, notBefore, notAfter, serial: serial++, ca: true });
  const intermediateKeys = createKeyPair('ec');
  const intermediate = await issueCertificate({
    subject: 'CN=aitoss test client intermediate, O=aitoss tests',
    keyPair: intermediateKeys,
    issuer: { cert: clientRoot, keyPair: clientRootKeys },
    notBefore,
    notAfter,
    serial: serial++,
    ca: true,
  });
  const underIntermediate = { cert: intermediate, keyPair: intermediateKeys };
  const clientKeys = createKeyPair('ec');
  const client = await issueCertificate({ subject: 'CN=partner-app client, O=Partner', keyPair: clientKeys, issuer: underIntermediate, notBefore, notAfter, serial: serial++, eku: ['clientAuth'] });
  const expiredKeys = createKeyPair('ec');
  const expired = await issueCertificate({
    subject: 'CN=partner-app expired, O=Partner',
    keyPair: expiredKeys,
    issuer: underIntermediate,
    notBefore: addDays(now, -60),
    notAfter: addDays(now, -1),
    serial: serial++,
    eku: ['clientAuth'],
  });
  const serverAuthKeys = createKeyPair('ec');
  const serverAuthOnly = await issueCertificate({ subject: 'CN=partner-app wrong eku, O=Partner', keyPair: serverAuthKeys, issuer: underIntermediate, notBefore, notAfter, serial: serial++, eku: ['serverAuth'] });

  const otherRootKeys = createKeyPair('ec');
  const otherRoot = await issueCertificate({ subject: 'CN=unrelated root, O=Elsewhere', keyPair: otherRootKeys, notBefore, notAfter, serial: serial++, ca: true });
  const otherKeys = createKeyPair('ec');
  const other = await issueCertificate({ subject: 'CN=partner-app other ca, O=Partner', keyPair: otherKeys, issuer: { cert: otherRoot, keyPair: otherRootKeys }, notBefore, notAfter, serial: serial++, eku: ['clientAuth'] });

  const chain = pem(intermediate);
  return {
    serverRoot: pem(serverRoot),
    server: { cert: pem(server), key: keyPem(serverKeys) },
    clientRoot: pem(clientRoot),
    clientIntermediate: chain,
    client: { cert: pem(client) + chain, key: keyPem(clientKeys) },
    clientLeafOnly: { cert: pem(client), key: keyPem(clientKeys) },
    otherCa: { cert: pem(other), key: keyPem(otherKeys) },
    otherRoot: pem(otherRoot),
    expired: { cert: pem(expired) + chain, key: keyPem(expiredKeys) },
    serverAuthOnly: { cert: pem(serverAuthOnly) + chain, key: keyPem(serverAuthKeys) },
    mismatched: { cert: pem(client) + chain, key: keyPem(otherKeys) },
    serverLeafWithoutIntermediate: { cert: pem(serverViaIntermediate), key: keyPem(serverViaIntermediateKeys) },
  };
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

/** Close a server and drop its open connections. */
function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  const add = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  server.on('connection', add);
  server.on('secureConnection', add);
  return sockets;
}

/**
 * A Node https server on loopback. With `requestCert` + `rejectUnauthorized` it requires a
 * client certificate issued under `clientCa`; the handler answers 200 with the client's CN.
 */
export async function startNodeServer(
  pki: TestPki,
  options: {
    version: tls.SecureVersion;
    requestCert?: boolean;
    rejectUnauthorized?: boolean;
    handler?: http.RequestListener;
    /** OpenSSL cipher list; TLS 1.3 suites go here too (TLS_CHACHA20_POLY1305_SHA256). */
    ciphers?: string;
    /** Key exchange groups; one the client does not key-share first forces a HelloRetryRequest. */
    ecdhCurve?: string;
    /** The server's own certificate and key (default: pki.server). */
    identity?: Credentials;
  },
): Promise<RunningServer> {
  const server = https.createServer(
    {
      cert: (options.identity ?? pki.server).cert,
      key: (options.identity ?? pki.server).key,
      ca: [pki.clientRoot],
      requestCert: options.requestCert ?? true,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      minVersion: options.version,
      maxVersion: options.version,
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
      ...(options.ecdhCurve ? { ecdhCurve: options.ecdhCurve } : {}),
    },
    options.handler ??
      ((req, res) => {
        const socket = req.socket as tls.TLSSocket;
        const peer = socket.getPeerCertificate();
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`hello ${peer.subject?.CN ?? 'anonymous'}`);
      }),
  );
  server.on('tlsClientError', () => undefined);
  const sockets = track(server);
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

/**
 * Like nginx with `ssl_verify_client optional`: the handshake completes whatever the client
 * sent; the HTTP answer is 400 when no (or no valid) certificate came.
 */
export function startOptionalVerifyServer(pki: TestPki): Promise<RunningServer> {
  return startNodeServer(pki, {
    version: 'TLSv1.3',
    requestCert: true,
    rejectUnauthorized: false,
    handler: (req, res) => {
      const socket = req.socket as tls.TLSSocket;
      const peer = socket.getPeerCertificate();
      const html = (text: string): string =>
        `<html>\r\n<head><title>400 ${text}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>${text}</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
      if (!peer || Object.keys(peer).length === 0) {
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end(html('No required SSL certificate was sent'));
      } else if (!socket.authorized) {
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end(html('The SSL certificate error'));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`hello ${peer.subject?.CN ?? ''}`);
      }
    },
  });
}

/** Accepts TCP connections and never says a word. */
export async function startSilentServer(): Promise<RunningServer> {
  const server = net.createServer(() => undefined);
  const sockets = track(server);
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

/** A plain HTTP server (for "HTTPS to an HTTP port"). */
export async function startPlainHttpServer(): Promise<RunningServer> {
  const server = http.createServer((_req, res) => res.end('plain'));
  const sockets = track(server);
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

/** A loopback port nothing listens on: bind, read the port, close. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningProxy extends RunningServer {
  /** The CONNECT targets asked for, in order. */
  connects: string[];
}

/**
 * An HTTP CONNECT proxy on loopback. It only tunnels to 127.0.0.1/localhost; with
 * `credentials` ("user:pass") it answers 407 without them.
 */
export async function startConnectProxy(options: { credentials?: string } = {}): Promise<RunningProxy> {
  const connects: string[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on('error', () => undefined);
    const target = req.url ?? '';
    connects.push(target);
    if (options.credentials) {
      const expected = `Basic ${Buffer.from(options.credentials).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== expected) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
    }
    const match = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(target);
    if (!match?.[2]) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(match[2]), LOOPBACK, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const sockets = track(server);
  const port = await listen(server);
  return { port, connects, close: closer(server, sockets) };
}

/** Whether an `openssl` binary is on PATH. */
export function hasOpenssl(): boolean {
  const run = spawnSync('openssl', ['version'], { stdio: 'ignore' });
  return run.status === 0;
}

/** The PKI as files, for `openssl s_server`. Call `cleanup()` when done. */
export function writePkiFiles(pki: TestPki): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'aitoss-tls-'));
  writeFileSync(path.join(dir, 'server.pem'), pki.server.cert);
  writeFileSync(path.join(dir, 'server.key'), pki.server.key);
  writeFileSync(path.join(dir, 'client-root.pem'), pki.clientRoot);
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * `openssl s_server -Verify 1 -verify_return_error -www` on 127.0.0.1: requires a client
 * certificate under the client root and rejects others with a TLS alert.
 */
export async function startOpensslServer(files: { file(name: string): string }, extraArgs: string[] = []): Promise<RunningServer> {
  const port = await refusedPort();
  const child: ChildProcess = spawn(
    requireBinary('openssl'),
    [
      's_server',
      '-accept', `${LOOPBACK}:${port}`,
      '-Verify', '1',
      '-verify_return_error',
      '-www',
      '-cert', files.file('server.pem'),
      '-key', files.file('server.key'),
      '-CAfile', files.file('client-root.pem'),
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`openssl s_server did not start: ${output}`)), 5000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('ACCEPT')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl s_server exited (${code}): ${output}`));
    });
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// --- nginx and HAProxy, unprivileged-capable: a generated config, a free port, a temporary
// prefix, no daemon mode, pid and logs in the temporary directory. A missing binary throws
// (the test fails loudly: `.ci/run` installs both with apt-get).

/** The path of a server binary, or a loud error naming how to install it. */
export function requireBinary(name: string, pkg = name): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const file = path.join(dir, name);
    if (dir && spawnSync(file, [name === 'openssl' ? 'version' : '-v'], { stdio: 'ignore' }).error === undefined) return file;
  }
  throw new Error(`${name} is not installed: these tests need a real ${name} (apt-get install -y ${pkg}; .ci/run does it)`);
}

export interface RunningDaemon extends RunningServer {
  /** What it printed and logged so far, for failure messages. */
  output(): string;
}

/** Wait until `port` on loopback accepts a TCP connection. */
async function waitForPort(port: number, child: ChildProcess, name: string, output: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, LOOPBACK);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${name} did not listen on ${port}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function startDaemon(name: string, binary: string, args: string[], port: number, logFile?: string): Promise<RunningDaemon> {
  let printed = '';
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const output = (): string => {
    let log = '';
    try {
      log = logFile ? readFileSync(logFile, 'utf8') : '';
    } catch {
      // not written yet
    }
    return `${printed}${log}`.slice(-4000);
  };
  await waitForPort(port, child, name, output);
  return {
    port,
    output,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

export interface NginxOptions {
  /** ssl_verify_client: `optional` answers 403 to a request without a verified certificate (return 403). */
  verify: 'on' | 'optional';
  /** ssl_protocols, e.g. 'TLSv1.3'. */
  protocols?: string;
  /** ssl_conf_command ClientSignatureAlgorithms … */
  clientSignatureAlgorithms?: string;
  /** A second, default server block (no client certificate) beside `localhost`, to see 421s. */
  defaultServer?: boolean;
}

/** nginx on 127.0.0.1 with the test PKI; `server_name localhost` verifies client certificates. */
export async function startNginx(files: { dir: string; file(name: string): string }, options: NginxOptions): Promise<RunningDaemon> {
  const binary = requireBinary('nginx');
  const port = await refusedPort();
  const dir = mkdtempSync(path.join(files.dir, 'nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub));
  const tls = `
    ssl_certificate ${files.file('server.pem')};
    ssl_certificate_key ${files.file('server.key')};
    ssl_protocols ${options.protocols ?? 'TLSv1.2 TLSv1.3'};`;
  const conf = `
# Generated by the aitoss tests. One process (no master, no workers): it runs as whoever
# starts it, root included, and never switches user.
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type text/plain;
${options.defaultServer ? `  server {
    listen ${LOOPBACK}:${port} ssl default_server;
    server_name _ default.test;${tls}
    location / { return 200 "default server\\n"; }
  }` : ''}
  server {
    listen ${LOOPBACK}:${port} ssl${options.defaultServer ? '' : ' default_server'};
    server_name localhost;${tls}
    ssl_client_certificate ${files.file('client-root.pem')};
    ssl_verify_client ${options.verify};
    ssl_verify_depth 3;
${options.clientSignatureAlgorithms ? `    ssl_conf_command ClientSignatureAlgorithms ${options.clientSignatureAlgorithms};\n` : ''}    location / {
      if ($ssl_client_verify != SUCCESS) { return 403 "client certificate: $ssl_client_verify\\n"; }
      return 200 "hello $ssl_client_s_dn\\n";
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  return startDaemon('nginx', binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], port, path.join(dir, 'error.log'));
}

export interface HaproxyOptions {
  /** `verify optional` denies with 403 unless a verified certificate came (http-request deny). */
  verify: 'required' | 'optional';
  /** ssl-min-ver/ssl-max-ver, e.g. 'TLSv1.3'. */
  version?: 'TLSv1.2' | 'TLSv1.3';
}

/** HAProxy on 127.0.0.1 terminating TLS with client-certificate verification; answers itself (no backend). */
export async function startHaproxy(files: { dir: string; file(name: string): string }, options: HaproxyOptions): Promise<RunningDaemon> {
  const binary = requireBinary('haproxy');
  const port = await refusedPort();
  const dir = mkdtempSync(path.join(files.dir, 'haproxy-'));
  const combined = path.join(dir, 'server-combined.pem');
  writeFileSync(combined, readFileSync(files.file('server.pem'), 'utf8') + readFileSync(files.file('server.key'), 'utf8'));
  const versions = options.version ? ` ssl-min-ver ${options.version.replace('TLSv', 'TLSv')} ssl-max-ver ${options.version}` : '';
  const conf = `
# Generated by the aitoss tests: foreground (-db), no pid file, no logs, no user switch.
global
  tune.ssl.default-dh-param 2048
defaults
  mode http
  timeout connect 5s
  timeout client 5s
  timeout server 5s
frontend tls
  bind ${LOOPBACK}:${port} ssl crt ${combined} ca-file ${files.file('client-root.pem')} verify ${options.verify}${versions} alpn h2,http/1.1
${options.verify === 'optional' ? '  http-request deny deny_status 403 unless { ssl_c_used } { ssl_c_verify 0 }\n' : ''}  http-request return status 200 content-type text/plain string "hello"
`;
  writeFileSync(path.join(dir, 'haproxy.cfg'), conf);
  return startDaemon('haproxy', binary, ['-db', '-f', path.join(dir, 'haproxy.cfg')], port);
}

export interface ApacheOptions {
  /**
   * `location`: `SSLVerifyClient require` inside `<Location /secure>` only (TLS 1.2
   * renegotiation, TLS 1.3 post-handshake authentication); `optional`: `SSLVerifyClient
   * optional` with `Require expr %{SSL_CLIENT_VERIFY} == 'SUCCESS'`.
   */
  mode: 'location' | 'optional';
  version: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * Apache httpd (Debian's apache2) on 127.0.0.1, one process in the foreground (-X). As root it
 * serves as `nobody` (httpd refuses to serve as root): the certificates are read before that,
 * and the pages it answers (404 "hello from apache", 403) need no file.
 */
export async function startApache(files: { dir: string; file(name: string): string }, options: ApacheOptions): Promise<RunningDaemon> {
  const binary = requireBinary('apache2');
  const port = await refusedPort();
  const dir = mkdtempSync(path.join(files.dir, 'apache-'));
  const modules = '/usr/lib/apache2/modules';
  const root = process.getuid?.() === 0;
  // An empty document root the serving user (nobody) can reach: the test directories, TMPDIR
  // included, are private to the user running the tests.
  const www = mkdtempSync('/tmp/aitoss-apache-www-');
  chmodSync(www, 0o755);
  const conf = `
# Generated by the aitoss tests.
ServerRoot ${dir}
Listen ${LOOPBACK}:${port}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel info
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
LoadModule mpm_prefork_module ${modules}/mod_mpm_prefork.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule ssl_module ${modules}/mod_ssl.so
${root ? 'User nobody\nGroup nogroup\n' : ''}ServerName localhost
DocumentRoot ${www}
ErrorDocument 404 "hello from apache"
SSLSessionCache none
SSLEngine on
SSLProtocol -all +${options.version}
SSLCertificateFile ${files.file('server.pem')}
SSLCertificateKeyFile ${files.file('server.key')}
SSLCACertificateFile ${files.file('client-root.pem')}
SSLVerifyDepth 3
${
  options.mode === 'location'
    ? '<Location /secure>\n  SSLVerifyClient require\n</Location>\n'
    : "SSLVerifyClient optional\n<Location />\n  Require expr %{SSL_CLIENT_VERIFY} == 'SUCCESS'\n</Location>\n"
}`;
  writeFileSync(path.join(dir, 'httpd.conf'), conf);
  const daemon = await startDaemon('apache2', binary, ['-X', '-d', dir, '-f', path.join(dir, 'httpd.conf')], port, path.join(dir, 'error.log')).catch((err: unknown) => {
    rmSync(www, { recursive: true, force: true });
    throw err;
  });
  return {
    ...daemon,
    close: async () => {
      await daemon.close();
      rmSync(www, { recursive: true, force: true });
    },
  };
}
