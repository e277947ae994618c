#!/usr/bin/env node
// `npm run bench`: wall-clock medians of the built CLI against bare `node -e 0`, measured
// in one run with the commands interleaved, so machine noise hits all of them alike.
// Prints medians and ratios to the baseline; targets come from the issues.
//
//   npm run bench                 every case, 30 runs each
//   npm run bench -- --runs 50    more runs
//   npm run bench -- --only inspect
//   npm run bench -- --keep-env   keep NODE_EXTRA_CA_CERTS (see below)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, only: { type: 'string' }, 'keep-env': { type: 'boolean', default: false } },
});
const RUNS = Number(args.runs);
const AT = '2026-12-01';
const BIN = `${root}bin/aitoss.cjs`;

if (!existsSync(`${root}dist/cli.cjs`)) {
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}

const many = await ensureManyPairs(1000);
// The one-pair cases read a pair stored the way keys should be: mode 0600, outside any
// git work tree. A key inside a work tree costs one `git check-ignore` run (the
// key-in-git warning); the last row measures that case on the repo's own fixture.
const single = mkdtempSync(join(tmpdir(), 'aitoss-bench-'));
copyFileSync(`${root}fixtures/pairs/rsa-pkcs8.crt`, join(single, 'app.crt'));
copyFileSync(`${root}fixtures/pairs/rsa-pkcs8.key`, join(single, 'app.key'));
chmodSync(join(single, 'app.key'), 0o600);
const pair = ['--cert', join(single, 'app.crt'), '--key', join(single, 'app.key')];
// The same pair named by a configuration file, as the README shows one, for a run in that folder.
writeFileSync(join(single, '.aitossrc.yaml'), 'cert: app.crt\nkey: app.key\nfailUnder: 30\n');

const BARE_CHECK = `
const { readFileSync } = require('node:fs');
const { X509Certificate, createPrivateKey } = require('node:crypto');
const [certFile, keyFile, at] = process.argv.slice(1);
const cert = new X509Certificate(readFileSync(certFile));
const matches = cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)));
const days = Math.floor((Date.parse(cert.validTo) - Date.parse(at)) / 864e5);
process.stdout.write(\`\${matches && days >= 30 ? 'PASS' : 'FAIL'}  \${certFile}: \${days} days left\\n\`);
`;

/** name → { argv, cwd (default: the repository), target: { ratio } | { ms } } */
const cases = [
  { name: 'baseline: node -e 0', group: 'baseline', argv: [process.execPath, '-e', '0'] },
  {
    name: 'cert inspect, one pair',
    group: 'inspect',
    argv: [process.execPath, BIN, 'cert', 'inspect', ...pair, '--at', AT],
    target: { ratio: 2.0 },
  },
  {
    name: 'cert inspect, 1,000 pairs',
    group: 'inspect',
    argv: [process.execPath, BIN, 'cert', 'inspect', many, '--at', AT, '--json'],
    target: { ms: 1000 },
    runs: Math.max(5, Math.floor(RUNS / 3)),
  },
  {
    name: 'cert check, one pair',
    group: 'check',
    argv: [process.execPath, BIN, 'cert', 'check', ...pair, '--at', AT],
    target: { ratio: 1.5 },
  },
  {
    // Not a target: the floor under `cert check`, the same pair's node:crypto work and one
    // line of output in a bare script, with no CLI around it.
    name: '  reference: the same crypto work, bare script',
    group: 'check',
    argv: [process.execPath, '-e', BARE_CHECK, join(single, 'app.crt'), join(single, 'app.key'), AT],
  },
  {
    name: 'cert check, one pair named in .aitossrc.yaml',
    group: 'check',
    argv: [process.execPath, BIN, 'cert', 'check', '--at', AT],
    cwd: single,
  },
  {
    name: 'cert check, one pair in a git work tree',
    group: 'check',
    argv: [process.execPath, BIN, 'cert', 'check', '--cert', 'fixtures/pairs/rsa-pkcs8.crt', '--key', 'fixtures/pairs/rsa-pkcs8.key', '--at', AT],
  },
].filter((c) => c.group === 'baseline' || !args.only || c.group === args.only);

const extra = await import('./lib/bench-ping.mjs').then((m) => m, () => undefined);

const env = { ...process.env, NO_COLOR: '1' };
delete env.GITHUB_ACTIONS;
// NODE_EXTRA_CA_CERTS makes every node process parse a CA bundle at startup (these
// machines set it to the system bundle): it inflates the baseline (~45 ms → ~125 ms
// here) and flatters every ratio. Removed unless --keep-env.
if (!args['keep-env']) delete env.NODE_EXTRA_CA_CERTS;
// Node's compile cache (Node 22.1+; the bin enables it, Node 20 has none) in a directory
// of the bench's own, written by each case's warm-up run: the figures are those of a user
// who runs the command again, whatever ran before the bench.
const cacheRoot = mkdtempSync(join(tmpdir(), 'aitoss-bench-cache-'));
env.NODE_COMPILE_CACHE = cacheRoot;
delete env.NODE_DISABLE_COMPILE_CACHE;
process.on('exit', () => {
  for (const dir of [cacheRoot, single]) rmSync(dir, { recursive: true, force: true });
});

const usable = cases;

const loadBefore = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
// Warm the file cache, then interleave: run i of every case before run i+1 of any.
for (const c of usable) spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd ?? root, env });
const samples = new Map(usable.map((c) => [c, []]));
for (let i = 0; i < RUNS; i++) {
  for (const c of usable) {
    if (i >= (c.runs ?? RUNS)) continue;
    const start = process.hrtime.bigint();
    const result = spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd ?? root, env, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0 && result.status !== 1) throw new Error(`${c.name} exited ${result.status}`);
    samples.get(c).push(ms);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const baseline = median(samples.get(usable[0]));
const rows = usable.map((c) => {
  const med = median(samples.get(c));
  const ratio = med / baseline;
  let verdict = '';
  if (c.target?.ratio) verdict = `${ratio <= c.target.ratio ? 'meets' : 'MISSES'} ≤ ${c.target.ratio.toFixed(1)}×`;
  if (c.target?.ms) verdict = `${med <= c.target.ms ? 'meets' : 'MISSES'} ≤ ${c.target.ms} ms`;
  return { name: c.name, runs: samples.get(c).length, median: med, ratio, verdict };
});

console.log(`node ${process.version}, ${RUNS} runs per case (interleaved), medians of wall-clock time`);
console.log(`NODE_EXTRA_CA_CERTS ${env.NODE_EXTRA_CA_CERTS ? `kept (${env.NODE_EXTRA_CA_CERTS})` : 'unset'}`);
// The machine may be shared: its load says how far to trust the figures.
console.log(`load average before/after: ${loadBefore} / ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('');
const header = ['case', 'runs', 'median', 'vs node -e 0', 'target'];
const table = [header, ...rows.map((r) => [r.name, String(r.runs), `${r.median.toFixed(1)} ms`, `${r.ratio.toFixed(2)}×`, r.verdict])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());

if (extra && (!args.only || args.only === 'ping')) {
  console.log('');
  await extra.benchPing({ root, runs: RUNS, env, median, baselineArgv: [process.execPath, '-e', '0'] });
}

/** A folder of N EC pairs (fast to make), cached under .bench/. */
async function ensureManyPairs(count) {
  const dir = `${root}.bench/pairs-${count}`;
  if (existsSync(`${dir}/.done`)) return dir;
  mkdirSync(dir, { recursive: true });
  const { createKeyPair, issueCertificate, addDays } = await import('./lib/pki.mjs');
  const caKeys = createKeyPair('ec');
  const ca = await issueCertificate({
    subject: 'CN=bench CA', keyPair: caKeys, notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2036-01-01T00:00:00Z'), serial: 1, ca: true,
  });
  for (let i = 0; i < count; i++) {
    const keys = createKeyPair('ec');
    const notBefore = addDays(new Date('2026-06-01T00:00:00Z'), i % 365);
    const cert = await issueCertificate({
      subject: `CN=app-${i}.bench.example`, keyPair: keys, issuer: { cert: ca, keyPair: caKeys },
      notBefore, notAfter: addDays(notBefore, 390), serial: i + 2, eku: ['clientAuth'],
    });
    writeFileSync(`${dir}/app-${i}.crt`, cert.toString('pem'));
    writeFileSync(`${dir}/app-${i}.key`, keys.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  }
  writeFileSync(`${dir}/.done`, '');
  return dir;
}
