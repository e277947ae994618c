#!/usr/bin/env node
// `npm run bench:agent`: aitoss/agent measured in one run against one loopback mTLS
// server (a child process, so client and server do not share an event loop):
//   1. requests per second through `mtls.agent` vs a plain
//      `https.Agent({ keepAlive: true, cert, key })`, interleaved rounds (target ≥ 0.95×);
//   2. the time to load aitoss/agent (require and import, measured inside fresh processes);
//   3. rotation latency: from the moment the new files are in place to the first response
//      that presents the new certificate (files beside the old, and a `..data` swap);
//   4. the bundle sizes.
// A benchmark, not a test: figures go to the README ("In your server").
//
//   npm run bench:agent                  defaults
//   npm run bench:agent -- --rounds 7 --seconds 2 --concurrency 16
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { addDays, createKeyPair, exportPrivateKey, issueCertificate } from './lib/pki.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '11' },
    seconds: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    rotations: { type: 'string', default: '5' },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const ROTATIONS = Number(args.rotations);

execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const { createMtlsAgent } = await import(`${root}dist/agent.js`);

// ---- PKI: server, client CA, client generations (390 days each, newer ones later) ----
const now = new Date();
const pem = (cert) => `${cert.toString('pem').trim()}\n`;
const caKeys = createKeyPair('ec');
const serverCa = await issueCertificate({ subject: 'CN=bench server CA', keyPair: caKeys, notBefore: addDays(now, -2), notAfter: addDays(now, 400), serial: 1, ca: true });
const serverKeys = createKeyPair('ec');
const serverCert = await issueCertificate({
  subject: 'CN=localhost', keyPair: serverKeys, issuer: { cert: serverCa, keyPair: caKeys },
  notBefore: addDays(now, -2), notAfter: addDays(now, 400), serial: 2, eku: ['serverAuth'], san: { dns: ['localhost'], ip: ['127.0.0.1'] },
});
const clientCaKeys = createKeyPair('ec');
const clientCa = await issueCertificate({ subject: 'CN=bench client CA', keyPair: clientCaKeys, notBefore: addDays(now, -400), notAfter: addDays(now, 800), serial: 3, ca: true });
async function client(generation) {
  const keyPair = createKeyPair('ec');
  const notBefore = addDays(now, -50 + generation);
  const cert = await issueCertificate({
    subject: 'CN=bench-app', keyPair, issuer: { cert: clientCa, keyPair: clientCaKeys },
    notBefore, notAfter: addDays(notBefore, 390), serial: 0x100 + generation, eku: ['clientAuth'],
  });
  return { cert: pem(cert), key: String(exportPrivateKey(keyPair, 'pkcs8')), serial: (0x100 + generation).toString(16).toUpperCase().padStart(4, '0') };
}
const generations = [];
for (let g = 0; g <= ROTATIONS * 2 + 1; g++) generations.push(await client(g));

// ---- the server, in a child process ----
const SERVER = `
const https = require('node:https');
const server = https.createServer({ cert: process.env.CERT, key: process.env.KEY, ca: process.env.CLIENT_CA, requestCert: true, rejectUnauthorized: true, keepAliveTimeout: 60000 },
  (req, res) => { res.end(String(req.socket.getPeerCertificate().serialNumber).toUpperCase()); });
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;
const serverProcess = spawn(process.execPath, ['-e', SERVER], {
  env: { CERT: pem(serverCert), KEY: String(exportPrivateKey(serverKeys, 'pkcs8')), CLIENT_CA: pem(clientCa) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((resolve, reject) => {
  serverProcess.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
  serverProcess.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
});
const url = `https://localhost:${port}/`;
const ca = pem(serverCa);

function get(agent) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function throughput(agent) {
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await get(agent);
        count += 1;
      }
    }),
  );
  return count / SECONDS;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

try {
  // ---- 1. throughput ----
  const pair = generations[0];
  const plain = new https.Agent({ keepAlive: true, cert: pair.cert, key: pair.key, ca });
  const mtls = await createMtlsAgent({ cert: pair.cert, key: pair.key, ca });
  await throughput(plain); // warm-up: JIT, connections
  await throughput(mtls.agent);
  const plainRates = [];
  const agentRates = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first, so a drift of the machine hits both alike.
    if (round % 2 === 0) {
      plainRates.push(await throughput(plain));
      agentRates.push(await throughput(mtls.agent));
    } else {
      agentRates.push(await throughput(mtls.agent));
      plainRates.push(await throughput(plain));
    }
  }
  plain.destroy();
  await mtls.close();

  // ---- 2. load time, inside fresh processes ----
  const loadTimes = (code, input) => {
    const times = [];
    for (let i = 0; i < 15; i++) {
      const out = execFileSync(process.execPath, input === 'module' ? ['--input-type=module', '-e', code] : ['-e', code], { cwd: root, encoding: 'utf8' });
      times.push(Number(out));
    }
    return median(times);
  };
  const requireMs = loadTimes(`const t = process.hrtime.bigint(); require('aitoss/agent'); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`);
  // What any https client pays anyway: node:https (and through it node:tls).
  const httpsMs = loadTimes(`const t = process.hrtime.bigint(); require('node:https'); require('node:crypto'); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`);
  const importMs = loadTimes(`const t = process.hrtime.bigint(); await import('aitoss/agent'); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`, 'module');

  // ---- 3. rotation latency ----
  async function rotationLatencies(layout) {
    const dir = mkdtempSync(join(tmpdir(), 'aitoss-bench-agent-'));
    let generation = layout === 'files' ? 1 : ROTATIONS + 1;
    const place = (g) => {
      const { cert, key } = generations[g];
      if (layout === 'files') {
        for (const [name, text] of [[`app-${g}.key`, key], [`app-${g}.crt`, cert]]) {
          writeFileSync(join(dir, `.${name}.tmp`), text, { mode: 0o600 });
          renameSync(join(dir, `.${name}.tmp`), join(dir, name));
        }
      } else {
        // kubelet's atomic writer: a new timestamped folder, then ..data renamed over.
        mkdirSync(join(dir, `..gen${g}`));
        writeFileSync(join(dir, `..gen${g}`, 'tls.crt'), cert);
        writeFileSync(join(dir, `..gen${g}`, 'tls.key'), key, { mode: 0o600 });
        symlinkSync(`..gen${g}`, join(dir, '..data_tmp'));
        renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
        for (const name of ['tls.crt', 'tls.key']) {
          try {
            symlinkSync(join('..data', name), join(dir, name));
          } catch {
            // linked already
          }
        }
      }
    };
    place(generation);
    const agent = await createMtlsAgent(layout === 'files' ? { dir, ca, watch: true } : { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca, watch: true });
    const latencies = [];
    for (let r = 0; r < ROTATIONS; r++) {
      generation += 1;
      const expected = generations[generation].serial;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const changed = performance.now();
      place(generation);
      let serial = '';
      while (serial !== expected) {
        serial = await get(agent.agent);
        if (performance.now() - changed > 30_000) throw new Error('rotation took over 30 s');
      }
      latencies.push(performance.now() - changed);
    }
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
    return latencies;
  }
  const filesLatency = await rotationLatencies('files');
  const dataLatency = await rotationLatencies('..data');

  // ---- 4. sizes ----
  const size = (file) => {
    const bytes = readFileSync(`${root}dist/${file}`);
    return `${(statSync(`${root}dist/${file}`).size / 1024).toFixed(1)} KiB (${(gzipSync(bytes).length / 1024).toFixed(1)} KiB gzip)`;
  };

  const plainMedian = median(plainRates);
  const agentMedian = median(agentRates);
  const ratio = agentMedian / plainMedian;
  const fmt = (n) => n.toFixed(0).padStart(6);
  console.log(`\naitoss/agent on Node ${process.versions.node}, ${CONCURRENCY} concurrent keep-alive requests, ${ROUNDS} rounds of ${SECONDS} s\n`);
  console.log(`requests/s  plain https.Agent   ${fmt(plainMedian)}   (rounds: ${plainRates.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`requests/s  mtls.agent          ${fmt(agentMedian)}   (rounds: ${agentRates.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`ratio                           ${ratio.toFixed(3)}   target ≥ 0.95: ${ratio >= 0.95 ? 'met' : 'NOT met'}`);
  console.log(`load time   require('aitoss/agent')  ${requireMs.toFixed(1)} ms   import  ${importMs.toFixed(1)} ms   (median of 15 fresh processes; node:https + node:crypto alone: ${httpsMs.toFixed(1)} ms)`);
  console.log(`rotation    files beside the old  median ${median(filesLatency).toFixed(0)} ms (${filesLatency.map((l) => l.toFixed(0)).join(', ')})`);
  console.log(`rotation    ..data symlink swap   median ${median(dataLatency).toFixed(0)} ms (${dataLatency.map((l) => l.toFixed(0)).join(', ')})`);
  console.log(`bundle      dist/agent.js ${size('agent.js')}, dist/agent.cjs ${size('agent.cjs')}`);
} finally {
  serverProcess.kill();
}
