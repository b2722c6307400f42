// The control plane's configuration, parsed once and strictly from the environment.
import { booleanFlag, logLevel, masterKey, parseEnv, port, proxyTrustVar, secret } from '@beamline/core';
import { z } from 'zod';
import { opsEnv } from './ops/config';
import { usageEnv } from './usage/config';
import { webhookEnv } from './webhooks/config';
import { accountSecurityEnv } from './security/config';
import { streamEnv } from './streams/config';
import { guestEnv } from './branding/config';

export const controlPlaneEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port(8080),
  DATA_DIR: z.string().default('./data'),
  MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
  REALTIME_PUBLIC_URL: z.url().default('http://localhost:8081'),
  RTMP_PUBLIC_URL: z.string().default('rtmp://localhost:1935/live'),
  HLS_PUBLIC_URL: z.url().default('http://localhost:8000'),
  JWT_SECRET: secret,
  EDGE_SECRET: secret,
  MASTER_KEY: masterKey,
  LOG_LEVEL: logLevel,
  LOG_PRETTY: booleanFlag.optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(30 * 86_400),
  KEY_ROTATION_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(86_400),
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().min(1).default(6_000),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(12_000),
  LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(100),
  /** false, true (one proxy), a number of proxies, or trusted proxy addresses/CIDRs (core/src/client-address.ts). */
  TRUST_PROXY: proxyTrustVar,
  ...accountSecurityEnv,
  ...webhookEnv,
  ...streamEnv,
  ...usageEnv,
  ...opsEnv,
  ...guestEnv,
};

export type ControlPlaneConfig = ReturnType<typeof parseControlPlaneConfig>;

export function parseControlPlaneConfig(env: Record<string, string | undefined>) {
  return parseEnv(controlPlaneEnv, env);
}
