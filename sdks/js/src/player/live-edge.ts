// How far behind the live edge hls.js plays a live stream: one rule for every player.
// hls.js alone sits liveSyncDurationCount (3) × EXT-X-TARGETDURATION behind the edge and never catches up, and the
// target duration is a whole number: 0.5 s segments would play 3 s behind, 2 s segments 6 s behind (8–9 s glass to
// glass). Here the distance follows the real segment length instead.
// Type imports only: the dashboard uses hls.js/light, the SDK the full build, and neither should pull in the other.
import type Hls from 'hls.js';
import type { HlsConfig, LevelDetails } from 'hls.js';

/** Segments this short or shorter (on average) mark a low-latency stream. */
export const SHORT_SEGMENT_SECONDS = 1;
/** How many short segments behind the live edge the player aims to be. */
export const SEGMENTS_BEHIND = 2;
/** Never aim closer than this: a playlist refresh and a segment download must fit in the buffer. */
export const MIN_TARGET_LATENCY_SECONDS = 1;
/**
 * Longer segments: the player aims one segment behind the live edge (the buffer ahead runs down by a segment
 * between two playlist updates) plus a margin for a late refresh and the download, both of which grow with the
 * segment: this share of a segment, and at least MIN_TARGET_LATENCY_SECONDS. 2 s segments play 3 s behind.
 */
export const LONG_SEGMENT_MARGIN = 0.5;
/** A new target this close to the one in force is ignored: the average segment length jitters (29.97 fps). */
export const RETARGET_TOLERANCE_SECONDS = 0.25;
/** How fast hls.js may play to catch up after falling behind (pitch is kept); 1 would never catch up. */
export const CATCH_UP_PLAYBACK_RATE = 1.2;
/** The same for longer segments, gentler (10 % faster is hard to notice): a viewer 3 s back takes 30 s to catch up. */
export const LONG_SEGMENT_CATCH_UP_PLAYBACK_RATE = 1.1;

export type LiveLevel = Pick<
  LevelDetails,
  'live' | 'averagetargetduration' | 'targetduration' | 'holdBack' | 'partHoldBack'
>;
type UserConfig = Pick<Partial<HlsConfig>, 'liveSyncDuration' | 'liveSyncDurationCount'>;

/** The average segment length of a level (its target duration before any average is known), or 0 if unknown. */
function segmentSeconds(level: LiveLevel): number {
  const segment = level.averagetargetduration || level.targetduration;
  return segment > 0 ? segment : 0;
}

/** How fast a player on this level may play to catch up with its aim. */
function catchUpRate(level: LiveLevel): number {
  return segmentSeconds(level) <= SHORT_SEGMENT_SECONDS ? CATCH_UP_PLAYBACK_RATE : LONG_SEGMENT_CATCH_UP_PLAYBACK_RATE;
}

/**
 * The distance to the live edge, in seconds, a player should aim for on this level, or null to leave hls.js's own
 * choice: a recording, a playlist that states its own HOLD-BACK (the server's word wins), or an integrator who set
 * liveSyncDuration or liveSyncDurationCount.
 */
export function liveTargetLatency(level: LiveLevel, userConfig: UserConfig): number | null {
  if (!level.live || level.holdBack > 0 || level.partHoldBack > 0) return null;
  if (userConfig.liveSyncDuration !== undefined || userConfig.liveSyncDurationCount !== undefined) return null;
  const segment = segmentSeconds(level);
  if (!segment) return null;
  const behind =
    segment <= SHORT_SEGMENT_SECONDS
      ? SEGMENTS_BEHIND * segment
      : segment + Math.max(MIN_TARGET_LATENCY_SECONDS, LONG_SEGMENT_MARGIN * segment);
  return Math.max(MIN_TARGET_LATENCY_SECONDS, Math.round(behind * 100) / 100);
}

/**
 * Applies liveTargetLatency to a player on every level update (call it from LEVEL_UPDATED, which hls.js fires
 * before it picks the first segment, so the player starts at the right place). Sets the target only when it
 * really changes, because setting it clears hls.js's stall allowance (one more second per stall). A level with its
 * own HOLD-BACK after one without gets hls.js's own distance back. Catching up needs hls.js's lowLatencyMode, which
 * both players turn on for live streams.
 */
export function keepNearLiveEdge(hls: Hls, level: LiveLevel): void {
  if (!level.live) return;
  const user = hls.userConfig;
  const ours = liveTargetLatency(level, user);
  const oursBefore = user.liveSyncDuration === undefined && hls.config.liveSyncDuration !== undefined;
  const target =
    ours ??
    (oursBefore && user.liveSyncDurationCount === undefined
      ? level.holdBack || hls.config.liveSyncDurationCount * level.targetduration
      : null);
  if (target === null) return;
  const current = hls.config.liveSyncDuration;
  if (current === undefined || Math.abs(current - target) >= RETARGET_TOLERANCE_SECONDS) hls.targetLatency = target;
  // hls.js's default rate is 1 (no catch-up); only a distance of our own comes with catch-up.
  if (user.maxLiveSyncPlaybackRate === undefined)
    hls.config.maxLiveSyncPlaybackRate = ours === null ? 1 : catchUpRate(level);
}
