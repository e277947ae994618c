// `npm run bench`, ping part (scripts/bench.mjs calls it): `aitoss ping` against a loopback
// mTLS server, beside bare `node -e 0` and `curl --cert --key --cacert` against the same server.
//
// 1. Wall clock: `node -e 0` and `aitoss ping https://127.0.0.1:PORT/` (one attempt), run in
//    one interleaved loop; target ping ≤ 1.6× node.
// 2. TLS handshake: `aitoss ping --count 20 --json` (the `tls` phase of each attempt) and 20
//    `curl -w '%{time_connect} %{time_appconnect}'` runs (appconnect − connect), interleaved in
//    rounds; target ping's median ≤ 1.5× curl's.
// 3. Wire checks: the `wireAnalysis` time of those attempts (decrypting and parsing the
//    recorded handshake: CertificateRequest, our Certificate message, a post-handshake alert);
//    target: median ≤ 2 ms a run (the first attempt of a process also compiles the code).
//
// The server is a Node https server with requestCert + rejectUnauthorized on 127.0.0.1, in its
// own process (the timing loop blocks this one), over a PKI made for the run in a temp dir.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays, createKeyPair, exportPrivateKey, issueCertificate } from './pki.mjs';

const COUNT = 20;
const ROUNDS = 3;
const TARGET_WALL = 1.6;
const TARGET_TLS = 1.5;
const TARGET_WIRE_MS = 2;

const SERVER = `
import https from 'node:https';
import { readFileSync } from 'node:fs';
const dir = process.argv[1];
const read = (name) => readFileSync(dir + '/' + name, 'utf8');
const server = https.createServer(
  { cert: read('server.pem'), key: read('server.key'), ca: read('client-root.pem'), requestCert: true, rejectUnauthorized: true },
  (req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); },
);
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
// Ends with the bench: its stdin closes when the parent goes, however it goes.
process.stdin.on('end', () => process.exit(0)).resume();
`;

const BARE_CLIENT = `
const net = require('node:net'), tls = require('node:tls'), http = require('node:http'), fs = require('node:fs');
const [cert, key, ca, port] = process.argv.slice(1);
const secureContext = tls.createSecureContext({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
secureContext.context.addCACert(fs.readFileSync(ca));
const raw = net.connect({ host: '127.0.0.1', port: Number(port), noDelay: true });
const socket = tls.connect({ socket: raw, host: '127.0.0.1', secureContext, ALPNProtocols: ['http/1.1'] }, () => {
  http.request({ createConnection: () => socket, path: '/', headers: { connection: 'close' } }, (res) => {
    res.resume();
    res.on('end', () => socket.destroy());
  }).end();
});
socket.on('error', (error) => { console.error(error.message); process.exitCode = 1; });
`;

async function makePki(dir) {
  const now = new Date();
  const notBefore = addDays(now, -1);
  const notAfter = addDays(now, 30);
  const rootKeys = createKeyPair('ec');
  const root = await issueCertificate({ subject: 'CN=bench server root', keyPair: rootKeys, notBefore, notAfter, serial: 1, ca: true });
  const serverKeys = createKeyPair('ec');
  const server = await issueCertificate({
    subject: 'CN=localhost', keyPair: serverKeys, issuer: { cert: root, keyPair: rootKeys }, notBefore, notAfter, serial: 2,
    eku: ['serverAuth'], san: { dns: ['localhost'], ip: ['127.0.0.1'] },
  });
  const clientRootKeys = createKeyPair('ec');
  const clientRoot = await issueCertificate({ subject: 'CN=bench client root', keyPair: clientRootKeys, notBefore, notAfter, serial: 3, ca: true });
  const clientKeys = createKeyPair('ec');
  const client = await issueCertificate({
    subject: 'CN=bench client, O=Partner', keyPair: clientKeys, issuer: { cert: clientRoot, keyPair: clientRootKeys }, notBefore, notAfter, serial: 4,
    eku: ['clientAuth'],
  });
  const file = (name, text) => {
    writeFileSync(path.join(dir, name), text);
    if (name.endsWith('.key')) chmodSync(path.join(dir, name), 0o600);
    return path.join(dir, name);
  };
  file('server.pem', server.toString('pem'));
  file('server.key', String(exportPrivateKey(serverKeys, 'pkcs8')));
  file('client-root.pem', clientRoot.toString('pem'));
  return {
    ca: file('server-root.pem', root.toString('pem')),
    cert: file('client.pem', client.toString('pem')),
    key: file('client.key', String(exportPrivateKey(clientKeys, 'pkcs8'))),
  };
}

function startServer(dir) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const port = Number.parseInt(out, 10);
      if (out.includes('\n') && port > 0) {
        child.removeAllListeners('exit');
        resolve({
          port,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

function timed(argv, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { ...options, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, result };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

export async function benchPing({ root, runs, env, median, baselineArgv }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'aitoss-bench-ping-'));
  const files = await makePki(dir);
  const server = await startServer(dir);
  const url = `https://127.0.0.1:${server.port}/`;
  const bin = path.join(root, 'bin/aitoss.cjs');
  const credentials = ['--ca', files.ca, '--cert', files.cert, '--key', files.key, '--no-proxy'];
  const options = { cwd: root, env };
  try {
    // 1. Wall clock, interleaved with the baseline.
    const pingArgv = [process.execPath, bin, 'ping', url, ...credentials];
    const check = spawnSync(pingArgv[0], pingArgv.slice(1), { ...options, encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`aitoss ping failed against the bench server (exit ${check.status}):\n${check.stdout}${check.stderr}`);
    // For reference, not targets: the CLI's own startup, and the floor of a Node client doing
    // the same mTLS request with nothing else (node:tls + node:http, no diagnosis).
    const versionArgv = [process.execPath, bin, '--version'];
    const bareArgv = [process.execPath, '-e', BARE_CLIENT, files.cert, files.key, files.ca, String(server.port)];
    const bare = spawnSync(bareArgv[0], bareArgv.slice(1), { ...options, encoding: 'utf8' });
    if (bare.status !== 0) throw new Error(`the bare Node client failed: ${bare.stderr}`);
    spawnSync(baselineArgv[0], baselineArgv.slice(1), options);
    const wall = { node: [], ping: [], version: [], bare: [] };
    for (let i = 0; i < runs; i++) {
      wall.node.push(timed(baselineArgv, options).ms);
      const { ms, result } = timed(pingArgv, options);
      if (result.status !== 0) throw new Error(`aitoss ping exited ${result.status}: ${result.stdout}${result.stderr}`);
      wall.ping.push(ms);
      wall.version.push(timed(versionArgv, options).ms);
      wall.bare.push(timed(bareArgv, options).ms);
    }
    const nodeMedian = median(wall.node);
    const pingMedian = median(wall.ping);
    const wallRatio = pingMedian / nodeMedian;
    const reference = (samples) => `${(median(samples) / nodeMedian).toFixed(2)}×`;

    // 2. Handshake phase: ping --count 20 against curl, in interleaved rounds.
    const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
    const pingTls = [];
    const wireMs = [];
    const roundMedians = [];
    const curlTls = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { result } = timed([process.execPath, bin, 'ping', url, ...credentials, '--count', String(COUNT), '--json'], options);
      if (result.status !== 0) throw new Error(`aitoss ping --count ${COUNT} exited ${result.status}: ${result.stderr}`);
      const report = JSON.parse(result.stdout);
      for (const attempt of report.attempts) {
        const t = attempt.timings;
        pingTls.push(t.tls - (t.proxy ?? t.connect));
        if (typeof t.wireAnalysis === 'number') wireMs.push(t.wireAnalysis);
      }
      roundMedians.push(report.summary.phases.tls.median);
      if (!hasCurl) continue;
      for (let i = 0; i < COUNT; i++) {
        const curl = spawnSync(
          'curl',
          ['-s', '-o', '/dev/null', '--noproxy', '*', '-w', '%{time_connect} %{time_appconnect}', '--cert', files.cert, '--key', files.key, '--cacert', files.ca, url],
          { ...options, encoding: 'utf8' },
        );
        if (curl.status !== 0) throw new Error(`curl exited ${curl.status}: ${curl.stderr}`);
        const [connect, appconnect] = curl.stdout.trim().split(/\s+/).map(Number);
        curlTls.push((appconnect - connect) * 1000);
      }
    }

    const verdict = (ratio, target) => `${ratio <= target ? 'meets' : 'MISSES'} ≤ ${target.toFixed(1)}×`;
    console.log(`ping: Node https server on 127.0.0.1 (requestCert, rejectUnauthorized, TLS 1.3, ECDSA P-256), interleaved`);
    console.log('');
    table([
      ['case', 'runs', 'median', 'vs node -e 0', 'target'],
      ['baseline: node -e 0', String(wall.node.length), `${nodeMedian.toFixed(1)} ms`, '1.00×', ''],
      ['aitoss ping (one attempt)', String(wall.ping.length), `${pingMedian.toFixed(1)} ms`, `${wallRatio.toFixed(2)}×`, verdict(wallRatio, TARGET_WALL)],
      ['  reference: aitoss --version', String(wall.version.length), `${median(wall.version).toFixed(1)} ms`, reference(wall.version), ''],
      ['  reference: bare node:tls + node:http request', String(wall.bare.length), `${median(wall.bare).toFixed(1)} ms`, reference(wall.bare), ''],
    ]);
    console.log('');
    const pingMedianTls = median(pingTls);
    const rows = [
      ['TLS handshake phase', 'samples', 'median', 'ratio', 'target'],
      [`aitoss ping --count ${COUNT} (tls phase)`, String(pingTls.length), `${pingMedianTls.toFixed(2)} ms`, '', ''],
    ];
    if (hasCurl) {
      const curlMedian = median(curlTls);
      const ratio = pingMedianTls / curlMedian;
      rows.push(['curl (appconnect − connect)', String(curlTls.length), `${curlMedian.toFixed(2)} ms`, `${ratio.toFixed(2)}×`, verdict(ratio, TARGET_TLS)]);
    } else {
      rows.push(['curl', '0', 'not installed: skipped', '', '']);
    }
    table(rows);
    console.log(`(ping's per-run medians: ${roundMedians.map((m) => `${m.toFixed(1)} ms`).join(', ')}; ${ROUNDS} rounds of ${COUNT})`);
    console.log('');
    const wireMedian = median(wireMs);
    const wireMax = Math.max(...wireMs);
    table([
      ['wire checks (decrypt + parse the handshake)', 'samples', 'median', 'max (cold first attempt)', 'target'],
      ['aitoss ping, wireAnalysis per attempt', String(wireMs.length), `${wireMedian.toFixed(2)} ms`, `${wireMax.toFixed(2)} ms`, `${wireMedian <= TARGET_WIRE_MS ? 'meets' : 'MISSES'} ≤ ${TARGET_WIRE_MS} ms (median)`],
    ]);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
