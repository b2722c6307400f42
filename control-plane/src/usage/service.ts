// The usage service of one control plane: plans, meters, counters, quotas, invoices, and their background jobs.
import { appsCollection, EVENTS_TOPIC, USAGE_TOPIC } from '@beamline/core';
import type { EventEnvelope } from '@beamline/protocol';
import { ANALYTICS_COLLECTION, ANALYTICS_INDEXES, pruneBuckets } from '../analytics/buckets';
import type { Ctx } from '../context';
import type { ControlPlaneAdapters } from '../deps';
import { streamRepos, type StreamDoc } from '../streams/repo';
import { UsageCounters } from './counters';
import { applyEdgeReport, type EdgeUsageReport } from './edge-report';
import {
  allInvoices,
  INVOICE_INDEXES,
  INVOICES_COLLECTION,
  invoices,
  issueInvoice,
  previousPeriod,
  type InvoiceDoc,
} from './invoices';
import {
  addToMeters,
  claimReceipt,
  dayOf,
  METER_INDEXES,
  metersCollection,
  monthOf,
  receiptsCollection,
  USAGE_COLLECTIONS,
} from './meters';
import { stripeProvider, type PaymentProvider } from './payments';
import { APP_PLANS_COLLECTION, PlanStore } from './plan-store';
import { admitPublish, checkSoftLimits, PlanRateLimits, warnAt } from './quotas';

export const USAGE_INDEXES = [...METER_INDEXES, ...ANALYTICS_INDEXES, ...INVOICE_INDEXES];
/** Tenant collections of this feature, wiped with the app. */
export const USAGE_TENANT_COLLECTIONS = [
  USAGE_COLLECTIONS.meters,
  ANALYTICS_COLLECTION,
  APP_PLANS_COLLECTION,
  INVOICES_COLLECTION,
] as const;

const JOB_EVERY_MS = 10 * 60_000;
const RECEIPT_RETENTION_MS = 40 * 86_400_000;

export type UsageDeps = Pick<ControlPlaneAdapters, 'config' | 'store' | 'bus' | 'events' | 'log' | 'clock' | 'redis'>;

export class UsageService {
  readonly plans: PlanStore;
  readonly counters = new UsageCounters();
  readonly payments: PaymentProvider | null;
  private readonly rates: PlanRateLimits;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => Promise<void>)[] | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private readonly deps: UsageDeps) {
    this.plans = new PlanStore(deps.store, deps.config.PLANS_JSON, deps.config.DEFAULT_PLAN);
    this.rates = new PlanRateLimits(deps.redis);
    this.payments = deps.config.STRIPE_SECRET_KEY
      ? stripeProvider({
          secretKey: deps.config.STRIPE_SECRET_KEY,
          apiBase: deps.config.STRIPE_API_BASE,
          store: deps.store,
        })
      : null;
  }

  /** An edge report: false when it was a retry of one already applied. */
  async recordEdgeReport(report: EdgeUsageReport): Promise<boolean> {
    const now = this.deps.clock.now();
    const { fresh, totals } = await applyEdgeReport(this.deps.store, report, now);
    if (totals.size) await checkSoftLimits(this.deps, this.plans, totals, now);
    return fresh;
  }

  admitPublish(ctx: Ctx, stream: StreamDoc) {
    return admitPublish(ctx, this.plans, stream);
  }

  /** Seconds to wait when the app is over its plan's API rate, else null. */
  async apiRateWait(appId: string): Promise<number | null> {
    return this.rates.consume(appId, await this.plans.planOf(appId));
  }

  countApiCall(appId: string, scope: string, status: number) {
    this.counters.countApiCall(appId, scope, status);
  }

  /** Writes buffered counts now (also what the flush timer does). */
  flush(): Promise<void> {
    this.flushing ??= this.flushCounts().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushCounts(): Promise<void> {
    try {
      const now = this.deps.clock.now();
      const totals = await this.counters.flush(this.deps.store, now);
      if (totals.size) await checkSoftLimits(this.deps, this.plans, totals, now);
    } catch (err) {
      this.deps.log.warn({ err }, 'usage flush failed; retrying with the next one');
    }
  }

  async issue(appId: string, period: string): Promise<{ invoice: InvoiceDoc; created: boolean }> {
    const now = this.deps.clock.now();
    const result = await issueInvoice(this.deps.store, appId, period, await this.plans.planOf(appId), now);
    if (result.created && this.payments) return { invoice: await this.sync(result.invoice), created: true };
    return result;
  }

  /** Sends an issued invoice to the payment provider; a failure is logged and retried by the job. */
  async sync(invoice: InvoiceDoc): Promise<InvoiceDoc> {
    if (!this.payments || invoice.external) return invoice;
    const app = await appsCollection(this.deps.store).findOne({ id: invoice.appId });
    try {
      const external = {
        provider: this.payments.name,
        invoiceId: await this.payments.syncInvoice(invoice, { id: invoice.appId, name: app?.name ?? invoice.appId }),
        syncedAt: this.deps.clock.now().toISOString(),
      };
      return (
        (await invoices(this.deps.store, invoice.appId).updateOne({ id: invoice.id }, { set: { external } })) ?? invoice
      );
    } catch (err) {
      this.deps.log.warn({ err, invoiceId: invoice.id }, 'invoice sync with the payment provider failed');
      return invoice;
    }
  }

  /** Storage GB-days of yesterday, retention, and issuing last month's invoices. Safe on every node. */
  async runJobs(): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const c = this.deps.config;
    await pruneBuckets(store, now, {
      minute: c.ANALYTICS_MINUTE_RETENTION_HOURS * 3_600_000,
      hour: c.ANALYTICS_HOUR_RETENTION_DAYS * 86_400_000,
      day: c.ANALYTICS_DAY_RETENTION_DAYS * 86_400_000,
    });
    await receiptsCollection(store).deleteMany({
      createdAt: { $lt: new Date(now.getTime() - RECEIPT_RETENTION_MS).toISOString() },
    });
    await this.meterStorage(now);
    const period = previousPeriod(now);
    const billed = await metersCollection(store).find({ period });
    for (const appId of new Set(billed.map((m) => m.appId))) await this.issue(appId, period);
    if (this.payments)
      for (const open of await allInvoices(store).find({ external: { $exists: false } })) await this.sync(open);
  }

  /** Adds one day of each app's ready recordings to its storage GB-days (yesterday, once). */
  private async meterStorage(now: Date): Promise<void> {
    const yesterday = new Date(now.getTime() - 86_400_000);
    const day = dayOf(yesterday);
    const recordings = await streamRepos(this.deps.store).recordings.find({ status: 'ready' });
    const bytes = new Map<string, number>();
    for (const r of recordings) bytes.set(r.appId, (bytes.get(r.appId) ?? 0) + (r.sizeBytes ?? 0));
    for (const [appId, total] of bytes) {
      if (!(await claimReceipt(this.deps.store, `storage:${appId}:${day}`, now))) continue;
      await addToMeters(
        this.deps.store,
        [{ appId, meter: 'recording_storage_gb_days', amount: total, at: yesterday }],
        now,
      );
      const limit = (await this.plans.planOf(appId)).limits.storageGb;
      if (limit)
        await warnAt(this.deps, { appId, meter: 'storage_gb', month: monthOf(now), limit, used: total / 1e9 }, now);
    }
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = [
      await this.deps.bus.subscribe(EVENTS_TOPIC, (message) => {
        this.counters.countChatEvent(message as EventEnvelope, this.deps.clock.now());
      }),
      await this.deps.bus.subscribe(USAGE_TOPIC, (message) => {
        this.counters.countUsageFact(message as { type?: unknown }, this.deps.clock.now());
      }),
    ];
    const flush = setInterval(() => void this.flush(), this.deps.config.USAGE_FLUSH_MS);
    flush.unref();
    this.timers.push(flush);
    if (this.deps.config.USAGE_JOBS) {
      const run = () =>
        this.runJobs().catch((err: unknown) => this.deps.log.warn({ err }, 'usage jobs failed; next run retries'));
      const jobs = setInterval(run, JOB_EVERY_MS);
      jobs.unref();
      this.timers.push(jobs);
      const first = setTimeout(run, 5_000);
      first.unref();
      this.timers.push(first);
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const unsubscribe of this.unsubscribe ?? []) await unsubscribe();
    this.unsubscribe = null;
    await this.flush();
  }
}
