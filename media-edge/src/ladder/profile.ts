// What the edge encodes a live stream into: the profile the control plane sent with the publish decision.
import type { EdgeProfile, LatencyMode } from '@beamline/protocol/edge';

/** The profile without its id: what the ladder's arguments are built from. */
export type LadderProfile = Omit<EdgeProfile, 'id'>;

/**
 * The longest segment of a low-latency stream. Players sit about two segments behind the live edge (the SDK's
 * live-edge rule), and a frame waits for its segment to close before anyone can fetch it: 0.5 s segments are what
 * brings glass-to-glass under 2.5 s without LL-HLS parts. Keyframes follow the segment length (args.ts).
 */
export const LOW_LATENCY_SEGMENT_SECONDS = 0.5;

/** Low latency: segments of at most LOW_LATENCY_SEGMENT_SECONDS. */
export function segmentSecondsOf(profile: LadderProfile, latency: LatencyMode): number {
  return latency === 'low' ? Math.min(profile.segmentSeconds, LOW_LATENCY_SEGMENT_SECONDS) : profile.segmentSeconds;
}

/** The variant names in master-playlist order: source first, then the ladder as given. */
export function variantNames(profile: LadderProfile): string[] {
  return [...(profile.passthrough ? ['source'] : []), ...profile.renditions.map((r) => r.name)];
}

/** The width ffmpeg's scale=-2:h gives for a source of w×h: the aspect kept, rounded to an even number. */
export function scaledWidth(sourceWidth: number, sourceHeight: number, height: number): number {
  return Math.floor(Math.round((height * sourceWidth) / sourceHeight) / 2) * 2;
}

/** The profile as applied to a source: renditions taller than the source are dropped (never upscaled). */
export function fitProfile(profile: LadderProfile, sourceHeight: number): LadderProfile {
  if (!sourceHeight) return profile;
  const fitting = profile.renditions.filter((r) => r.height <= sourceHeight);
  const smallest = [...profile.renditions].sort((a, b) => a.height - b.height)[0];
  const renditions = fitting.length || profile.passthrough || !smallest ? fitting : [smallest];
  return { ...profile, renditions };
}
