// Meters, plans, quotas and invoices through the HTTP routes and the internal edge API (in-process, set clock).
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
import {
  controlPlaneDeps,
  createControlPlane,
  parseControlPlaneConfig,
  type ControlPlane,
  type ControlPlaneDeps,
} from '../../src';
import type { RecordingDoc } from '../../src/streams/repo';
import { ApiClient } from '../helpers';

const EDGE_SECRET = 'edge-secret-for-usage-tests-0123';
let now = new Date('2026-10-15T12:00:00.000Z');
let cp: ControlPlane;
let api: ApiClient;
let store: EmbeddedStore;
let publisher: ReturnType<typeof createEventPublisher>;
let deps: ControlPlaneDeps;
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  dir = tempDir();
  const config = parseControlPlaneConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir.path,
    JWT_SECRET: randomBytes(32).toString('hex'),
    EDGE_SECRET,
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    USAGE_JOBS: 'false',
    USAGE_FLUSH_MS: '100',
    PLANS_JSON: JSON.stringify({ free: { limits: { apiRequestsPerMinute: 40 } } }),
  });
  store = new EmbeddedStore({ dataDir: dir.path });
  const bus = new InProcessBus();
  const clock = { now: () => now };
  publisher = createEventPublisher({ store, bus, now: clock.now });
  deps = controlPlaneDeps({
    config,
    store,
    bus,
    events: publisher,
    log: createLogger({ name: 'test', level: 'silent', pretty: false }),
    clock,
    secretBox: new SecretBox(Buffer.from(config.MASTER_KEY, 'hex')),
  });
  cp = await createControlPlane(deps);
  api = new ApiClient((path, init) => cp.http.app.request(path, init));
  await cp.listen(0, '127.0.0.1'); // starts the usage service: bus counts and periodic flushes
});
afterAll(async () => {
  await cp.close();
  await store.close();
  dir.remove();
});

const edge = (body: unknown) => {
  const raw = JSON.stringify(body);
  const signature = signEdgeRequest([EDGE_SECRET], { method: 'POST', path: '/internal/edge/usage', body: raw });
  return api.call('POST', '/internal/edge/usage', { raw, headers: { [EDGE_SIGNATURE_HEADER]: signature } });
};
const events = (appId: string, type: string) =>
  store.collection<{ id: string; appId: string; type: string; data: any }>('events').find({ appId, type });

async function newApp() {
  const owner = await api.register();
  const app = await api.createApp(owner.token);
  const auth = { basic: [app.key, app.secret] as [string, string] };
  const v1 = (path: string) => `/v1/apps/${app.appId}${path}`;
  const stream = (await api.call('POST', v1('/streams'), { auth, body: { name: 'Show' } })).body;
  return { owner, app, auth, v1, stream };
}

describe('meters from edge reports', () => {
  it('counts a report once however often it is sent, and feeds analytics', async () => {
    const { auth, v1, stream } = await newApp();
    const report = (seq: number) => ({
      edgeId: 'edge-test-1',
      seq,
      from: now.getTime() - 5_000,
      to: now.getTime(),
      streams: [
        { streamId: stream.id, viewers: 2, bytes: 1_500_000, viewerSeconds: 10, ingestSeconds: 5, renditions: 3 },
      ],
    });
    for (let i = 0; i < 3; i++) expect((await edge(report(1))).status).toBe(200);
    expect((await edge(report(2))).status).toBe(200);
    expect((await edge(report(2))).status).toBe(200);
    const usage = (await api.call('GET', v1('/usage'), { auth })).body;
    const meter = (name: string) => usage.meters.find((m: { meter: string }) => m.meter === name).value;
    expect(usage.period).toBe('2026-10');
    expect(meter('viewer_minutes')).toBeCloseTo(20 / 60, 5);
    expect(meter('egress_gb')).toBeCloseTo(0.003, 9);
    expect(meter('live_ingest_minutes')).toBeCloseTo(10 / 60, 5);
    expect(meter('transcoded_rendition_minutes')).toBeCloseTo(30 / 60, 5);
    const tl = (await api.call('GET', v1(`/analytics/streams/${stream.id}/timeline?range=24h`), { auth })).body;
    expect(tl.resolution).toBe('minute');
    expect(tl.points).toHaveLength(1);
    expect(tl.points[0]).toMatchObject({ viewers: 2, bytesServed: 3_000_000, watchMinutes: 0.333 });
    const overview = (await api.call('GET', v1('/analytics/overview?range=24h'), { auth })).body;
    expect(overview).toMatchObject({ peakViewers: 2, bytesServed: 3_000_000 });
    const top = (await api.call('GET', v1('/analytics/top-streams?range=7d'), { auth })).body;
    expect(top.data[0]).toMatchObject({ streamId: stream.id, name: 'Show', peakViewers: 2 });
    const csv = await api.call('GET', v1(`/analytics/export?range=24h&format=csv&streamId=${stream.id}`), { auth });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((csv.body as string).split('\n')[0]).toBe(
      'start,viewers,watchMinutes,bytesServed,ingestMinutes,messages,reactions,chatJoins,apiCalls,api2xx,api4xx,api5xx',
    );
    expect((csv.body as string).split('\n')[1]).toMatch(/^2026-10-15T12:00:00.000Z,2,0.333,3000000,/);
  });

  it('refuses bad reports and bad queries with 4xx', async () => {
    const { auth, v1 } = await newApp();
    expect((await edge({ edgeId: 'x', seq: -1, streams: [] })).status).toBe(400);
    expect((await api.call('POST', '/internal/edge/usage', { body: { streams: [] } })).status).toBe(401);
    expect((await api.call('GET', v1('/analytics/timeline?range=1y'), { auth })).status).toBe(400);
    expect((await api.call('GET', v1('/usage?period=2026-13'), { auth })).status).toBe(400);
    const missing = await api.call('GET', v1('/analytics/streams/str_nope/timeline'), { auth });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('stream_not_found');
  });
});

describe('chat and API counts', () => {
  it('counts chat messages, monthly chat users, reactions and joins from the bus, and API calls by status class', async () => {
    const { app, auth, v1 } = await newApp();
    const message = (id: string, userId: string) => ({
      channelId: 'chn_1',
      message: { id, channelId: 'chn_1', userId, text: 'hi', createdAt: now.toISOString() },
    });
    await publisher.publish(app.appId, 'chat.message.new', message('msg_1', 'u1'));
    await publisher.publish(app.appId, 'chat.message.new', message('msg_2', 'u2'));
    await publisher.publish(app.appId, 'chat.message.new', message('msg_3', 'u1'));
    await publisher.broadcast(app.appId, 'reaction.sent', { channelId: 'chn_1', userId: 'u3', type: 'like' });
    await publisher.broadcast(app.appId, 'presence.changed', {
      channelId: 'chn_1',
      userId: 'u4',
      online: true,
      members: [{ userId: 'u1' }, { userId: 'u2' }, { userId: 'u4' }],
    });
    expect((await api.call('GET', v1('/streams/str_nope'), { auth })).status).toBe(404);
    await cp.http.app.request('/healthz'); // no app: not counted
    const meters = async () => {
      const usage = (await api.call('GET', v1('/usage'), { auth })).body;
      return Object.fromEntries(usage.meters.map((m: { meter: string; value: number }) => [m.meter, m.value]));
    };
    // What the flush timer does, now: the counts heard on the bus reach the store. Twice, as a flush the timer had
    // already begun answers the first call without what was counted after it began.
    await deps.usage.flush();
    await deps.usage.flush();
    const m = await meters();
    expect(m.chat_messages).toBe(3);
    expect(m.chat_mau).toBe(4);
    expect(m.api_calls).toBe(2); // creating the stream, the 404; not the sign-up or creating the app (no app yet)
    const tl = (await api.call('GET', v1('/analytics/timeline?range=24h'), { auth })).body;
    const sum = (f: string) => tl.points.reduce((n: number, p: Record<string, number>) => n + p[f]!, 0);
    expect([sum('messages'), sum('reactions'), sum('chatJoins')]).toEqual([3, 1, 1]);
    expect(sum('api4xx')).toBe(1);
    expect(sum('apiCalls')).toBe(m.api_calls);
  });
});

describe('plans, quotas and invoices', () => {
  it('warns at 80 % and 100 % of the monthly viewer minutes, once each', async () => {
    const { app, stream } = await newApp();
    const send = (seq: number, viewerSeconds: number) =>
      edge({
        edgeId: 'edge-quota',
        seq,
        to: now.getTime(),
        streams: [{ streamId: stream.id, viewers: 1, bytes: 0, viewerSeconds }],
      });
    await send(1, 400_000); // 6,667 of 10,000 minutes
    expect(await events(app.appId, 'usage.quota.exceeded')).toHaveLength(0);
    await send(2, 100_000); // 8,333
    await send(3, 10_000);
    let fired = await events(app.appId, 'usage.quota.exceeded');
    expect(fired.map((e) => e.data.level)).toEqual(['warning']);
    expect(fired[0]!.data).toMatchObject({ meter: 'viewer_minutes', limit: 10_000 });
    await send(4, 200_000); // past 10,000
    fired = await events(app.appId, 'usage.quota.exceeded');
    expect(fired.map((e) => e.data.level).sort()).toEqual(['exceeded', 'warning']);
  });

  it('lets owners and admins change the plan, not editors or API keys; 429 past the plan API rate', async () => {
    const { owner, app, auth, v1 } = await newApp();
    expect((await api.call('GET', v1('/plan'), { auth })).body.plan.name).toBe('free');
    expect((await api.call('PUT', v1('/plan'), { auth, body: { plan: 'pro' } })).status).toBe(403);
    const editor = await api.register();
    await api.addMember(owner.token, app.appId, editor, 'editor');
    expect((await api.call('PUT', v1('/plan'), { auth: { bearer: editor.token }, body: { plan: 'pro' } })).status).toBe(
      403,
    );
    const bad = await api.call('PUT', v1('/plan'), { auth: { bearer: owner.token }, body: { plan: 'platinum' } });
    expect(bad.status).toBe(400);
    let statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await api.call('GET', v1('/usage'), { auth })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const changed = await api.call('PUT', v1('/plan'), { auth: { bearer: owner.token }, body: { plan: 'pro' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ plan: { name: 'pro' }, changedBy: owner.userId });
    statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await api.call('GET', v1('/plan'), { auth })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('issues an invoice whose total is the sum of its lines and whose lines match the meters', async () => {
    const { owner, auth, v1, stream } = await newApp();
    const admin = { bearer: owner.token };
    await api.call('PUT', v1('/plan'), { auth: admin, body: { plan: 'starter' } });
    now = new Date('2026-10-20T08:00:00.000Z');
    await edge({
      edgeId: 'edge-invoice',
      seq: 1,
      to: now.getTime(),
      streams: [
        {
          streamId: stream.id,
          viewers: 40,
          bytes: 250e9,
          viewerSeconds: 3_300_000,
          ingestSeconds: 86_400,
          renditions: 3,
        },
      ],
    });
    const october = (await api.call('GET', v1('/usage?period=2026-10'), { auth })).body;
    expect((await api.call('POST', v1('/invoices'), { auth: admin, body: { period: '2026-11' } })).status).toBe(400);

    now = new Date('2026-11-02T00:00:00.000Z');
    const issued = await api.call('POST', v1('/invoices'), { auth: admin, body: { period: '2026-10' } });
    expect(issued.status).toBe(201);
    const invoice = issued.body;
    expect(invoice).toMatchObject({ period: '2026-10', plan: 'starter', currency: 'usd', status: 'issued' });
    expect(invoice.totalCents).toBe(
      invoice.lines.reduce((s: number, l: { amountCents: number }) => s + l.amountCents, 0),
    );
    for (const m of october.meters) {
      const line = invoice.lines.find((l: { meter: string | null }) => l.meter === m.meter);
      expect(line.quantity).toBeCloseTo(m.value, 6);
    }
    const line = (meter: string | null) => invoice.lines.find((l: { meter: string | null }) => l.meter === meter);
    expect(line(null).amountCents).toBe(2_900);
    // 55,000 viewer minutes with 50,000 included at 0.1 cent; 250 GB with 100 included at 8 cents; 1,440 ingest minutes included
    expect(line('viewer_minutes')).toMatchObject({ quantity: 55_000, billableQuantity: 5_000, amountCents: 500 });
    expect(line('egress_gb')).toMatchObject({ quantity: 250, billableQuantity: 150, amountCents: 1_200 });
    expect(line('live_ingest_minutes')).toMatchObject({ quantity: 1_440, amountCents: 0 });
    expect(line('transcoded_rendition_minutes')).toMatchObject({ quantity: 4_320, amountCents: 0 });
    expect(invoice.totalCents).toBe(2_900 + 500 + 1_200);

    const again = await api.call('POST', v1('/invoices'), { auth: admin, body: { period: '2026-10' } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(invoice.id);
    expect((await api.call('GET', v1(`/invoices/${invoice.id}`), { auth })).body.totalCents).toBe(invoice.totalCents);
    const list = (await api.call('GET', v1('/invoices'), { auth })).body;
    expect(list.data.map((i: { id: string }) => i.id)).toEqual([invoice.id]);
    const html = await api.call('GET', v1(`/invoices/${invoice.id}/html`), { auth });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.body).toContain('$46.00');
    const upcoming = (await api.call('GET', v1('/invoices/upcoming'), { auth })).body;
    expect(upcoming).toMatchObject({ period: '2026-11', status: 'draft', totalCents: 2_900 });

    // another app sees none of it
    const other = await newApp();
    expect((await api.call('GET', other.v1(`/invoices/${invoice.id}`), { auth: other.auth })).status).toBe(404);
    expect((await api.call('GET', v1('/invoices'), { auth: other.auth })).status).toBe(404);
    const otherUsage = (await api.call('GET', other.v1('/usage?period=2026-10'), { auth: other.auth })).body;
    expect(otherUsage.meters.every((m: { value: number }) => m.value === 0)).toBe(true);
  });

  it('runs the jobs: storage GB-days once a day, retention per resolution, last month’s invoices', async () => {
    // now is 2026-11-02: apps of the earlier tests have October meters
    const { app, auth, v1, stream } = await newApp();
    await store.collection<RecordingDoc>('recordings').insert({
      id: 'rec_jobs',
      appId: app.appId,
      streamId: stream.id,
      playbackId: 'pbjobs',
      status: 'ready',
      startedAt: now.toISOString(),
      sizeBytes: 2e9,
      createdAt: now.toISOString(),
    });
    await edge({
      edgeId: 'edge-jobs',
      seq: 1,
      to: now.getTime(),
      streams: [{ streamId: stream.id, viewers: 1, bytes: 10 }],
    });
    const buckets = (resolution: string) =>
      store.collection<{ id: string }>('analytics_buckets').count({ appId: app.appId, resolution, scope: stream.id });
    expect([await buckets('minute'), await buckets('hour'), await buckets('day')]).toEqual([1, 1, 1]);
    const octoberBefore = await store.collection('invoices').count({ period: '2026-10' });

    now = new Date('2026-11-05T00:30:00.000Z');
    await deps.usage.runJobs();
    await deps.usage.runJobs();
    const usage = (await api.call('GET', v1('/usage?period=2026-11'), { auth })).body;
    expect(usage.meters.find((m: { meter: string }) => m.meter === 'recording_storage_gb_days').value).toBe(2);
    expect([await buckets('minute'), await buckets('hour'), await buckets('day')]).toEqual([0, 1, 1]);
    const october = await store
      .collection<{ id: string; appId: string; totalCents: number; status: string }>('invoices')
      .find({ period: '2026-10' });
    expect(october.length).toBeGreaterThan(octoberBefore);
    expect(new Set(october.map((i) => i.appId)).size).toBe(october.length);
    expect(october.every((i) => i.status === 'issued')).toBe(true);
  });
});
