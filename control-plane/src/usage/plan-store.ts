// Which plan each app is on: stored per app, read through a short cache, changed by an app admin.
import { tenantCollection, type DocumentStore } from '@beamline/core';
import type { PlanCatalog, PlanName, Plan } from './plans';

export interface AppPlanDoc {
  id: string;
  appId: string;
  plan: PlanName;
  changedBy: string;
  changedAt: string;
}

export const APP_PLANS_COLLECTION = 'app_plans';
const CACHE_MS = 5_000;

export class PlanStore {
  private readonly cache = new Map<string, { plan: Plan; until: number }>();

  constructor(
    private readonly store: DocumentStore,
    readonly catalog: PlanCatalog,
    readonly defaultPlan: PlanName,
  ) {}

  private coll(appId: string) {
    return tenantCollection(this.store.collection<AppPlanDoc>(APP_PLANS_COLLECTION), appId);
  }

  async doc(appId: string): Promise<AppPlanDoc | null> {
    return this.coll(appId).findOne({ id: appId });
  }

  /** The plan of an app; within a few seconds of a change on another node. */
  async planOf(appId: string, now = Date.now()): Promise<Plan> {
    const hit = this.cache.get(appId);
    if (hit && hit.until > now) return hit.plan;
    const doc = await this.doc(appId);
    const plan = this.catalog[doc?.plan ?? this.defaultPlan];
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(appId, { plan, until: now + CACHE_MS });
    return plan;
  }

  async setPlan(appId: string, plan: PlanName, changedBy: string, at: Date): Promise<AppPlanDoc> {
    const doc = await this.coll(appId).upsert(
      { id: appId },
      { set: { plan, changedBy, changedAt: at.toISOString() } },
      { id: appId, plan, changedBy, changedAt: at.toISOString() },
    );
    this.cache.delete(appId);
    return doc;
  }
}
