// Test support for the media edge: testkit's platform with an app and ffmpeg publisher, plus playlist helpers.
import type { EdgeTest } from '@beamline/testkit';

export {
  ffprobe,
  publish,
  startEdgeTest,
  waitForStatus,
  type EdgeTest,
  type ProbedStream,
  type Publisher,
} from '@beamline/testkit';

/** A transcoding profile of one 144p rung in 1 s segments: quick to encode, quick to go live. */
export async function oneRungProfile(call: EdgeTest['call']): Promise<{ id: string }> {
  const res = await call('POST', '/transcoding-profiles', {
    name: 'One rung',
    renditions: [{ height: 144, videoBitrateKbps: 150 }],
    passthrough: false,
    segmentSeconds: 1,
    preset: 'ultrafast',
  });
  return res.body;
}

/** The first URI line of a playlist. */
export function firstUri(playlist: string): string {
  const line = playlist.split('\n').find((l) => l && !l.startsWith('#'));
  if (!line) throw new Error(`no URI in playlist:\n${playlist}`);
  return line.trim();
}

export async function text(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), headers: res.headers };
}
