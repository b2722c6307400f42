// Webhook delivery end to end: a real platform, real HTTP receivers on loopback, events from the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@beamline/core/testing';
import { startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { verifyWebhook, WebhookVerificationError } from '@beamline/sdk/webhooks';
import pkg from '../../package.json' with { type: 'json' };
import { apiClient, newDeveloperApp, startReceiver, type Api, type Receiver } from './webhooks-support';

interface Attempt {
  status: number | null;
  outcome: string;
}

let platform: TestPlatform;
let api: Api;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    WEBHOOK_RETRY_SCHEDULE: '1s,2s,3s',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_TIMEOUT_MS: '3000',
    WEBHOOK_DISABLE_AFTER_FAILURES: '2',
  });
  api = apiClient(platform.urls.api);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await platform?.close();
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

async function register(token: string, appId: string, url: string, events: string[] = ['*']) {
  const res = await api.call('POST', `/v1/apps/${appId}/webhooks`, { token, body: { url, events } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

const deliveries = (token: string, appId: string, webhookId: string, query = '') =>
  api.call('GET', `/v1/apps/${appId}/webhooks/${webhookId}/deliveries${query}`, { token });

describe('retries', () => {
  it('500, 500, 500, 200: exactly 4 attempts with one Webhook-Id, growing backoff, all 4 in the log', async () => {
    const { token, appId } = await newDeveloperApp(api);
    const r = await receiver((i) => ({ status: i < 3 ? 500 : 200, body: i < 3 ? 'boom' : 'thanks' }));
    const hook = await register(token, appId, r.url);
    const event = await platform.controlPlane.events.publish(appId, 'stream.created', {
      streamId: 'str_1',
      name: 'One',
    });

    await waitFor(() => r.received.length >= 4, { timeoutMs: 20_000, what: '4 attempts' });
    // the delivery's final state: nothing more is scheduled after the 200
    const log = await waitFor(
      async () => {
        const res = await deliveries(token, appId, hook.id);
        return res.body.data[0]?.status === 'succeeded' ? res.body : null;
      },
      { timeoutMs: 20_000, what: 'the delivery to succeed' },
    );
    expect(r.received).toHaveLength(4);
    expect(new Set(r.received.map((x) => x.headers['webhook-id']))).toEqual(new Set([event.id]));
    const gaps = r.received.slice(1).map((x, i) => x.at - r.received[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(850);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
    expect(gaps[2]).toBeGreaterThan(gaps[1]!);
    for (const x of r.received) {
      expect(x.headers['user-agent']).toBe(`Beamline-Webhooks/${pkg.version}`);
      expect(x.headers['content-type']).toBe('application/json');
      expect(JSON.parse(x.body)).toMatchObject({ id: event.id, type: 'stream.created', appId, data: { name: 'One' } });
    }

    expect(log.data).toHaveLength(1);
    const d = log.data[0];
    expect(d).toMatchObject({ eventId: event.id, eventType: 'stream.created', attemptCount: 4, lastStatus: 200 });
    expect(d.attempts.map((a: Attempt) => a.status)).toEqual([500, 500, 500, 200]);
    expect(d.attempts.map((a: Attempt) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'succeeded']);
    expect(d.attempts[0].responseExcerpt).toBe('boom');

    const one = await api.call('GET', `/v1/apps/${appId}/webhooks/${hook.id}/deliveries/${d.id}`, { token });
    expect(one.body.event).toMatchObject({ id: event.id, type: 'stream.created' });
    const filtered = await deliveries(token, appId, hook.id, '?status=failed');
    expect(filtered.body.data).toHaveLength(0);
  });

  it('a 4xx other than 408/429 stops at once; 429 waits at least its Retry-After', async () => {
    const { token, appId } = await newDeveloperApp(api);
    const r = await receiver((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 410 }));
    const hook = await register(token, appId, r.url, ['stream.live']);
    await platform.controlPlane.events.publish(appId, 'stream.created', { streamId: 'str_2', name: 'not subscribed' });
    await platform.controlPlane.events.publish(appId, 'stream.live', {
      streamId: 'str_2',
      playbackId: 'p',
      startedAt: new Date().toISOString(),
    });
    await waitFor(() => r.received.length >= 2, { timeoutMs: 10_000, what: '2 attempts' });
    // the delivery's final state: the 410 ends it, nothing more is scheduled
    const log = await waitFor(
      async () => {
        const res = await deliveries(token, appId, hook.id, '?status=failed');
        return res.body.data.length === 1 ? res.body : null;
      },
      { timeoutMs: 10_000, what: 'the delivery to fail' },
    );
    expect(r.received).toHaveLength(2);
    expect(JSON.parse(r.received[0]!.body).type).toBe('stream.live');
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(1_950);
    expect(log.data[0].attempts.map((a: Attempt) => [a.status, a.outcome])).toEqual([
      [429, 'retry'],
      [410, 'failed'],
    ]);
  });
});

describe('signature', () => {
  it('the SDK helper accepts a real delivery and rejects a changed body, a wrong secret and a stale time', async () => {
    const { token, appId } = await newDeveloperApp(api);
    const r = await receiver();
    const hook = await register(token, appId, r.url);
    const event = await platform.controlPlane.events.publish(appId, 'viewer.joined', { streamId: 's', viewerId: 'v' });
    await waitFor(() => r.received.length >= 1, { what: 'a delivery' });
    const { body, headers } = r.received[0]!;
    expect(headers['webhook-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(headers['webhook-timestamp']).toBe(/^t=(\d+)/.exec(headers['webhook-signature'] as string)![1]);

    expect(verifyWebhook(body, headers, hook.secret)).toMatchObject({ id: event.id, type: 'viewer.joined' });
    expect(verifyWebhook(Buffer.from(body), new Headers(headers as Record<string, string>), hook.secret).id).toBe(
      event.id,
    );
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (err) {
        return err instanceof WebhookVerificationError ? err.code : String(err);
      }
    };
    expect(code(() => verifyWebhook(body.replace('"v"', '"w"'), headers, hook.secret))).toBe('signature_mismatch');
    expect(code(() => verifyWebhook(body, headers, 'whsec_wrong'))).toBe('signature_mismatch');
    const signedAt = Number(headers['webhook-timestamp']);
    expect(code(() => verifyWebhook(body, headers, hook.secret, { now: signedAt + 301 }))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(code(() => verifyWebhook(body, headers, hook.secret, { now: signedAt + 50, toleranceSeconds: 10 }))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(code(() => verifyWebhook(body, { ...headers, 'webhook-signature': undefined }, hook.secret))).toBe(
      'missing_header',
    );

    // After a rotation with a grace period, deliveries carry a v1 for each secret.
    const rotated = await api.call('POST', `/v1/apps/${appId}/webhooks/${hook.id}/rotate-secret`, {
      token,
      body: { gracePeriodSeconds: 60 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const test = await api.call('POST', `/v1/apps/${appId}/webhooks/${hook.id}/test`, { token });
    expect(test.body).toMatchObject({ ok: true, status: 200 });
    const last = r.received.at(-1)!;
    expect(JSON.parse(last.body)).toMatchObject({ type: 'webhook.test', data: { webhookId: hook.id } });
    expect(verifyWebhook(last.body, last.headers, rotated.body.secret).type).toBe('webhook.test');
    expect(verifyWebhook(last.body, last.headers, hook.secret).type).toBe('webhook.test');
  });
});

describe('endpoints', () => {
  it('test event: reports status and latency, and is logged as a test delivery', async () => {
    const { token, appId } = await newDeveloperApp(api);
    const r = await receiver(() => ({ status: 503, body: 'down for maintenance' }));
    const hook = await register(token, appId, r.url);
    const res = await api.call('POST', `/v1/apps/${appId}/webhooks/${hook.id}/test`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: 503, responseExcerpt: 'down for maintenance' });
    expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
    // a test is sent once, never retried: its delivery is final (failed, no next attempt) as soon as it answers
    const log = await deliveries(token, appId, hook.id);
    expect(log.body.data).toMatchObject([{ id: res.body.deliveryId, test: true, status: 'failed', attemptCount: 1 }]);
    expect(log.body.data[0].nextAttemptAt ?? null).toBeNull();
    expect(r.received).toHaveLength(1);
  });

  it('an endpoint that keeps failing is disabled, webhook.disabled is sent, and failed deliveries can be sent again', async () => {
    const { token, appId } = await newDeveloperApp(api);
    let healthy = false;
    const failing = await receiver(() => ({ status: healthy ? 200 : 400 }));
    const watcher = await receiver();
    const hook = await register(token, appId, failing.url, ['stream.created']);
    await register(token, appId, watcher.url, ['webhook.disabled']);
    const start = new Date(Date.now() - 1000).toISOString();
    await platform.controlPlane.events.publish(appId, 'stream.created', { streamId: 'a', name: 'a' });
    await platform.controlPlane.events.publish(appId, 'stream.created', { streamId: 'b', name: 'b' });

    await waitFor(() => watcher.received.length >= 1, { timeoutMs: 10_000, what: 'webhook.disabled' });
    expect(JSON.parse(watcher.received[0]!.body)).toMatchObject({
      type: 'webhook.disabled',
      data: { webhookId: hook.id },
    });
    const got = await api.call('GET', `/v1/apps/${appId}/webhooks/${hook.id}`, { token });
    expect(got.body).toMatchObject({ enabled: false });
    expect(got.body.disabledReason).toMatch(/2 deliveries in a row failed/);

    // nothing goes to a disabled endpoint: once an enabled one subscribed to the same event has it, the dispatcher
    // has sent the event wherever it goes
    const sibling = await receiver();
    await register(token, appId, sibling.url, ['stream.created']);
    await platform.controlPlane.events.publish(appId, 'stream.created', { streamId: 'c', name: 'c' });
    await waitFor(() => sibling.received.length >= 1, { timeoutMs: 10_000, what: 'the event at the enabled endpoint' });
    expect(failing.received).toHaveLength(2);

    healthy = true;
    const enabled = await api.call('PATCH', `/v1/apps/${appId}/webhooks/${hook.id}`, {
      token,
      body: { enabled: true },
    });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    const again = await api.call('POST', `/v1/apps/${appId}/webhooks/${hook.id}/redeliver`, {
      token,
      body: { from: start, to: new Date(Date.now() + 1000).toISOString() },
    });
    expect(again).toMatchObject({ status: 202, body: { redelivered: 2 } });
    await waitFor(() => failing.received.length >= 4, { timeoutMs: 10_000, what: 'redeliveries' });
    const ids = failing.received.map((x) => x.headers['webhook-id']);
    expect(new Set(ids).size).toBe(2); // the same two events, with their own ids again
    const log = await waitFor(async () => {
      const res = await deliveries(token, appId, hook.id, '?status=succeeded');
      return res.body.data.length === 2 ? res.body : null;
    });
    const one = log.data[0];
    expect(one.attempts.map((a: Attempt) => a.outcome)).toEqual(['failed', 'succeeded']);

    const redo = await api.call('POST', `/v1/apps/${appId}/webhooks/${hook.id}/deliveries/${one.id}/redeliver`, {
      token,
    });
    expect(redo).toMatchObject({ status: 202, body: { id: one.id, status: 'pending' } });
    await waitFor(() => failing.received.length >= 5, { what: 'a single redelivery' });
    expect(failing.received[4]!.headers['webhook-id']).toBe(one.eventId);
  });

  it('create, list, update, delete; bad input is a 4xx with a stable code', async () => {
    const { token, appId } = await newDeveloperApp(api);
    const r = await receiver();
    const hook = await register(token, appId, r.url, ['stream.live', 'stream.offline']);
    expect(hook).toMatchObject({ url: r.url, events: ['stream.live', 'stream.offline'], enabled: true });
    expect(hook.secret).toMatch(/^whsec_/);
    const list = await api.call('GET', `/v1/apps/${appId}/webhooks`, { token });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].secret).toBeUndefined();
    const upd = await api.call('PATCH', `/v1/apps/${appId}/webhooks/${hook.id}`, {
      token,
      body: { events: ['*'], description: 'all of them' },
    });
    expect(upd.body).toMatchObject({ events: ['*'], description: 'all of them' });

    const bad = async (body: unknown, code: string) => {
      const res = await api.call('POST', `/v1/apps/${appId}/webhooks`, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe(code);
    };
    await bad({ url: 'not a url', events: ['*'] }, 'webhook_url_invalid');
    await bad({ url: 'ftp://127.0.0.1/x', events: ['*'] }, 'webhook_url_invalid');
    await bad({ url: 'http://user:pw@127.0.0.1/x', events: ['*'] }, 'webhook_url_invalid');
    await bad({ url: r.url, events: ['no.such.event'] }, 'validation_failed');
    await bad({ url: r.url, events: [] }, 'validation_failed');
    await bad({ url: r.url }, 'validation_failed');
    const range = await api.call('POST', `/v1/apps/${appId}/webhooks/${hook.id}/redeliver`, {
      token,
      body: { from: '2030-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' },
    });
    expect(range).toMatchObject({ status: 400, body: { error: { code: 'invalid_time_range' } } });

    expect((await api.call('DELETE', `/v1/apps/${appId}/webhooks/${hook.id}`, { token })).status).toBe(204);
    const gone = await api.call('GET', `/v1/apps/${appId}/webhooks/${hook.id}`, { token });
    expect(gone).toMatchObject({ status: 404, body: { error: { code: 'webhook_not_found' } } });
  });

  it("one app never sees another's endpoints, deliveries or events", async () => {
    const a = await newDeveloperApp(api);
    const b = await newDeveloperApp(api);
    const ra = await receiver();
    const hookA = await register(a.token, a.appId, ra.url);
    for (const path of ['', '/deliveries']) {
      const res = await api.call('GET', `/v1/apps/${a.appId}/webhooks/${hookA.id}${path}`, { token: b.token });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(ra.url);
    }
    // B's own app cannot reach A's endpoint by id either.
    const viaB = await api.call('GET', `/v1/apps/${b.appId}/webhooks/${hookA.id}`, { token: b.token });
    expect(viaB).toMatchObject({ status: 404, body: { error: { code: 'webhook_not_found' } } });
    const del = await api.call('DELETE', `/v1/apps/${b.appId}/webhooks/${hookA.id}`, { token: b.token });
    expect(del.status).toBe(404);

    await platform.controlPlane.events.publish(b.appId, 'stream.created', { streamId: 'b', name: 'b' });
    const evA = await platform.controlPlane.events.publish(a.appId, 'stream.created', { streamId: 'a', name: 'a' });
    await waitFor(() => ra.received.length >= 1, { what: "A's event" });
    // B's event came first in the outbox; once A's delivery is final, nothing else is on its way to A
    const log = await waitFor(async () => {
      const res = await deliveries(a.token, a.appId, hookA.id);
      return res.body.data[0]?.status === 'succeeded' ? res.body : null;
    });
    expect(log.data).toHaveLength(1);
    expect(ra.received.map((x) => x.headers['webhook-id'])).toEqual([evA.id]);
  });
});
