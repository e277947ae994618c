/**
 * An https.Agent whose client identity can be swapped while requests run.
 *
 * Node pools sockets (and caches TLS sessions) under a name made from the connection
 * options; the generation of the presented pair is part of that name. A swap bumps the
 * generation, so every request started after it looks in a new, empty pool and opens a
 * connection that presents the new certificate (a resumed session of the old pair is
 * never offered: the session cache is keyed by the same name). Requests in flight keep
 * their socket and finish; when such a socket comes free it is closed instead of kept,
 * and idle sockets of the old pair are closed at the swap.
 */
import { Agent, type AgentOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface TlsIdentity {
  cert: string;
  key: string;
}

const GENERATION = Symbol('aitoss.generation');
type TaggedSocket = Duplex & { [GENERATION]?: number };

export class RotatingHttpsAgent extends Agent {
  #generation = 0;

  constructor(options: AgentOptions, identity: TlsIdentity) {
    // rejectUnauthorized last: Node merges the agent's options over each request's, so a
    // request asking for `rejectUnauthorized: false` still verifies the server.
    super({ keepAlive: true, ...options, ...identity, rejectUnauthorized: true });
  }

  get generation(): number {
    return this.#generation;
  }

  /** Present `identity` on every connection opened from now on. */
  present(identity: TlsIdentity): void {
    Object.assign(this.options, identity);
    this.retire();
  }

  /** Close the idle connections, and the busy ones once their request is done. */
  retire(): void {
    this.#generation += 1;
    const free = (this as unknown as { freeSockets: Record<string, Socket[] | undefined> }).freeSockets;
    for (const sockets of Object.values(free)) {
      for (const socket of [...(sockets ?? [])]) socket.destroy();
    }
  }

  override getName(options?: Parameters<Agent['getName']>[0]): string {
    return `${super.getName(options)}:aitoss-generation-${this.#generation}`;
  }

  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args) as TaggedSocket | null | undefined;
    if (socket) socket[GENERATION] = this.#generation;
    return socket;
  }

  /** A socket of an earlier pair that comes free is closed (Node destroys it on false). */
  override keepSocketAlive(socket: Duplex): boolean {
    if ((socket as TaggedSocket)[GENERATION] !== this.#generation) return false;
    return super.keepSocketAlive(socket) as unknown as boolean;
  }
}
