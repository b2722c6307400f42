// The lifecycle reaches developers as platform events: created, live, recording started, an error for a
// nearly full disk, offline, recording ready — received here through a webhook endpoint.
import { freePort, waitFor } from '@beamline/core/testing';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneRungProfile, publish, startEdgeTest, waitForStatus, type EdgeTest } from '../support';

interface Envelope {
  type: string;
  appId: string;
  data: { streamId?: string; reason?: string; recordingId?: string; durationSeconds?: number };
}

let t: EdgeTest;
let receiver: Server;
const received: Envelope[] = [];
let hookUrl: string;
beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Envelope);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${port}/hook`;
  // a free-space floor no disk meets, so the edge reports the disk on its first check
  t = await startEdgeTest({ WEBHOOK_POLL_INTERVAL_MS: '100', MIN_FREE_DISK_MB: '100000000' });
});
afterAll(async () => {
  await t?.close();
  receiver?.close();
});

describe('stream events', () => {
  it('publishes the lifecycle of a recorded live session, and a full disk as stream.error', async () => {
    const hook = await t.call('POST', '/webhooks', {
      url: hookUrl,
      events: [
        'stream.created',
        'stream.live',
        'stream.offline',
        'stream.error',
        'recording.started',
        'recording.ready',
      ],
    });
    expect(hook.status).toBe(201);
    const profileId = (await oneRungProfile(t.call)).id;
    const stream = (
      await t.call('POST', '/streams', { name: 'Evented', record: true, reconnectWindowSeconds: 0, profileId })
    ).body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 4 });
    await waitForStatus(t, stream.id, 'live');
    await publisher.exited;
    await waitForStatus(t, stream.id, 'idle');

    const mine = () => received.filter((e) => e.data.streamId === stream.id);
    const wanted = [
      'stream.created',
      'stream.live',
      'recording.started',
      'stream.error',
      'stream.offline',
      'recording.ready',
    ];
    await waitFor(() => wanted.every((type) => mine().some((e) => e.type === type)), {
      timeoutMs: 20_000,
      what: `events ${wanted.join(', ')}; got ${mine()
        .map((e) => e.type)
        .join(', ')}`,
    });
    const types = mine().map((e) => e.type);
    expect(types.indexOf('stream.live')).toBeLessThan(types.indexOf('stream.offline'));
    expect(mine().every((e) => e.appId === t.appId)).toBe(true);
    expect(mine().find((e) => e.type === 'stream.error')!.data.reason).toMatch(/^disk_full/);
    const ready = mine().find((e) => e.type === 'recording.ready')!;
    expect(ready.data.recordingId).toBe(mine().find((e) => e.type === 'recording.started')!.data.recordingId);
    expect(ready.data.durationSeconds).toBeGreaterThan(2);
    // one live session: one stream.live and one stream.offline
    expect(types.filter((x) => x === 'stream.live')).toHaveLength(1);
    expect(types.filter((x) => x === 'stream.offline')).toHaveLength(1);
  });
});
