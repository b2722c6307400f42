// Invoices: a statement per app and month computed from its meters and its plan's prices, kept once issued.
import { tenantCollection, type Collection, type DocumentStore, type IndexSpec } from '@beamline/core';
import { inUnits, METER_NAMES, METERS, readMeters, type MeterName } from './meters';
import type { Plan, PlanName } from './plans';

export interface InvoiceLine {
  /** The meter billed, or null for the plan's monthly fee. */
  meter: MeterName | null;
  description: string;
  /** Measured quantity in `unit` (the meter's value for the period). */
  quantity: number;
  unit: string;
  /** Part of the quantity the plan includes. */
  included: number;
  billableQuantity: number;
  unitPriceCents: number;
  amountCents: number;
}

export interface InvoiceDoc {
  id: string;
  appId: string;
  /** 'YYYY-MM' (UTC). */
  period: string;
  plan: PlanName;
  currency: string;
  status: 'draft' | 'issued';
  lines: InvoiceLine[];
  subtotalCents: number;
  totalCents: number;
  issuedAt?: string;
  /** The payment provider's copy, when one is configured. */
  external?: { provider: string; invoiceId: string; syncedAt: string };
  createdAt: string;
}

export const INVOICES_COLLECTION = 'invoices';
export const INVOICE_INDEXES: IndexSpec[] = [{ collection: INVOICES_COLLECTION, fields: ['appId', 'period'] }];

export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export function invoiceIdOf(appId: string, period: string): string {
  return `ivc_${appId.replace(/^app_/, '')}_${period.replace('-', '')}`;
}

/** The first instant of the month after `period`. */
export function periodEnd(period: string): Date {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1));
}

export function previousPeriod(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** The invoice of a period from the meters (base units) and the plan; the total is the sum of its lines. */
export function computeInvoice(
  appId: string,
  period: string,
  plan: Plan,
  meters: Record<MeterName, number>,
  now: Date,
): InvoiceDoc {
  const lines: InvoiceLine[] = [
    {
      meter: null,
      description: `${plan.title} plan, ${period}`,
      quantity: 1,
      unit: 'month',
      included: 0,
      billableQuantity: 1,
      unitPriceCents: plan.monthlyPriceCents,
      amountCents: plan.monthlyPriceCents,
    },
  ];
  for (const meter of METER_NAMES) {
    const quantity = inUnits(meter, meters[meter]);
    const price = plan.prices[meter];
    // a meter the plan does not price is shown, fully included
    const included = price ? price.included : quantity;
    const billableQuantity = round6(Math.max(0, quantity - included));
    const unitPriceCents = price?.unitPriceCents ?? 0;
    lines.push({
      meter,
      description: meter.replaceAll('_', ' '),
      quantity,
      unit: METERS[meter].unit,
      included,
      billableQuantity,
      unitPriceCents,
      amountCents: Math.round(billableQuantity * unitPriceCents),
    });
  }
  const subtotalCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  return {
    id: invoiceIdOf(appId, period),
    appId,
    period,
    plan: plan.name,
    currency: plan.currency,
    status: 'draft',
    lines,
    subtotalCents,
    totalCents: subtotalCents,
    createdAt: now.toISOString(),
  };
}

/** All apps' invoices, for the job that syncs them with the payment provider. */
export function allInvoices(store: DocumentStore): Collection<InvoiceDoc> {
  return store.collection<InvoiceDoc>(INVOICES_COLLECTION);
}

export function invoices(store: DocumentStore, appId: string) {
  return tenantCollection(allInvoices(store), appId);
}

/** The draft of a period, computed now (for the running month, or a closed one not yet issued). */
export async function draftInvoice(store: DocumentStore, appId: string, period: string, plan: Plan, now: Date) {
  return computeInvoice(appId, period, plan, await readMeters(store, appId, period), now);
}

/**
 * Issues the invoice of a closed period: stored once, so issuing again returns the same statement.
 * Usage that arrives later for that period stays on the meters but not on the issued invoice.
 */
export async function issueInvoice(
  store: DocumentStore,
  appId: string,
  period: string,
  plan: Plan,
  now: Date,
): Promise<{ invoice: InvoiceDoc; created: boolean }> {
  const coll = invoices(store, appId);
  const existing = await coll.findOne({ id: invoiceIdOf(appId, period) });
  if (existing) return { invoice: existing, created: false };
  const draft = await draftInvoice(store, appId, period, plan, now);
  const invoice: InvoiceDoc = { ...draft, status: 'issued', issuedAt: now.toISOString() };
  try {
    const { appId: _appId, ...doc } = invoice;
    return { invoice: await coll.insert(doc), created: true };
  } catch {
    // another node issued it first
    const winner = await coll.findOne({ id: invoice.id });
    if (winner) return { invoice: winner, created: false };
    throw new Error(`issuing ${invoice.id} failed`);
  }
}
