// The players' live-edge rule: short-segment streams play about two segments behind the edge (at least 1 s),
// longer ones one segment and a margin behind (3 s for 2 s segments) with a gentle catch-up, HOLD-BACK playlists
// keep hls.js's own distance, and an integrator's own setting always wins.
import Hls, { M3U8Parser, type HlsConfig, type LevelDetails } from 'hls.js';
import { describe, expect, it } from 'vitest';
import {
  CATCH_UP_PLAYBACK_RATE,
  keepNearLiveEdge,
  LONG_SEGMENT_CATCH_UP_PLAYBACK_RATE,
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

/**
 * A stand-in <video> attached to hls.js's latency controller only (the other controllers need Media Source
 * Extensions): `at(seconds)` moves the playhead and fires timeupdate, as playback would; the buffer reaches `edge`.
 */
function videoOn(hls: Hls, edge: number) {
  let onTimeupdate = () => {};
  const media = {
    currentTime: 0,
    playbackRate: 1,
    buffered: { length: 1, start: () => 0, end: () => edge },
    addEventListener: (_type: string, listener: () => void) => (onTimeupdate = listener),
    removeEventListener: () => {},
  };
  const latency = (hls as unknown as { latencyController: { onMediaAttached(e: string, d: object): void } })
    .latencyController;
  latency.onMediaAttached(Hls.Events.MEDIA_ATTACHED, { media });
  return {
    media,
    at(seconds: number) {
      media.currentTime = seconds;
      onTimeupdate();
    },
  };
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

  it('aims one segment and a margin of half of one (at least 1 s) behind for longer segments', () => {
    // the standard 2 s segments: 3 s, where hls.js alone sits three target durations (6 s) behind
    expect(liveTargetLatency(edgePlaylist(2), {})).toBe(3);
    expect(liveTargetLatency(level({ averagetargetduration: 2.002, targetduration: 2 }), {})).toBe(3);
    expect(liveTargetLatency(level({ averagetargetduration: 1.2, targetduration: 2 }), {})).toBe(2.2);
    expect(liveTargetLatency(edgePlaylist(4), {})).toBe(6);
    expect(liveTargetLatency(edgePlaylist(6), {})).toBe(9);
    // no step back at the border with short segments
    expect(liveTargetLatency(level({ averagetargetduration: 1.01, targetduration: 2 }), {})).toBe(2.01);
  });

  it("leaves hls.js's choice for recordings, HOLD-BACK playlists and integrators' settings", () => {
    expect(liveTargetLatency(level({ live: false }), {})).toBeNull();
    expect(liveTargetLatency(edgePlaylist(2, 6, '#EXT-X-SERVER-CONTROL:HOLD-BACK=6.0'), {})).toBeNull();
    expect(liveTargetLatency(edgePlaylist(0.5, 6, '#EXT-X-SERVER-CONTROL:HOLD-BACK=3.0'), {})).toBeNull();
    expect(liveTargetLatency(level({ partHoldBack: 0.6 }), {})).toBeNull();
    expect(liveTargetLatency(level({}), { liveSyncDuration: 4 })).toBeNull();
    expect(liveTargetLatency(level({}), { liveSyncDurationCount: 4 })).toBeNull();
    expect(liveTargetLatency(edgePlaylist(2), { liveSyncDurationCount: 3 })).toBeNull();
  });
});

describe('keepNearLiveEdge on a real hls.js instance', () => {
  it.each([
    { segment: 0.5, alone: 3, behind: 1, rate: CATCH_UP_PLAYBACK_RATE },
    // the standard stream: a gentler catch-up
    { segment: 2, alone: 6, behind: 3, rate: LONG_SEGMENT_CATCH_UP_PLAYBACK_RATE },
  ])(
    'starts a stream of $segment s segments $behind s behind the edge (hls.js alone: $alone s), catch-up up to $rate x',
    ({ segment, alone, behind, rate }) => {
      const details = edgePlaylist(segment);
      const hls = playerOn(details, { lowLatencyMode: true });
      expect(hls.targetLatency).toBe(alone);
      expect(hls.config.maxLiveSyncPlaybackRate).toBe(1);
      keepNearLiveEdge(hls, details);
      expect(hls.targetLatency).toBe(behind);
      expect(details.edge - hls.liveSyncPosition!).toBeCloseTo(behind, 5);
      expect(hls.config.maxLiveSyncPlaybackRate).toBe(rate);
    },
  );

  it('plays 1 s segments 2 s behind the edge', () => {
    const details = edgePlaylist(1);
    const hls = playerOn(details);
    keepNearLiveEdge(hls, details);
    expect(hls.targetLatency).toBe(2);
    expect(details.edge - hls.liveSyncPosition!).toBeCloseTo(2, 5);
  });

  it('lets a viewer who is behind on 2 s segments catch up at 1.1x, and plays at 1x once there', () => {
    const details = edgePlaylist(2);
    const hls = playerOn(details, { lowLatencyMode: true });
    keepNearLiveEdge(hls, details);
    const video = videoOn(hls, details.edge);
    video.at(details.edge - 5); // joined late: 2 s further back than the aim
    expect(hls.latency).toBeCloseTo(5, 1);
    expect(video.media.playbackRate).toBe(1.1);
    video.at(details.edge - 3);
    expect(video.media.playbackRate).toBe(1);
  });

  it('leaves hls.js alone (no catch-up) where the rule does not apply: the same viewer stays 5 s behind', () => {
    const details = edgePlaylist(2);
    const hls = playerOn(details, { lowLatencyMode: true, liveSyncDurationCount: 3 });
    keepNearLiveEdge(hls, details);
    expect(hls.targetLatency).toBe(6);
    const video = videoOn(hls, details.edge);
    video.at(details.edge - 5);
    expect(video.media.playbackRate).toBe(1);
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

  it('follows a level of other segments: 0.5 s, then 2 s, then a playlist with its own HOLD-BACK', () => {
    const short = edgePlaylist(0.5);
    const long = edgePlaylist(2);
    const held = edgePlaylist(2, 6, '#EXT-X-SERVER-CONTROL:HOLD-BACK=8.0');
    const hls = playerOn(short);
    keepNearLiveEdge(hls, short);
    expect(hls.config.maxLiveSyncPlaybackRate).toBe(CATCH_UP_PLAYBACK_RATE);
    const loaded = (details: LevelDetails) =>
      ((hls as unknown as { streamController: { getLevelDetails(): LevelDetails } }).streamController.getLevelDetails =
        () => details);
    loaded(long);
    keepNearLiveEdge(hls, long);
    expect(hls.targetLatency).toBe(3);
    expect(hls.config.maxLiveSyncPlaybackRate).toBe(LONG_SEGMENT_CATCH_UP_PLAYBACK_RATE);
    loaded(held);
    keepNearLiveEdge(hls, held);
    expect(hls.targetLatency).toBe(8);
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
    // on 2 s segments too, including an integrator who wants no catch-up at all
    const standard = edgePlaylist(2);
    const noCatchUp = playerOn(standard, { maxLiveSyncPlaybackRate: 1 });
    keepNearLiveEdge(noCatchUp, standard);
    expect(noCatchUp.targetLatency).toBe(3);
    expect(noCatchUp.config.maxLiveSyncPlaybackRate).toBe(1);
    const byCountStandard = playerOn(standard, { liveSyncDurationCount: 3 });
    keepNearLiveEdge(byCountStandard, standard);
    expect(byCountStandard.targetLatency).toBe(6);
    expect(byCountStandard.config.maxLiveSyncPlaybackRate).toBe(1);
  });
});
