// The realtime node's configuration, parsed once and strictly from the environment.
import {
  booleanFlag,
  ConfigError,
  logLevel,
  masterKey,
  parseEnv,
  port,
  shutdownDrainMs,
  storeUrlEnv,
} from '@beamline/core';
import { z } from 'zod';

export const realtimeEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  REALTIME_PORT: port(8081),
  DATA_DIR: z.string().default('./data'),
  MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL')
    .optional(),
  /** `npm run cluster` without MongoDB: the embedded store the cluster shares over loopback. */
  STORE_URL: storeUrlEnv,
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Opens the API secrets that sign user tokens; the same key as the control plane's. */
  MASTER_KEY: masterKey,
  LOG_LEVEL: logLevel,
  LOG_PRETTY: booleanFlag.optional(),
  /** Comma-separated browser origins allowed to connect; empty allows any. */
  REALTIME_CORS_ORIGINS: z.string().optional(),
  CHAT_MESSAGES_PER_10S: z.coerce.number().int().min(1).max(10_000).default(20),
  CHAT_REACTIONS_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(5),
  REALTIME_REQUESTS_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(30),
  SHUTDOWN_DRAIN_MS: shutdownDrainMs,
};

export type RealtimeConfig = ReturnType<typeof parseRealtimeConfig>;

export function parseRealtimeConfig(env: Record<string, string | undefined>) {
  const config = parseEnv(realtimeEnv, env);
  if (config.REDIS_URL && !config.MONGODB_URL && !config.STORE_URL) {
    throw new ConfigError([
      'MONGODB_URL: required when REDIS_URL is set — several realtime nodes must share one store, and the embedded store belongs to one process (npm run cluster shares it through STORE_URL)',
    ]);
  }
  return config;
}
