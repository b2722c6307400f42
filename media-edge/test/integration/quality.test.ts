// A ladder slower than real time reaches developers as health.quality.drop (with ffmpeg's speed); a stream the
// edge encodes in real time raises none. Real ffmpeg publishers over RTMP, the event received through a webhook.
import { waitFor } from '@beamline/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '@beamline/testkit';
import { publish, startEdgeTest, waitForStatus, type EdgeTest, type Publisher } from '../support';

interface QualityDrop {
  type: string;
  appId: string;
  data: { streamId: string; speed?: number; reason: string };
}

/** The edge's rule (live/health-watch.ts): a speed below 0.95 for 10 s in a row is a quality drop. */
const SLOW_SPEED = 0.95;
const SLOW_SECONDS = 10;

let t: EdgeTest;
let receiver: Receiver;
const publishers: Publisher[] = [];
beforeAll(async () => {
  receiver = await startReceiver();
  t = await startEdgeTest({ WEBHOOK_POLL_INTERVAL_MS: '100', LIVE_FILES_GRACE_SECONDS: '1' });
  const hook = await t.call('POST', '/webhooks', { url: receiver.url, events: ['health.quality.drop'] });
  expect(hook.status).toBe(201);
});
afterAll(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  await t?.close();
  await receiver?.close();
});

const drops = (streamId: string) =>
  receiver.received.map((r) => JSON.parse(r.body) as QualityDrop).filter((e) => e.data.streamId === streamId);

/** The ladder speeds the edge reports for a stream in its stats heartbeat, as the API shows them. */
function watchSpeed(streamId: string) {
  const speeds: number[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const speed = (await t.call('GET', `/streams/${streamId}`)).body.ingest?.speed as number | undefined;
      if (speed !== undefined) speeds.push(speed);
      await new Promise((r) => setTimeout(r, 500)); // the sampling interval of this monitor, not a wait
    }
  })();
  return {
    speeds,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

async function createStream(body: { name: string; profileId?: string; latencyMode?: 'low' }) {
  const created = await t.call('POST', '/streams', { ...body, reconnectWindowSeconds: 0 });
  expect(created.status).toBe(201);
  return created.body as { id: string; rtmpUrl: string; streamKey: string };
}

function start(stream: { rtmpUrl: string; streamKey: string }, size: string): Publisher {
  const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 50, size });
  publishers.push(publisher);
  return publisher;
}

describe('quality drop', () => {
  it('reports a ladder slower than real time as health.quality.drop, and a real-time one not at all', async () => {
    // the default ladder on a 360p source (its 360p rung plus the source) keeps up: live for longer than the
    // slow window without an event
    const light = await createStream({ name: 'Keeps up' });
    const lightPublisher = start(light, '640x360');
    const lightSpeed = watchSpeed(light.id);
    await waitForStatus(t, light.id, 'live');
    await new Promise((r) => setTimeout(r, (SLOW_SECONDS + 1.5) * 1000));
    await lightSpeed.stop();
    await lightPublisher.stop();
    await waitForStatus(t, light.id, 'idle');
    expect(lightSpeed.speeds.length).toBeGreaterThan(10);
    expect(Math.min(...lightSpeed.speeds.slice(-5))).toBeGreaterThanOrEqual(SLOW_SPEED);

    // 1080p and 720p from a 1080p30 source at x264 slower, 0.07x to 0.2x on two cores. Low latency (no lookahead,
    // half-second segments) puts the first segments out within seconds all the same: the edge counts slow seconds
    // only once the stream is live, and cuts a ladder that has no segments after 30 s.
    const profile = await t.call('POST', '/transcoding-profiles', {
      name: 'Too heavy for this edge',
      renditions: [
        { height: 1080, videoBitrateKbps: 4500 },
        { height: 720, videoBitrateKbps: 2500 },
      ],
      passthrough: false,
      segmentSeconds: 0.5,
      preset: 'slower',
    });
    expect(profile.status).toBe(201);
    const heavy = await createStream({ name: 'Too slow', profileId: profile.body.id, latencyMode: 'low' });
    const startedAt = Date.now();
    const heavyPublisher = start(heavy, '1920x1080');
    const heavySpeed = watchSpeed(heavy.id);
    try {
      const [drop] = await waitFor(() => (drops(heavy.id).length ? drops(heavy.id) : null), {
        timeoutMs: 45_000,
        intervalMs: 100,
        what: 'health.quality.drop of the heavy stream',
      }).catch((err: Error) => {
        throw new Error(`${err.message}; speeds reported: ${heavySpeed.speeds.join(', ') || 'none'}`);
      });
      // a spell, not a sample: nothing is reported before the slow window has passed
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(SLOW_SECONDS * 1000);
      expect(drop!.type).toBe('health.quality.drop');
      expect(drop!.appId).toBe(t.appId);
      expect(drop!.data.reason).toBe('transcoder slower than real time');
      expect(drop!.data.speed).toBeGreaterThan(0);
      expect(drop!.data.speed).toBeLessThan(SLOW_SPEED);
      expect((await t.call('GET', `/streams/${heavy.id}`)).body.status).toBe('live');
    } finally {
      await heavySpeed.stop();
      await heavyPublisher.stop();
    }
    await waitForStatus(t, heavy.id, 'idle');
    // one report per slow spell, and none ever for the stream that kept up
    expect(drops(heavy.id)).toHaveLength(1);
    expect(drops(light.id)).toEqual([]);
  });
});
