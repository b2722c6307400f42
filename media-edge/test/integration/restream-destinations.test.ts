// Restream targets pass the destination policy: loopback, private, link-local and metadata addresses are refused
// when saved (REST) and again by the edge right before it connects (a target saved earlier, or DNS that changed);
// the tenant's error says nothing of the network.
import { waitFor } from '@beamline/core/testing';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ControlPlaneClient, type PublishDecision } from '../../src/control-plane';
import { publish, startEdgeTest, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
let listener: Server;
let connections = 0;
let port = 0;
beforeAll(async () => {
  t = await startEdgeTest({ RESTREAM_ALLOWED_HOSTS: '' });
  // stands in for a service on the edge's network: it counts who connects
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
  await new Promise((r) => listener?.close(r));
});

const INTERNAL = [
  () => `rtmp://127.0.0.1:${port}/live`,
  () => 'rtmp://10.0.0.3:1935/live',
  () => 'rtmp://169.254.169.254/latest',
  () => `rtmp://[::ffff:127.0.0.1]:${port}/live`,
  () => `rtmp://[::127.0.0.1]:${port}/live`,
  () => 'rtmps://0x7f000001/live',
  () => `rtmp://localhost:${port}/live`,
];

describe('restream destinations', () => {
  it('refuses internal addresses when a stream is created or changed, with a stable code', async () => {
    const stream = (
      await t.call('POST', '/streams', {
        name: 'Simulcast',
        restreamTargets: [{ url: 'rtmp://93.184.216.34/live', streamKey: 'public' }],
      })
    ).body;
    expect(stream.restreamTargets).toHaveLength(1);
    for (const url of INTERNAL.map((f) => f())) {
      const created = await t.call('POST', '/streams', { name: 'Probe', restreamTargets: [{ url, streamKey: 'k' }] });
      expect(created.status, url).toBe(400);
      expect(created.body.error).toMatchObject({
        code: 'restream_url_not_allowed',
        details: { field: 'restreamTargets.0.url' },
      });
      const changed = await t.call('PATCH', `/streams/${stream.id}`, {
        restreamTargets: [
          { url: 'rtmp://93.184.216.34/live', streamKey: 'public' },
          { url, streamKey: 'k' },
        ],
      });
      expect(changed.status, url).toBe(400);
      expect(changed.body.error).toMatchObject({
        code: 'restream_url_not_allowed',
        details: { field: 'restreamTargets.1.url' },
      });
    }
    const kept = (await t.call('GET', `/streams/${stream.id}`)).body;
    expect(kept.restreamTargets.map((x: { url: string }) => x.url)).toEqual(['rtmp://93.184.216.34/live']);
    expect((await t.call('GET', '/streams')).body.data).toHaveLength(1);
    expect(connections).toBe(0);
  });

  it('the edge checks again before connecting, and the tenant sees a plain refusal', async () => {
    const stream = (
      await t.call('POST', '/streams', {
        name: 'Rebound',
        reconnectWindowSeconds: 0,
        restreamTargets: [{ url: 'rtmp://93.184.216.34/live', streamKey: 'public' }],
      })
    ).body;
    // the name the target was saved with now leads inside: the decision the edge receives says so
    const original = ControlPlaneClient.prototype.publishAuth;
    vi.spyOn(ControlPlaneClient.prototype, 'publishAuth').mockImplementation(async function (
      this: ControlPlaneClient,
      key: string,
    ): Promise<PublishDecision> {
      const decision = await original.call(this, key);
      if (!decision.allow) return decision;
      return {
        ...decision,
        restreamTargets: decision.restreamTargets.map((x) => ({ ...x, url: `rtmp://127.0.0.1:${port}/live` })),
      };
    });
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 8 });
    try {
      await waitForStatus(t, stream.id, 'live');
      const [target] = await waitFor(async () => {
        const s = (await t.call('GET', `/streams/${stream.id}`)).body;
        return s.restreamTargets[0].status === 'failed' ? s.restreamTargets : null;
      });
      expect(target.error).toBe('The destination is not allowed: restream targets must be public addresses.');
      expect(target.error).not.toContain('127.0.0.1');
      expect(connections).toBe(0);
    } finally {
      vi.restoreAllMocks();
      await publisher.stop();
    }
  });
});
