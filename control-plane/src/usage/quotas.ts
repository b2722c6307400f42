// Enforcement where usage happens: publish admission against concurrent streams, the plan's API rate,
// and soft-limit warnings at 80 % and 100 % of monthly limits (once per app, meter, month and level).
import { createRateLimit, type DocumentStore, type EventPublisher, type RateLimit } from '@beamline/core';
import type { Redis } from 'ioredis';
import type { Ctx } from '../context';
import { streamRepos, type StreamDoc } from '../streams/repo';
import { claimReceipt, inUnits, type MeterName } from './meters';
import type { PlanStore } from './plan-store';
import type { Plan, PlanLimits, PlanName } from './plans';

/** A publish session whose edge is silent this long no longer holds a slot (as publish-auth's takeover rule). */
const SLOT_STALE_MS = 20_000;

export const SOFT_LEVELS = [
  { level: 'warning', ratio: 0.8 },
  { level: 'exceeded', ratio: 1 },
] as const;

/** Monthly meters that have a plan limit, and the limit's field. */
const METER_LIMITS: Partial<Record<MeterName, keyof PlanLimits>> = {
  viewer_minutes: 'viewerMinutesPerMonth',
  chat_mau: 'chatMau',
};

export interface PublishRefusal {
  reason: 'over_quota';
  message: string;
  at: string;
}

/** Streams of the app holding a live slot now (live, or disconnected within their reconnect window). */
export async function liveSlots(store: DocumentStore, appId: string, now: Date, except?: string): Promise<number> {
  const docs = await streamRepos(store)
    .forApp(appId)
    .streams.find({ liveSessionId: { $exists: true } });
  return docs.filter((s) => {
    if (s.id === except) return false;
    if (s.state === 'disconnected' && s.disconnectedAt)
      return now.getTime() - Date.parse(s.disconnectedAt) <= s.reconnectWindowSeconds * 1000;
    return s.lastSeenAt !== undefined && now.getTime() - Date.parse(s.lastSeenAt) <= SLOT_STALE_MS;
  }).length;
}

/**
 * Whether a new publish of `stream` fits the app's plan. When it does not, the refusal is kept on the
 * stream (shown as `publishRefusal` by the API) and usage.quota.exceeded is published.
 */
export async function admitPublish(ctx: Ctx, plans: PlanStore, stream: StreamDoc): Promise<'over_quota' | null> {
  const plan = await plans.planOf(stream.appId);
  const now = ctx.clock.now();
  const limit = plan.limits.concurrentStreams;
  const used = await liveSlots(ctx.store, stream.appId, now, stream.id);
  if (used < limit) return null;
  const refusal: PublishRefusal = {
    reason: 'over_quota',
    message: `The ${plan.title} plan allows ${limit} concurrent live stream${limit === 1 ? '' : 's'}; ${used} ${used === 1 ? 'is' : 'are'} live.`,
    at: now.toISOString(),
  };
  await streamRepos(ctx.store)
    .forApp(stream.appId)
    .streams.updateOne({ id: stream.id }, { set: { publishRefusal: refusal } });
  await ctx.events.publish(stream.appId, 'usage.quota.exceeded', {
    meter: 'concurrent_streams',
    limit,
    used,
    level: 'exceeded',
  });
  return 'over_quota';
}

/** The plan's API rate per app, shared across nodes through Redis when configured. */
export class PlanRateLimits {
  private readonly limiters = new Map<PlanName, { points: number; limit: RateLimit }>();

  constructor(private readonly redis?: Redis) {}

  /** Seconds to wait when the app is over its plan's rate, else null. */
  consume(appId: string, plan: Plan): Promise<number | null> {
    let entry = this.limiters.get(plan.name);
    if (!entry || entry.points !== plan.limits.apiRequestsPerMinute) {
      entry = {
        points: plan.limits.apiRequestsPerMinute,
        limit: createRateLimit({
          name: `plan-${plan.name}`,
          points: plan.limits.apiRequestsPerMinute,
          durationSeconds: 60,
          redis: this.redis,
        }),
      };
      this.limiters.set(plan.name, entry);
    }
    return entry.limit.consume(appId);
  }
}

/** Publishes a warning at 80 % and an exceeded at 100 % of a monthly limit, once each per month. */
export async function checkSoftLimits(
  deps: { store: DocumentStore; events: EventPublisher },
  plans: PlanStore,
  totals: Map<string, number>,
  now: Date,
): Promise<void> {
  for (const [key, base] of totals) {
    const [appId, meter, month] = key.split(':') as [string, MeterName, string];
    const field = METER_LIMITS[meter];
    if (!field) continue;
    const limit = (await plans.planOf(appId)).limits[field];
    if (limit === null || limit <= 0) continue;
    await warnAt(deps, { appId, meter, month, limit, used: inUnits(meter, base) }, now);
  }
}

export async function warnAt(
  deps: { store: DocumentStore; events: EventPublisher },
  q: { appId: string; meter: string; month: string; limit: number; used: number },
  now: Date,
): Promise<void> {
  for (const { level, ratio } of SOFT_LEVELS) {
    if (q.used < q.limit * ratio) continue;
    if (await claimReceipt(deps.store, `quota:${q.appId}:${q.meter}:${q.month}:${level}`, now))
      await deps.events.publish(q.appId, 'usage.quota.exceeded', {
        meter: q.meter,
        limit: q.limit,
        used: q.used,
        level,
      });
  }
}
