// Restream: the edge pushes the source to a second local RTMP server; a failing target affects nothing else and
// its error tells the tenant nothing of the network. Loopback targets are allowed here by the operator's list.
import { freePort, tempDir, waitFor } from '@beamline/core/testing';
import { isListening } from '@beamline/testkit';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobe, oneRungProfile, publish, startEdgeTest, text, waitForStatus, type EdgeTest } from '../support';

let t: EdgeTest;
const dir = tempDir('beamline-restream-');
beforeAll(async () => {
  t = await startEdgeTest({ RESTREAM_ALLOWED_HOSTS: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
  dir.remove();
});

describe('restream', () => {
  it('pushes the source to a second RTMP server while a dead target fails on its own', async () => {
    const port = await freePort();
    const deadPort = await freePort();
    const received = `${dir.path}/received.flv`;
    // a second RTMP server: ffmpeg listening for one publisher, keeping what it receives
    const receiver = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-listen',
        '1',
        '-i',
        `rtmp://127.0.0.1:${port}/live/target`,
        '-c',
        'copy',
        '-f',
        'flv',
        '-y',
        received,
      ],
      { stdio: 'ignore' },
    );
    const receiverExit = new Promise<number | null>((r) => receiver.once('exit', (code) => r(code)));
    await waitFor(() => isListening(port), { what: 'the receiving ffmpeg to listen' });
    const profile = await oneRungProfile(t.call);
    const created = await t.call('POST', '/streams', {
      name: 'Simulcast',
      profileId: profile.id,
      reconnectWindowSeconds: 0,
      restreamTargets: [
        { url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'target' },
        { url: `rtmp://127.0.0.1:${deadPort}/live`, streamKey: 'nobody-listens' },
      ],
    });
    expect(created.status).toBe(201);
    const stream = created.body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 6 });
    try {
      await waitForStatus(t, stream.id, 'live');
      const statuses = await waitFor(async () => {
        const s = (await t.call('GET', `/streams/${stream.id}`)).body;
        const [good, bad] = s.restreamTargets;
        return good.status === 'active' && bad.status === 'failed' ? s.restreamTargets : null;
      });
      expect(statuses[1].error).toBe('Could not connect to the destination, or it closed the connection.');
      expect(statuses[1].error).not.toMatch(/127\.0\.0\.1|refused|\d{4,5}/);
      expect((await text(stream.hlsUrl)).status).toBe(200);
    } finally {
      await publisher.exited;
    }
    const code = await Promise.race([
      receiverExit,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    if (code === 'timeout') receiver.kill('SIGKILL');
    expect(code).toBe(0);
    const probed = await ffprobe(received);
    const video = probed.streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(probed.streams.some((s) => s.codec_type === 'audio')).toBe(true);
    expect(Number(probed.format?.duration)).toBeGreaterThan(3);
  });
});
