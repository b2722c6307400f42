// The players' live-edge rule: short-segment streams play about two segments behind the edge (at least 1 s),
// everything else keeps hls.js's own distance, and an integrator's own setting always wins.
import Hls, { M3U8Parser, type HlsConfig, type LevelDetails } from 'hls.js';
import { describe, expect, it } from 'vitest';
import {
  CATCH_UP_PLAYBACK_RATE,
  keepNearLiveEdge,
  liveTargetLatency,
  type LiveLevel,
} from '../../src/player/live-edge';

/** A media playlist as the edge's ffmpeg writes it: a sliding window of `count` segments, no HOLD-BACK. */
function edgePlaylist(segmentSeconds: number, count = 6, extra = ''): LevelDetails {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.ceil(segmentSeconds)}`,
    '#EXT-X-MEDIA-SEQUENCE:40',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...(extra ? [extra] : []),
    ...Array.from({ length: count }, (_, i) => [`#EXTINF:${segmentSeconds.toFixed(6)},`, `seg_${40 + i}.ts`]).flat(),
    '',
  ];
  return M3U8Parser.parseLevelPlaylist(
    lines.join('\n'),
    'http://edge/hls/p/360p/index.m3u8',
    0,
    'main' as never,
    0,
    null,
  );
}

const level = (over: Partial<LiveLevel>): LiveLevel => ({
  live: true,
  averagetargetduration: 0.5,
  targetduration: 1,
  holdBack: 0,
  partHoldBack: 0,
  ...over,
});

/** A real hls.js instance whose latest level is `details`, as if the stream controller had just loaded it. */
function playerOn(details: LevelDetails, config: Partial<HlsConfig> = {}): Hls {
  const hls = new Hls(config);
  (hls as unknown as { streamController: { getLevelDetails(): LevelDetails } }).streamController.getLevelDetails = () =>
    details;
  return hls;
}

describe('liveTargetLatency', () => {
  it('aims two segments behind the live edge for segments of 1 s or less, never under 1 s', () => {
    expect(liveTargetLatency(level({ averagetargetduration: 0.5 }), {})).toBe(1);
    expect(liveTargetLatency(level({ averagetargetduration: 0.8 }), {})).toBe(1.6);
    expect(liveTargetLatency(level({ averagetargetduration: 1 }), {})).toBe(2);
    expect(liveTargetLatency(level({ averagetargetduration: 0.3 }), {})).toBe(1);
    // Before any average is known the target duration stands in.
    expect(liveTargetLatency(level({ averagetargetduration: undefined, targetduration: 1 }), {})).toBe(2);
  });

  it('uses the real segment length, not the whole-second EXT-X-TARGETDURATION', () => {
    const details = edgePlaylist(0.5);
    expect(details.targetduration).toBe(1);
    expect(liveTargetLatency(details, {})).toBe(1);
    expect(liveTargetLatency(edgePlaylist(1), {})).toBe(2);
  });

  it("leaves hls.js's choice for standard segments, recordings, HOLD-BACK playlists and integrators' settings", () => {
    expect(liveTargetLatency(edgePlaylist(2), {})).toBeNull();
    expect(liveTargetLatency(level({ averagetargetduration: 1.2, targetduration: 2 }), {})).toBeNull();
    expect(liveTargetLatency(level({ live: false }), {})).toBeNull();
    expect(liveTargetLatency(edgePlaylist(0.5, 6, '#EXT-X-SERVER-CONTROL:HOLD-BACK=3.0'), {})).toBeNull();
    expect(liveTargetLatency(level({ partHoldBack: 0.6 }), {})).toBeNull();
    expect(liveTargetLatency(level({}), { liveSyncDuration: 4 })).toBeNull();
    expect(liveTargetLatency(level({}), { liveSyncDurationCount: 4 })).toBeNull();
  });
});

describe('keepNearLiveEdge on a real hls.js instance', () => {
  it('starts a 0.5 s-segment stream 1 s behind the edge (hls.js alone: 3 s) and lets it catch up', () => {
    const details = edgePlaylist(0.5);
    const hls = playerOn(details, { lowLatencyMode: true });
    expect(hls.targetLatency).toBe(3);
    keepNearLiveEdge(hls, details);
    expect(hls.targetLatency).toBe(1);
    expect(details.edge - hls.liveSyncPosition!).toBeCloseTo(1, 5);
    expect(hls.config.maxLiveSyncPlaybackRate).toBe(CATCH_UP_PLAYBACK_RATE);
  });

  it('plays 1 s segments 2 s behind the edge', () => {
    const details = edgePlaylist(1);
    const hls = playerOn(details);
    keepNearLiveEdge(hls, details);
    expect(hls.targetLatency).toBe(2);
    expect(details.edge - hls.liveSyncPosition!).toBeCloseTo(2, 5);
  });

  it('changes nothing on a standard stream of 2 s segments', () => {
    const details = edgePlaylist(2);
    const hls = playerOn(details);
    keepNearLiveEdge(hls, details);
    expect(hls.targetLatency).toBe(6);
    expect(hls.config.liveSyncDuration).toBeUndefined();
    expect(hls.config.maxLiveSyncPlaybackRate).toBe(1);
  });

  it('sets the target once, so a playlist refresh keeps the allowance hls.js adds after a stall', () => {
    const details = edgePlaylist(0.5);
    const hls = playerOn(details);
    keepNearLiveEdge(hls, details);
    hls.trigger(Hls.Events.ERROR, {
      type: Hls.ErrorTypes.MEDIA_ERROR,
      details: Hls.ErrorDetails.BUFFER_STALLED_ERROR,
      fatal: false,
    } as never);
    expect(hls.targetLatency).toBe(2);
    keepNearLiveEdge(hls, details);
    expect(hls.targetLatency).toBe(2);
    // 29.97 fps segments: the average wanders by a few milliseconds, the target stays
    keepNearLiveEdge(hls, { ...level({}), averagetargetduration: 0.5505 });
    expect(hls.targetLatency).toBe(2);
  });

  it("gives a level of long segments hls.js's own distance back", () => {
    const short = edgePlaylist(0.5);
    const long = edgePlaylist(2);
    const hls = playerOn(short);
    keepNearLiveEdge(hls, short);
    (hls as unknown as { streamController: { getLevelDetails(): LevelDetails } }).streamController.getLevelDetails =
      () => long;
    keepNearLiveEdge(hls, long);
    expect(hls.targetLatency).toBe(6);
    expect(hls.config.maxLiveSyncPlaybackRate).toBe(1);
  });

  it("keeps the integrator's own liveSyncDuration, liveSyncDurationCount and catch-up rate", () => {
    const details = edgePlaylist(0.5);
    const byDuration = playerOn(details, { liveSyncDuration: 4 });
    keepNearLiveEdge(byDuration, details);
    expect(byDuration.targetLatency).toBe(4);
    const byCount = playerOn(details, { liveSyncDurationCount: 5 });
    keepNearLiveEdge(byCount, details);
    expect(byCount.targetLatency).toBe(5);
    const byRate = playerOn(details, { maxLiveSyncPlaybackRate: 1.5 });
    keepNearLiveEdge(byRate, details);
    expect(byRate.targetLatency).toBe(1);
    expect(byRate.config.maxLiveSyncPlaybackRate).toBe(1.5);
  });
});
