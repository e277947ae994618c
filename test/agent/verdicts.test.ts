/**
 * The agent rests on the core's verdicts (fixtures/verdicts, at the fixtures' PIN): a key
 * is used only when it proves possession, a certificate a TLS server would reject is never
 * presented, and a same-subject certificate from another issuer is another rotation set,
 * never a successor: the agent refuses to guess between them, at start and on a reload.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMtlsAgent, MtlsAgentError, type MtlsClock, type MtlsRejectedEvent } from '../../src/agent/index.js';
import { tempDir } from './helpers.js';

const FIXTURES = new URL('../../fixtures/verdicts/', import.meta.url).pathname;
const PIN = new Date('2026-12-01T00:00:00Z');
const clock: MtlsClock = {
  now: () => PIN,
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
const fixture = (name: string) => join(FIXTURES, name);

async function refusal(name: string): Promise<MtlsAgentError> {
  try {
    const mtls = await createMtlsAgent({ cert: fixture(`${name}.crt`), key: fixture(`${name}.key`), clock });
    await mtls.close();
  } catch (error) {
    expect(error).toBeInstanceOf(MtlsAgentError);
    return error as MtlsAgentError;
  }
  throw new Error(`${name}: createMtlsAgent resolved; an MtlsAgentError was expected`);
}

describe('the agent on the core verdicts', () => {
  it('refuses a key file whose public half matches but whose private part proves nothing', async () => {
    for (const name of ['forged-rsa', 'forged-ec', 'forged-ec-pkcs8']) {
      const error = await refusal(name);
      expect(error.code, name).toBe('key-not-proven');
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });

  it('refuses certificates a TLS server rejects, with the reason code of cert check', async () => {
    expect((await refusal('unknown-critical')).code).toBe('unknown-critical-extension');
    expect((await refusal('duplicate-eku')).code).toBe('duplicate-extension');
    expect((await refusal('malformed-eku')).code).toBe('malformed-eku');
    expect((await refusal('never-valid')).code).toBe('never-valid');
  });

  it('presents the console certificate, with its notice, when alone', async () => {
    const mtls = await createMtlsAgent({ cert: fixture('console.crt'), key: fixture('console.key'), clock });
    expect(mtls.status()).toMatchObject({ serialNumber: '03EC', level: 'expiring', daysRemaining: 10, ok: true });
    await mtls.close();
  });

  it('never takes a same-subject stranger for the successor: two rotation sets are refused, not guessed between', async () => {
    for (const stranger of ['self-signed', 'same-issuer-name']) {
      const dir = tempDir();
      for (const name of ['console', stranger]) {
        copyFileSync(fixture(`${name}.crt`), join(dir, `${name}.crt`));
        copyFileSync(fixture(`${name}.key`), join(dir, `${name}.key`));
      }
      const refused = createMtlsAgent({ dir, clock });
      await expect(refused, stranger).rejects.toMatchObject({ code: 'ambiguous' });
      // Each set named by its file: the two may read the same by subject and issuer name.
      await expect(refused).rejects.toThrow(`${join(dir, 'console.crt')} (CN=stranger.partner.example`);
      await expect(refused).rejects.toThrow(`${join(dir, `${stranger}.crt`)} (CN=stranger.partner.example`);
    }
  });

  it('a stranger dropped beside the presented certificate is rejected; the console certificate stays', async () => {
    const dir = tempDir();
    copyFileSync(fixture('console.crt'), join(dir, 'console.crt'));
    copyFileSync(fixture('console.key'), join(dir, 'console.key'));
    const mtls = await createMtlsAgent({ dir, clock });
    const rejected: MtlsRejectedEvent[] = [];
    mtls.on('rejected', (e) => rejected.push(e));
    copyFileSync(fixture('self-signed.crt'), join(dir, 'self-signed.crt'));
    copyFileSync(fixture('self-signed.key'), join(dir, 'self-signed.key'));
    const outcome = await mtls.reload();
    expect(outcome.outcome).toBe('rejected');
    expect(outcome.status.serialNumber).toBe('03EC');
    expect(rejected.map((r) => r.code)).toEqual(['ambiguous']);
    await mtls.close();
  });
});
