// The media edge's configuration, parsed once and strictly from the environment.
import {
  allowedHostsVar,
  booleanFlag,
  logLevel,
  parseEnv,
  port,
  proxyTrustVar,
  secret,
  shutdownDrainMs,
} from '@beamline/core';
import { z } from 'zod';

export const mediaEdgeEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  RTMP_PORT: port(1935),
  HLS_PORT: port(8000),
  CONTROL_PLANE_URL: z.url().default('http://127.0.0.1:8080'),
  EDGE_SECRET: secret,
  /** The edge secret being rotated out: still accepted, and signed with beside EDGE_SECRET. */
  EDGE_SECRET_PREVIOUS: secret.optional(),
  /** Hosts, IP addresses or CIDR ranges a restream may connect to although they are loopback or private. */
  RESTREAM_ALLOWED_HOSTS: allowedHostsVar,
  /** How the control plane reaches this edge (recording deletion); defaults to loopback on HLS_PORT. */
  EDGE_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  /** Live and recorded media; DATA_DIR/media when unset. */
  MEDIA_DIR: z.string().optional(),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  LOG_LEVEL: logLevel,
  LOG_PRETTY: booleanFlag.optional(),
  STATS_INTERVAL_MS: z.coerce.number().int().min(200).max(60_000).default(2_000),
  USAGE_INTERVAL_MS: z.coerce.number().int().min(500).max(300_000).default(5_000),
  LIVE_FILES_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  MIN_FREE_DISK_MB: z.coerce.number().int().min(0).default(500),
  PLAYBACK_CACHE_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  HLS_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(256),
  HLS_CACHE_IDLE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  SHUTDOWN_DRAIN_MS: shutdownDrainMs,
  /**
   * Proxies in front of the HLS port, as TRUST_PROXY is for the API (off, their number, or their addresses): the
   * client's address for per-address limits and viewer ids is then read from X-Forwarded-For. A variable of its
   * own, as the HLS port is often served directly while the API sits behind a proxy.
   */
  HLS_TRUST_PROXY: proxyTrustVar,
  /** HLS requests per client address (IPv6: per /64) and minute; 0 turns the limit off (load tests). */
  HLS_REQUESTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  /** Look-ups of playback ids that turn out unknown, per address and minute; 0 turns the limit off. */
  HLS_UNKNOWN_PLAYBACK_PER_IP_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  /** New viewer ids an address gets per public stream and hour; past it, it counts as one viewer. 0: no limit. */
  HLS_NEW_VIEWERS_PER_IP_PER_HOUR: z.coerce.number().int().min(0).default(30),
  /** Viewers an edge keeps per stream at most (beyond, new ones are not counted until others leave). */
  HLS_VIEWERS_PER_STREAM_MAX: z.coerce.number().int().min(1).default(100_000),
};

export type MediaEdgeConfig = ReturnType<typeof parseMediaEdgeConfig>;

export function parseMediaEdgeConfig(env: Record<string, string | undefined>) {
  return parseEnv(mediaEdgeEnv, env);
}
