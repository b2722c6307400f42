// The usage, analytics and billing variables of the control plane's configuration.
import { booleanFlag } from '@beamline/core';
import { z } from 'zod';
import { PLAN_NAMES, planCatalog } from './plans';

export const usageEnv = {
  /** Overrides of the plan catalog as JSON, e.g. {"free":{"limits":{"concurrentStreams":2}}}. */
  PLANS_JSON: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return planCatalog(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** The plan of an app that was never given one. */
  DEFAULT_PLAN: z.enum(PLAN_NAMES).default('free'),
  /** Turns the Stripe adapter on (usage records and invoice sync); without it invoices stay local. */
  STRIPE_SECRET_KEY: z.string().min(8).optional(),
  /** Where the Stripe API is reached (a proxy, or a local stand-in in tests); default api.stripe.com. */
  STRIPE_API_BASE: z.url().optional(),
  /** How often buffered counts (API calls, chat) are written to the store. */
  USAGE_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  /** How long analytics buckets are kept, per resolution. */
  ANALYTICS_MINUTE_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(48),
  ANALYTICS_HOUR_RETENTION_DAYS: z.coerce.number().int().min(1).max(400).default(35),
  ANALYTICS_DAY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /** Whether this process runs the usage jobs (retention, storage metering, closing invoices). */
  USAGE_JOBS: booleanFlag.default(true),
};
