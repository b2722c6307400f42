// Behind TRUST_PROXY, the client's address is the right-most X-Forwarded-For hop no trusted proxy added: what a
// client writes further left changes neither its per-address limit nor what it may reach.
import { afterAll, describe, expect, it } from 'vitest';
import { parseControlPlaneConfig } from '../../src';
import { clientAddress, parseProxyTrust, type ProxyTrust } from '../../src/http/client-address';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

const trust = (value: string) => parseProxyTrust(value) as ProxyTrust;

describe('parseProxyTrust', () => {
  it('reads off, true, a number of proxies, and lists of addresses, ranges and names', () => {
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toEqual({ hops: 1 });
    expect(trust('1')).toEqual({ hops: 1 });
    expect(trust('2')).toEqual({ hops: 2 });
    expect(trust('10.0.0.1, 192.168.0.0/16, loopback')).toMatchObject({ ranges: expect.any(Array) });
    expect(parseProxyTrust('11')).toBeTypeOf('string');
    expect(parseProxyTrust('10.0.0.0/99')).toBeTypeOf('string');
    expect(parseProxyTrust('proxy.example.com')).toBeTypeOf('string');
  });

  it('a bad TRUST_PROXY stops start-up with the variable named', () => {
    const env = { JWT_SECRET: 'x'.repeat(32), EDGE_SECRET: 'y'.repeat(32), MASTER_KEY: 'a'.repeat(64) };
    expect(() => parseControlPlaneConfig({ ...env, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(parseControlPlaneConfig({ ...env, TRUST_PROXY: 'true' }).TRUST_PROXY).toEqual({ hops: 1 });
  });
});

describe('clientAddress', () => {
  it('without trust reads only the socket, in canonical form', () => {
    expect(clientAddress('::ffff:203.0.113.5', '127.0.0.1', false)).toBe('203.0.113.5');
    expect(clientAddress(undefined, undefined, false)).toBe('unknown');
  });

  it('with N proxies takes the entry the outermost one added, whatever the client wrote before it', () => {
    expect(clientAddress('10.0.0.2', '127.0.0.1, 198.51.100.7', trust('1'))).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '1.1.1.1, 198.51.100.7, 10.0.0.3', trust('2'))).toBe('198.51.100.7');
    // Fewer entries than proxies: the furthest one known.
    expect(clientAddress('10.0.0.2', '198.51.100.7', trust('2'))).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '[2001:db8::1]:443', trust('1'))).toBe('2001:db8::1');
    expect(clientAddress('10.0.0.2', '198.51.100.7:5123', trust('1'))).toBe('198.51.100.7');
  });

  it('with trusted addresses walks from the socket leftwards to the first untrusted hop', () => {
    const proxies = trust('10.0.0.0/8, loopback');
    expect(clientAddress('10.0.0.2', '127.0.0.1, 198.51.100.7, 10.0.0.9', proxies)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:10.0.0.2', '198.51.100.7', proxies)).toBe('198.51.100.7');
    // A peer that is no trusted proxy is the client, whatever it claims.
    expect(clientAddress('203.0.113.5', '127.0.0.1', proxies)).toBe('203.0.113.5');
  });
});

describe('over HTTP behind one proxy (TRUST_PROXY=1)', () => {
  const planes: TestControlPlane[] = [];
  afterAll(async () => {
    for (const p of planes) await p.close();
  });

  async function serve(env: Record<string, string>) {
    const t = await buildTestControlPlane(env);
    planes.push(t);
    const { port } = await t.cp.listen(0, '127.0.0.1', { workers: false });
    /** A request as the proxy forwards it: the client's X-Forwarded-For, then the address the proxy saw. */
    const viaProxy = (path: string, claimed: string, seen: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'x-forwarded-for': `${claimed}, ${seen}`, ...headers } });
    return { t, viaProxy };
  }

  it('a new left-most entry per request does not escape the per-address limit', async () => {
    const { viaProxy } = await serve({ TRUST_PROXY: '1', RATE_LIMIT_IP_PER_MINUTE: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await viaProxy('/v1/me', `192.0.2.${i}`, '198.51.100.7')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // Another client behind the same proxy has its own budget.
    expect((await viaProxy('/v1/me', '192.0.2.1', '198.51.100.8')).status).toBe(401);
  });

  it('claiming to be this machine does not open the development outbox', async () => {
    const { t, viaProxy } = await serve({ TRUST_PROXY: '1', NODE_ENV: 'development', DEV_OUTBOX: 'true' });
    await t.api.register();
    const stranger = await t.api.register();
    for (const claimed of ['127.0.0.1', '::1']) {
      const anonymous = await viaProxy('/v1/dev/outbox', claimed, '198.51.100.7');
      expect(anonymous.status).toBe(404);
      const member = await viaProxy('/v1/dev/outbox', claimed, '198.51.100.7', {
        authorization: `Bearer ${stranger.token}`,
      });
      expect(member.status).toBe(404);
    }
  });
});
