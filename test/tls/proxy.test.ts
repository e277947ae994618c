import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/tls/proxy.js';

const api = new URL('https://apps-in-toss-api.toss.im/');

describe('proxyFor', () => {
  it('uses nothing without HTTPS_PROXY (HTTP_PROXY is for http: URLs)', () => {
    expect(proxyFor(api, {})).toBeUndefined();
    expect(proxyFor(api, { HTTP_PROXY: 'http://proxy:3128', http_proxy: 'http://proxy:3128' })).toBeUndefined();
    expect(proxyFor(api, { HTTPS_PROXY: '  ' })).toBeUndefined();
  });

  it('reads HTTPS_PROXY and https_proxy, lower case first', () => {
    expect(proxyFor(api, { HTTPS_PROXY: 'http://proxy:3128' })?.href).toBe('http://proxy:3128/');
    expect(proxyFor(api, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.host).toBe('lower:1');
  });

  it('assumes http:// when the scheme is missing, keeps credentials', () => {
    expect(proxyFor(api, { HTTPS_PROXY: 'proxy.corp:8080' })?.href).toBe('http://proxy.corp:8080/');
    const withUser = proxyFor(api, { HTTPS_PROXY: 'http://me:p%40ss@proxy:3128' });
    expect(withUser?.username).toBe('me');
    expect(decodeURIComponent(withUser?.password ?? '')).toBe('p@ss');
  });

  it.each([
    ['*', true],
    ['toss.im', true],
    ['.toss.im', true],
    ['*.toss.im', true],
    ['apps-in-toss-api.toss.im', true],
    ['APPS-IN-TOSS-API.TOSS.IM', true],
    ['oss.im', false],
    ['example.com, toss.im', true],
    ['example.com toss.im', true],
    ['toss.im:443', true],
    ['toss.im:8443', false],
    ['other.toss.im', false],
    ['', false],
  ])('NO_PROXY=%j bypasses: %s', (noProxy, bypass) => {
    const result = proxyFor(api, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(result === undefined).toBe(bypass);
  });

  it('honours no_proxy before NO_PROXY', () => {
    expect(proxyFor(api, { HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'toss.im', NO_PROXY: 'example.com' })).toBeUndefined();
  });

  it('matches ports, IP addresses and CIDR ranges', () => {
    const env = (noProxy: string) => ({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(proxyFor(new URL('https://toss.im:8443/'), env('toss.im:8443'))).toBeUndefined();
    expect(proxyFor(new URL('https://10.1.2.3/'), env('10.1.2.3'))).toBeUndefined();
    expect(proxyFor(new URL('https://10.1.2.3/'), env('10.0.0.0/8'))).toBeUndefined();
    expect(proxyFor(new URL('https://11.1.2.3/'), env('10.0.0.0/8'))).toBeDefined();
    expect(proxyFor(new URL('https://[::1]:8443/'), env('::1'))).toBeUndefined();
    expect(proxyFor(new URL('https://[::1]:8443/'), env('[::1]:8443'))).toBeUndefined();
    expect(proxyFor(new URL('https://[::1]:8443/'), env('[::1]:443'))).toBeDefined();
    expect(proxyFor(new URL('https://127.0.0.1/'), env('localhost'))).toBeDefined();
  });
});
