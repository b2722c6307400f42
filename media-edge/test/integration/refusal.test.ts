// Publish admission: wrong, reset and disabled keys are refused at once and leave nothing behind;
// a second publisher on a live key is refused; a key reset cuts the live session.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneRungProfile, publish, startEdgeTest, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
const refusals: { reason: string; ms: number }[] = [];
beforeAll(async () => {
  t = await startEdgeTest();
  t.platform.mediaEdge.events.on('refused', (r: { reason: string; ms: number }) => refusals.push(r));
});
afterAll(() => t?.close());

const smallProfile = async () => (await oneRungProfile(t.call)).id;

/** Publishes to `key` and expects the edge to refuse: the publisher's connection ends within 200 ms of its publish. */
async function expectRefused(key: string, reason: string) {
  const before = refusals.length;
  const p = publish(`${t.rtmp}/${key}`, { seconds: 5 });
  const exited = await p.exited;
  expect(exited.code).not.toBe(0);
  expect(refusals.length).toBe(before + 1);
  const refusal = refusals[before]!;
  expect(refusal.reason).toBe(reason);
  expect(refusal.ms).toBeLessThan(200);
  expect(readdirSync(`${t.mediaDir}/live`)).toEqual([]);
}

describe('publish admission', () => {
  it('refuses an unknown key in under 200 ms and writes nothing', async () => {
    await expectRefused('lsk_thisKeyDoesNotExist0123456789abcdefghij', 'unknown_key');
  });

  it('refuses the old key after a reset and a disabled stream', async () => {
    const stream = (await t.call('POST', '/streams', { name: 'Reset me', profileId: await smallProfile() })).body;
    const reset = await t.call('POST', `/streams/${stream.id}/reset-key`);
    expect(reset.status).toBe(200);
    expect(reset.body.streamKey).not.toBe(stream.streamKey);
    await expectRefused(stream.streamKey, 'unknown_key');

    const disabled = await t.call('POST', `/streams/${stream.id}/disable`);
    expect(disabled.body.status).toBe('disabled');
    await expectRefused(reset.body.streamKey, 'disabled');
    const listed = await t.call('GET', '/streams?status=disabled');
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(stream.id);
  });

  it('refuses a second publisher on a live key, and a key reset cuts the live session', async () => {
    const stream = (
      await t.call('POST', '/streams', { name: 'Busy', profileId: await smallProfile(), reconnectWindowSeconds: 30 })
    ).body;
    const first = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 20 });
    try {
      await waitForStatus(t, stream.id, 'live');
      const second = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 5 });
      const exited = await second.exited;
      expect(exited.code).not.toBe(0);
      expect(first.proc.exitCode).toBeNull();
      expect((await t.call('GET', `/streams/${stream.id}`)).body.status).toBe('live');

      const cutAt = Date.now();
      await t.call('POST', `/streams/${stream.id}/reset-key`);
      const gone = await first.exited;
      expect(gone.at - cutAt).toBeLessThan(3_000);
      // a cut session ends at once, without waiting for the reconnect window
      await waitForStatus(t, stream.id, 'idle', 5_000);
    } finally {
      await first.stop();
    }
  });

  it('a disable during the reconnect window ends the session without waiting for the window', async () => {
    const stream = (
      await t.call('POST', '/streams', { name: 'Gone', profileId: await smallProfile(), reconnectWindowSeconds: 120 })
    ).body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 3 });
    await waitForStatus(t, stream.id, 'live');
    await publisher.exited;
    await waitForStatus(t, stream.id, 'disconnected');
    await t.call('POST', `/streams/${stream.id}/disable`);
    await waitForStatus(t, stream.id, 'disabled', 5_000);
  });
});
