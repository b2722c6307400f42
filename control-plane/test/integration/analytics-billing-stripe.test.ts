// The Stripe adapter of the payment-provider port, run against a local fake that speaks Stripe's HTTP API
// shape (test/stripe-fake.ts: same paths, auth, form bodies, idempotency replays and error body) — not
// against Stripe itself. The adapter is on only because STRIPE_SECRET_KEY is set here.
import {
  createEventPublisher,
  createLogger,
  EDGE_SIGNATURE_HEADER,
  EmbeddedStore,
  InProcessBus,
  SecretBox,
  signEdgeRequest,
} from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneDeps, createControlPlane, parseControlPlaneConfig, type ControlPlane } from '../../src';
import { ApiClient } from '../helpers';
import { startFakeStripe, type FakeStripe } from '../stripe-fake';

const EDGE_SECRET = 'edge-secret-for-stripe-tests-012';
const STRIPE_KEY = 'sk_test_fake_0123456789';
let now = new Date('2026-09-10T10:00:00.000Z');
let cp: ControlPlane;
let api: ApiClient;
let store: EmbeddedStore;
let stripe: FakeStripe;
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  stripe = await startFakeStripe(STRIPE_KEY);
  dir = tempDir();
  const config = parseControlPlaneConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir.path,
    JWT_SECRET: randomBytes(32).toString('hex'),
    EDGE_SECRET,
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    USAGE_JOBS: 'false',
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_API_BASE: stripe.url,
  });
  store = new EmbeddedStore({ dataDir: dir.path });
  const bus = new InProcessBus();
  const clock = { now: () => now };
  cp = await createControlPlane(
    controlPlaneDeps({
      config,
      store,
      bus,
      events: createEventPublisher({ store, bus, now: clock.now }),
      log: createLogger({ name: 'test', level: 'silent', pretty: false }),
      clock,
      secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
    }),
  );
  api = new ApiClient((path, init) => cp.http.app.request(path, init));
});
afterAll(async () => {
  await cp?.close();
  await store?.close();
  dir?.remove();
  await stripe?.close();
});

describe('Stripe adapter (against a local Stripe-shaped fake)', () => {
  it('sends the issued invoice: a customer, usage as meter events, items summing to the total, all idempotent', async () => {
    const owner = await api.register();
    const app = await api.createApp(owner.token, 'Billed app');
    const v1 = (path: string) => `/v1/apps/${app.appId}${path}`;
    const admin = { bearer: owner.token };
    await api.call('PUT', v1('/plan'), { auth: admin, body: { plan: 'pro' } });
    const stream = (await api.call('POST', v1('/streams'), { auth: admin, body: { name: 'Show' } })).body;
    const report = {
      edgeId: 'edge-stripe',
      seq: 0,
      to: now.getTime(),
      streams: [
        {
          streamId: stream.id,
          viewers: 9,
          bytes: 2_500e9,
          viewerSeconds: 61_200_000,
          ingestSeconds: 3_600,
          renditions: 2,
        },
      ],
    };
    const raw = JSON.stringify(report);
    const sent = await api.call('POST', '/internal/edge/usage', {
      raw,
      headers: {
        [EDGE_SIGNATURE_HEADER]: signEdgeRequest([EDGE_SECRET], {
          method: 'POST',
          path: '/internal/edge/usage',
          body: raw,
        }),
      },
    });
    expect(sent.status).toBe(200);

    now = new Date('2026-10-01T00:05:00.000Z');
    const issued = await api.call('POST', v1('/invoices'), { auth: admin, body: { period: '2026-09' } });
    expect(issued.status).toBe(201);
    const invoice = issued.body;
    expect(invoice.external).toMatchObject({ provider: 'stripe' });
    expect(invoice.external.invoiceId).toMatch(/^in_fake/);

    const customers = stripe.objects.get('customer')!;
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ name: 'Billed app', metadata: { appId: app.appId } });
    const items = stripe.objects.get('invoiceitem')!;
    expect(items.every((i) => i.invoice === invoice.external.invoiceId && i.customer === customers[0]!.id)).toBe(true);
    expect(items.reduce((n, i) => n + i.amount, 0)).toBe(invoice.totalCents);
    // pro: $199 + 20,000 viewer minutes over 1,000,000 at 0.08 ¢ + 500 GB over 2,000 at 5 ¢
    expect(invoice.totalCents).toBe(19_900 + 1_600 + 2_500);
    const meterEvents = stripe.objects.get('billing.meter_event')!;
    const viewerEvent = meterEvents.find((e) => e.event_name === 'beamline_viewer_minutes')!;
    expect(viewerEvent.payload).toEqual({ stripe_customer_id: customers[0]!.id, value: '1020000' });
    expect(viewerEvent.identifier).toBe(`${invoice.id}-viewer_minutes`);
    expect(stripe.requests.every((r) => r.idempotencyKey)).toBe(true);

    // issuing again returns the stored invoice and calls Stripe no more
    const calls = stripe.requests.length;
    const again = await api.call('POST', v1('/invoices'), { auth: admin, body: { period: '2026-09' } });
    expect(again.status).toBe(200);
    expect(again.body.external.invoiceId).toBe(invoice.external.invoiceId);
    expect(stripe.requests.length).toBe(calls);
  });
});
