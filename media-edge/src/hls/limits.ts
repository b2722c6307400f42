// Per-address limits of the HLS edge (HLS_* variables): all requests, look-ups of playback ids the control plane
// does not know (each costs it a call), and new viewer ids per stream. In this process's memory; 0 turns one off.
import { createRateLimit, type RateLimit } from '@beamline/core';
import type { MediaEdgeConfig } from '../config';

export interface HlsLimits {
  /** Every /hls and /vod request, per address. */
  requests: RateLimit | null;
  /** Look-ups that found no stream, per address; past it, uncached look-ups are refused. */
  unknownPlayback: RateLimit | null;
  /** New viewer ids per address and stream; past it, the address counts as one viewer. */
  newViewers: RateLimit | null;
}

type LimitConfig = Pick<
  MediaEdgeConfig,
  'HLS_REQUESTS_PER_IP_PER_MINUTE' | 'HLS_UNKNOWN_PLAYBACK_PER_IP_PER_MINUTE' | 'HLS_NEW_VIEWERS_PER_IP_PER_HOUR'
>;

export function createHlsLimits(config: LimitConfig): HlsLimits {
  const limit = (name: string, points: number, durationSeconds: number) =>
    points > 0 ? createRateLimit({ name, points, durationSeconds }) : null;
  return {
    requests: limit('hls-requests', config.HLS_REQUESTS_PER_IP_PER_MINUTE, 60),
    unknownPlayback: limit('hls-unknown-playback', config.HLS_UNKNOWN_PLAYBACK_PER_IP_PER_MINUTE, 60),
    newViewers: limit('hls-new-viewers', config.HLS_NEW_VIEWERS_PER_IP_PER_HOUR, 3_600),
  };
}
