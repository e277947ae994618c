/**
 * The fetch side: a stable undici Dispatcher that forwards to an undici Agent presenting
 * the current pair. A swap puts a new Agent in front and closes the old one, which lets
 * its requests in flight finish and then closes its connections.
 *
 * undici is an optional peer: it is required on first use of `mtls.dispatcher`, never at
 * import, so servers without it pay nothing.
 */
import { createRequire } from 'node:module';
import type { TlsIdentity } from './rotating-agent.js';
import { fail } from './candidates.js';

export interface TlsTrust {
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
}

export interface RotatingDispatcher {
  present(identity: TlsIdentity): void;
  close(): Promise<void>;
}

type Undici = {
  Dispatcher: new () => { emit(event: string, ...args: unknown[]): boolean };
  Agent: new (options: { connect: Record<string, unknown> }) => UndiciAgent;
};
type UndiciAgent = {
  dispatch(options: unknown, handler: unknown): boolean;
  close(): Promise<void>;
  destroy(error?: Error | null): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
};

/** Load undici from the application's dependencies (resolved from this package, as a peer). */
function loadUndici(): Undici {
  try {
    return createRequire(import.meta.url)('undici') as Undici;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw fail('undici-missing', 'mtls.dispatcher needs undici: npm install undici (mtls.agent works without it)');
    }
    throw error;
  }
}

export function createRotatingDispatcher(identity: TlsIdentity, trust: TlsTrust): RotatingDispatcher {
  const undici = loadUndici();
  const connectOptions = (id: TlsIdentity) => ({
    ...id,
    ...(trust.ca === undefined ? {} : { ca: trust.ca }),
    ...(trust.servername === undefined ? {} : { servername: trust.servername }),
    rejectUnauthorized: true,
  });

  class Rotating extends undici.Dispatcher {
    #current: UndiciAgent;
    #closed = false;

    constructor() {
      super();
      this.#current = this.#make(identity);
    }

    #make(id: TlsIdentity): UndiciAgent {
      const agent = new undici.Agent({ connect: connectOptions(id) });
      agent.on('drain', (...args) => this.emit('drain', ...args));
      return agent;
    }

    dispatch(options: unknown, handler: unknown): boolean {
      return this.#current.dispatch(options, handler);
    }

    present(id: TlsIdentity): void {
      if (this.#closed) return;
      const previous = this.#current;
      this.#current = this.#make(id);
      previous.close().catch(() => undefined);
    }

    close(callback?: () => void): Promise<void> {
      this.#closed = true;
      const done = this.#current.close();
      if (callback) {
        done.then(callback, callback);
        return Promise.resolve();
      }
      return done;
    }

    destroy(error?: Error | null): Promise<void> {
      this.#closed = true;
      return this.#current.destroy(error ?? null);
    }
  }
  return new Rotating() as unknown as RotatingDispatcher;
}
