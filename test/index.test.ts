/** The library API: what the CLI does, usable without it, from the built package too. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as api from '../src/index.js';

const read = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url));

it('reads, pairs and reports without the CLI', () => {
  const cert = api.readSourceContents(read('pairs/ec-sec1.crt'), 'app.crt')!;
  const keyBlock = api.readSourceContents(read('pairs/ec-sec1.key'), 'app.key')!.keys[0]!;
  const pairing = api.pairCertificates([{ source: 'app.crt', certificates: cert.certificates }], [api.loadPrivateKey(keyBlock)]);
  const report = api.buildReport(pairing, new Date('2026-12-01T00:00:00Z'));
  expect(report.certificates[0]).toMatchObject({ level: 'ok', daysRemaining: 207, keyMatch: true });
  expect(api.levelAt(new Date('2026-01-01'), new Date('2026-12-05'), new Date('2026-12-01'))).toBe('urgent');
});

it('the built package exports the same API', async () => {
  const built = (await import(new URL('../dist/index.js', import.meta.url).href)) as Record<string, unknown>;
  expect(Object.keys(built).sort()).toEqual(Object.keys(api).sort());
});
