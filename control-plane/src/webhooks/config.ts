// The webhook variables of the control plane's configuration.
import { allowedHostsVar, booleanFlag } from '@beamline/core';
import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from './retry';

export const webhookEnv = {
  /** Hosts, IP addresses or CIDR ranges a webhook may reach although they are loopback or private. */
  WEBHOOK_ALLOWED_HOSTS: allowedHostsVar,
  /** Waits between attempts ("5s,30s,2m"): n waits make n + 1 attempts. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .transform((v, ctx) => {
      const schedule = parseRetrySchedule(v);
      if (!schedule) {
        ctx.addIssue({ code: 'custom', message: 'must be durations like "5s,30s,2m,1h" (ms, s, m, h, d; up to 7d)' });
        return z.NEVER;
      }
      return schedule;
    }),
  /** How long dispatched events stay in the outbox (redelivery reads them); 0 prunes on the next pass. */
  EVENT_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Attempts one process keeps in flight at once. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** How often the dispatcher looks for due work when no event wakes it. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Deliveries in a row that end failed before the endpoint is disabled. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Whether this process runs a dispatcher (API-only nodes of a cluster may turn it off). */
  WEBHOOK_DISPATCHER: booleanFlag.default(true),
};
