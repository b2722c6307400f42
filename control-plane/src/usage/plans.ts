// The plan catalog: Free, Starter, Pro and Enterprise with their limits and prices, from configuration.
import { z } from '@hono/zod-openapi';

export const PLAN_NAMES = ['free', 'starter', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/** What a meter costs past what the plan includes; `unitPriceCents` may be fractional (e.g. 0.15). */
const Price = z.strictObject({
  included: z.number().min(0),
  unitPriceCents: z.number().min(0),
});

/** An upload is one request body, and the API reads at most 1 MB of one (1 KB is left for the rest). */
export const MAX_UPLOAD_BYTES = 1024 * 1024 - 1024;

const Limits = z.strictObject({
  concurrentStreams: z.number().int().min(0),
  maxRenditions: z.number().int().min(1),
  maxResolution: z.number().int().min(144),
  viewerMinutesPerMonth: z.number().min(0).nullable(),
  storageGb: z.number().min(0).nullable(),
  chatMau: z.number().int().min(0).nullable(),
  webhookEndpoints: z.number().int().min(0),
  teamSeats: z.number().int().min(1),
  apiRequestsPerMinute: z.number().int().min(1),
  /** The largest chat image an app may upload; the API's 1 MB request body limit bounds it. */
  maxUploadBytes: z.number().int().min(1024).max(MAX_UPLOAD_BYTES),
});

export const PlanSchema = z.strictObject({
  name: z.enum(PLAN_NAMES),
  title: z.string().min(1).max(60),
  currency: z.string().regex(/^[a-z]{3}$/),
  monthlyPriceCents: z.number().int().min(0),
  limits: Limits,
  prices: z.record(z.string(), Price),
});
export type Plan = z.infer<typeof PlanSchema>;
export type PlanLimits = Plan['limits'];

/** Limits of `null` are unlimited. Prices are per billing unit of the meter (minute, GB, GB-day, user, call). */
export const DEFAULT_PLANS: Record<PlanName, Plan> = {
  free: {
    name: 'free',
    title: 'Free',
    currency: 'usd',
    monthlyPriceCents: 0,
    limits: {
      concurrentStreams: 1,
      maxRenditions: 2,
      maxResolution: 720,
      viewerMinutesPerMonth: 10_000,
      storageGb: 5,
      chatMau: 100,
      webhookEndpoints: 2,
      teamSeats: 2,
      apiRequestsPerMinute: 600,
      maxUploadBytes: 512 * 1024,
    },
    prices: {},
  },
  starter: {
    name: 'starter',
    title: 'Starter',
    currency: 'usd',
    monthlyPriceCents: 2_900,
    limits: {
      concurrentStreams: 3,
      maxRenditions: 3,
      maxResolution: 1080,
      viewerMinutesPerMonth: 100_000,
      storageGb: 50,
      chatMau: 1_000,
      webhookEndpoints: 10,
      teamSeats: 5,
      apiRequestsPerMinute: 3_000,
      maxUploadBytes: MAX_UPLOAD_BYTES,
    },
    prices: {
      live_ingest_minutes: { included: 3_000, unitPriceCents: 2 },
      transcoded_rendition_minutes: { included: 6_000, unitPriceCents: 1 },
      viewer_minutes: { included: 50_000, unitPriceCents: 0.1 },
      egress_gb: { included: 100, unitPriceCents: 8 },
      recording_storage_gb_days: { included: 600, unitPriceCents: 0.1 },
      chat_mau: { included: 500, unitPriceCents: 2 },
    },
  },
  pro: {
    name: 'pro',
    title: 'Pro',
    currency: 'usd',
    monthlyPriceCents: 19_900,
    limits: {
      concurrentStreams: 20,
      maxRenditions: 5,
      maxResolution: 2160,
      viewerMinutesPerMonth: null,
      storageGb: 500,
      chatMau: 25_000,
      webhookEndpoints: 50,
      teamSeats: 25,
      apiRequestsPerMinute: 12_000,
      maxUploadBytes: MAX_UPLOAD_BYTES,
    },
    prices: {
      live_ingest_minutes: { included: 30_000, unitPriceCents: 1.5 },
      transcoded_rendition_minutes: { included: 90_000, unitPriceCents: 0.8 },
      viewer_minutes: { included: 1_000_000, unitPriceCents: 0.08 },
      egress_gb: { included: 2_000, unitPriceCents: 5 },
      recording_storage_gb_days: { included: 15_000, unitPriceCents: 0.08 },
      chat_mau: { included: 10_000, unitPriceCents: 1 },
      chat_messages: { included: 5_000_000, unitPriceCents: 0.001 },
    },
  },
  enterprise: {
    name: 'enterprise',
    title: 'Enterprise',
    currency: 'usd',
    monthlyPriceCents: 150_000,
    limits: {
      concurrentStreams: 500,
      maxRenditions: 8,
      maxResolution: 2160,
      viewerMinutesPerMonth: null,
      storageGb: null,
      chatMau: null,
      webhookEndpoints: 500,
      teamSeats: 500,
      apiRequestsPerMinute: 120_000,
      maxUploadBytes: MAX_UPLOAD_BYTES,
    },
    prices: {
      live_ingest_minutes: { included: 500_000, unitPriceCents: 1 },
      viewer_minutes: { included: 20_000_000, unitPriceCents: 0.05 },
      egress_gb: { included: 50_000, unitPriceCents: 3 },
    },
  },
};

export type PlanCatalog = Record<PlanName, Plan>;

/**
 * The catalog from configuration: PLANS_JSON overrides whole plans or parts of them
 * (e.g. `{"free":{"limits":{"concurrentStreams":2}}}`); the result is validated strictly.
 */
export function planCatalog(overridesJson: string | undefined): PlanCatalog {
  if (!overridesJson) return DEFAULT_PLANS;
  let overrides: unknown;
  try {
    overrides = JSON.parse(overridesJson);
  } catch {
    throw new Error('PLANS_JSON is not valid JSON');
  }
  if (!overrides || typeof overrides !== 'object') throw new Error('PLANS_JSON must be an object of plans');
  const out = { ...DEFAULT_PLANS };
  for (const [name, value] of Object.entries(overrides as Record<string, Record<string, unknown>>)) {
    if (!(PLAN_NAMES as readonly string[]).includes(name)) throw new Error(`PLANS_JSON: unknown plan "${name}"`);
    const base = DEFAULT_PLANS[name as PlanName];
    const merged = {
      ...base,
      ...value,
      name,
      limits: { ...base.limits, ...(value.limits as object | undefined) },
      prices: { ...base.prices, ...(value.prices as object | undefined) },
    };
    const parsed = PlanSchema.safeParse(merged);
    if (!parsed.success) throw new Error(`PLANS_JSON: plan "${name}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    out[name as PlanName] = parsed.data;
  }
  return out;
}
