// HTTPS_PROXY / NO_PROXY, and the CONNECT tunnel the probe runs TLS through. The client
// certificate goes to the origin inside the tunnel; the proxy only relays bytes.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { BlockList, isIP, isIPv6, type Socket } from 'node:net';
import { redactUrlCredentials } from '../core/redact.js';

/**
 * The proxy to use for `url`, from HTTPS_PROXY/https_proxy (lower case wins, as in curl),
 * unless NO_PROXY/no_proxy matches. NO_PROXY is a comma- or space-separated list of `*`, host
 * names (matching the host and its subdomains; a leading `.` or `*.` is ignored), IP
 * addresses, CIDR ranges, each optionally with `:port`. A value without a scheme means `http://`.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const variable = env.https_proxy !== undefined ? 'https_proxy' : 'HTTPS_PROXY';
  const raw = (env[variable] ?? '').trim();
  if (!raw) return undefined;
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  if (bypassesProxy(url, noProxy)) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    // Never a silent direct connection: the user asked for a proxy.
    throw new ProxySettingError(variable);
  }
  if (!proxy.hostname) throw new ProxySettingError(variable);
  return proxy;
}

/** HTTPS_PROXY (or https_proxy) is set but is no URL; the value is not repeated (it may hold a password). */
export class ProxySettingError extends Error {
  readonly code = 'ERR_PROXY_URL';
  constructor(readonly variable: string) {
    super(`${variable} is not a proxy URL`);
    this.name = 'ProxySettingError';
  }
}

/**
 * A URL fit for display: credentials (`user:password@`) replaced by `***@`. Also for text
 * that is not a parseable URL, where the `//…@` part is masked the same way.
 */
export function redactUrl(url: URL | string): string {
  if (typeof url !== 'string') {
    if (!url.username && !url.password) return url.href;
    const copy = new URL(url.href);
    copy.username = '***';
    copy.password = '';
    return copy.href;
  }
  return redactUrlCredentials(url);
}

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = hostOf(url).toLowerCase().replace(/\.$/, '');
  const port = defaultPort(url);
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    let entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed?.[1]) {
      entry = bracketed[1];
      entryPort = bracketed[2] ? Number(bracketed[2]) : undefined;
    } else {
      const withPort = /^(.*[^:]):(\d+)$/.exec(entry);
      if (withPort?.[1] && withPort[2] && isIP(entry) === 0) {
        entry = withPort[1];
        entryPort = Number(withPort[2]);
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    entry = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!entry) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const family = isIP(host);
  const [network, bits] = cidr.split('/');
  if (!family || !network || bits === undefined || isIP(network) !== family) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  try {
    list.addSubnet(network, Number(bits), type);
    return list.check(host, type);
  } catch {
    return false;
  }
}

/** A proxy URL fit for display: no credentials, no path. */
export function redactProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** The CONNECT answer was not 2xx. */
export class ProxyConnectError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly target: string,
  ) {
    super(`the proxy answered ${status}${statusText ? ` ${statusText}` : ''} to CONNECT ${target}`);
    this.name = 'ProxyConnectError';
    this.code = `PROXY_${status}`;
  }
}

/**
 * Ask the proxy, over the connected `socket`, for a tunnel to `host:port`. Resolves with the
 * same socket, now a byte pipe to the origin. Rejects with ProxyConnectError or a socket error.
 */
export function openTunnel(socket: Socket, proxy: URL, host: string, port: number): Promise<Socket> {
  const target = `${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const headers: Record<string, string> = { host: target };
  if (proxy.username || proxy.password) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    // No `agent`: with `createConnection` the request runs on our socket, and nothing is pooled.
    const request = httpRequest({
      method: 'CONNECT',
      path: target,
      headers,
      setHost: false,
      createConnection: () => socket,
    });
    request.once('connect', (response: IncomingMessage, tunnel: Socket, head: Buffer) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        tunnel.destroy();
        reject(new ProxyConnectError(status, response.statusMessage ?? '', target));
        return;
      }
      if (head.length > 0) tunnel.unshift(head);
      resolve(tunnel);
    });
    request.once('response', (response: IncomingMessage) => {
      response.resume();
      reject(new ProxyConnectError(response.statusCode ?? 0, response.statusMessage ?? '', target));
    });
    request.on('error', reject);
    request.end();
  });
}
