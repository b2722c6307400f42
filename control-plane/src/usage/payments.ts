// The payment-provider port, and its Stripe adapter (on only when STRIPE_SECRET_KEY is set): usage records
// as Stripe billing meter events and the invoice as Stripe invoice items plus an invoice, all idempotent.
import { tenantCollection, type DocumentStore } from '@beamline/core';
import Stripe from 'stripe';
import type { InvoiceDoc } from './invoices';

export interface PaymentProvider {
  readonly name: string;
  /** Sends an issued invoice (and its usage) to the provider; returns the provider's invoice id. */
  syncInvoice(invoice: InvoiceDoc, app: { id: string; name: string }): Promise<string>;
}

interface CustomerDoc {
  id: string;
  appId: string;
  provider: string;
  customerId: string;
}

export function stripeProvider(opts: { secretKey: string; apiBase?: string | undefined; store: DocumentStore }) {
  const base = opts.apiBase ? new URL(opts.apiBase) : null;
  const stripe = new Stripe(opts.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
        }
      : {}),
  });
  const customers = (appId: string) => tenantCollection(opts.store.collection<CustomerDoc>('billing_customers'), appId);

  async function customerOf(app: { id: string; name: string }): Promise<string> {
    const known = await customers(app.id).findOne({ id: `stripe:${app.id}` });
    if (known) return known.customerId;
    const created = await stripe.customers.create(
      { name: app.name, metadata: { appId: app.id } },
      { idempotencyKey: `customer-${app.id}` },
    );
    await customers(app.id).upsert(
      { id: `stripe:${app.id}` },
      { set: { customerId: created.id } },
      { id: `stripe:${app.id}`, provider: 'stripe', customerId: created.id },
    );
    return created.id;
  }

  const provider: PaymentProvider = {
    name: 'stripe',
    async syncInvoice(invoice, app) {
      const customer = await customerOf(app);
      for (const line of invoice.lines) {
        if (line.meter && line.quantity > 0)
          await stripe.billing.meterEvents.create(
            {
              event_name: `beamline_${line.meter}`,
              payload: { stripe_customer_id: customer, value: String(line.quantity) },
              identifier: `${invoice.id}-${line.meter}`,
              timestamp: Math.floor(Date.parse(invoice.issuedAt ?? invoice.createdAt) / 1000),
            },
            { idempotencyKey: `meter-${invoice.id}-${line.meter}` },
          );
      }
      const created = await stripe.invoices.create(
        {
          customer,
          currency: invoice.currency,
          collection_method: 'send_invoice',
          days_until_due: 30,
          auto_advance: false,
          metadata: { beamlineInvoiceId: invoice.id, appId: app.id, period: invoice.period },
        },
        { idempotencyKey: `invoice-${invoice.id}` },
      );
      for (const [i, line] of invoice.lines.entries()) {
        if (line.amountCents <= 0) continue;
        await stripe.invoiceItems.create(
          {
            customer,
            invoice: created.id,
            amount: line.amountCents,
            currency: invoice.currency,
            description: line.description,
            metadata: { beamlineInvoiceId: invoice.id, meter: line.meter ?? 'plan' },
          },
          { idempotencyKey: `item-${invoice.id}-${i}` },
        );
      }
      return created.id;
    },
  };
  return provider;
}
