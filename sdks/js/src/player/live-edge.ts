// How far behind the live edge hls.js plays a stream of short (low-latency) segments: one rule for every player.
// hls.js sits liveSyncDurationCount (3) × EXT-X-TARGETDURATION behind the edge, and the target duration is a whole
// number, so 0.5 s segments would play 3 s behind; here the distance follows the real segment length instead.
// Type imports only: the dashboard uses hls.js/light, the SDK the full build, and neither should pull in the other.
import type Hls from 'hls.js';
import type { HlsConfig, LevelDetails } from 'hls.js';

/** Segments this short or shorter (on average) mark a low-latency stream. */
export const SHORT_SEGMENT_SECONDS = 1;
/** How many segments behind the live edge the player aims to be. */
export const SEGMENTS_BEHIND = 2;
/** Never aim closer than this: a playlist refresh and a segment download must fit in the buffer. */
export const MIN_TARGET_LATENCY_SECONDS = 1;
/** A new target this close to the one in force is ignored: the average segment length jitters (29.97 fps). */
export const RETARGET_TOLERANCE_SECONDS = 0.25;
/** How fast hls.js may play to catch up after falling behind (pitch is kept); 1 would never catch up. */
export const CATCH_UP_PLAYBACK_RATE = 1.2;

export type LiveLevel = Pick<
  LevelDetails,
  'live' | 'averagetargetduration' | 'targetduration' | 'holdBack' | 'partHoldBack'
>;
type UserConfig = Pick<Partial<HlsConfig>, 'liveSyncDuration' | 'liveSyncDurationCount'>;

/**
 * The distance to the live edge, in seconds, a player should aim for on this level, or null to leave hls.js's own
 * choice: a recording, a stream of longer segments, a playlist that states its own HOLD-BACK (the server's word
 * wins), or an integrator who set liveSyncDuration or liveSyncDurationCount.
 */
export function liveTargetLatency(level: LiveLevel, userConfig: UserConfig): number | null {
  if (!level.live || level.holdBack > 0 || level.partHoldBack > 0) return null;
  if (userConfig.liveSyncDuration !== undefined || userConfig.liveSyncDurationCount !== undefined) return null;
  const segment = level.averagetargetduration || level.targetduration;
  if (!(segment > 0) || segment > SHORT_SEGMENT_SECONDS) return null;
  return Math.max(MIN_TARGET_LATENCY_SECONDS, Math.round(SEGMENTS_BEHIND * segment * 100) / 100);
}

/**
 * Applies liveTargetLatency to a player on every level update (call it from LEVEL_UPDATED, which hls.js fires
 * before it picks the first segment, so the player starts at the right place). Sets the target only when it
 * really changes, because setting it clears hls.js's stall allowance (one more second per stall). A level of long
 * segments after short ones gets hls.js's own distance back (HOLD-BACK, else liveSyncDurationCount segments).
 */
export function keepNearLiveEdge(hls: Hls, level: LiveLevel): void {
  if (!level.live) return;
  const user = hls.userConfig;
  const short = liveTargetLatency(level, user);
  const ours = user.liveSyncDuration === undefined && hls.config.liveSyncDuration !== undefined;
  const target =
    short ??
    (ours && user.liveSyncDurationCount === undefined
      ? level.holdBack || hls.config.liveSyncDurationCount * level.targetduration
      : null);
  if (target === null) return;
  const current = hls.config.liveSyncDuration;
  if (current === undefined || Math.abs(current - target) >= RETARGET_TOLERANCE_SECONDS) hls.targetLatency = target;
  // hls.js's default rate is 1 (no catch-up); only short-segment streams get to catch up.
  if (user.maxLiveSyncPlaybackRate === undefined) {
    hls.config.maxLiveSyncPlaybackRate = short ? CATCH_UP_PLAYBACK_RATE : 1;
  }
}
