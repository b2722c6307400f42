// The SSRF guard over the real API: loopback, private, link-local and metadata destinations are refused
// unless WEBHOOK_ALLOWED_HOSTS allows them. Only registration is exercised here: no traffic leaves loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '@beamline/testkit';
import { apiClient, newDeveloperApp, startReceiver, type Api, type Receiver } from './webhooks-support';

// The platform runs one at a time per process (the media edge holds process-wide state), so each
// configuration has its own describe block with its own platform.
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

async function tryRegister(api: Api, url: string) {
  const { token, appId } = await newDeveloperApp(api);
  return api.call('POST', `/v1/apps/${appId}/webhooks`, { token, body: { url, events: ['*'] } });
}

describe('destinations refused when not allowed', () => {
  let strict: TestPlatform;
  beforeAll(async () => {
    strict = await startTestPlatform({ WEBHOOK_ALLOWED_HOSTS: '' });
  });
  afterAll(() => strict?.close());

  const refused = [
    'http://127.0.0.1:9/x',
    'http://10.0.0.1/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:9/x', // a name that resolves to loopback
    'http://0x7f000001/x', // 127.0.0.1 spelled as a number
    'http://[::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[::ffff:a9fe:a9fe]/x', // 169.254.169.254 mapped into IPv6
    'http://0.0.0.0/x',
    'http://192.168.1.1/x',
    'http://172.16.0.1/x',
    'http://100.100.100.200/x',
    'http://[fd00:ec2::254]/x',
  ];
  it.each(refused)('%s', async (url) => {
    const api = apiClient(strict.urls.api);
    const res = await tryRegister(api, url);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('webhook_url_not_allowed');
    expect(res.body.error.details).toEqual({ field: 'url' });
  });
});

describe('destinations the operator allows', () => {
  let allowIp: TestPlatform;
  beforeAll(async () => {
    allowIp = await startTestPlatform({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  });
  afterAll(() => allowIp?.close());

  it('an update to a refused URL is refused too, and the endpoint keeps its old URL', async () => {
    const api = apiClient(allowIp.urls.api);
    const { token, appId } = await newDeveloperApp(api);
    const created = await api.call('POST', `/v1/apps/${appId}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['*'] },
    });
    expect(created.status).toBe(201);
    const moved = await api.call('PATCH', `/v1/apps/${appId}/webhooks/${created.body.id}`, {
      token,
      body: { url: 'http://169.254.169.254/latest/meta-data/' },
    });
    expect(moved).toMatchObject({ status: 400, body: { error: { code: 'webhook_url_not_allowed' } } });
    const got = await api.call('GET', `/v1/apps/${appId}/webhooks/${created.body.id}`, { token });
    expect(got.body.url).toBe(receiver.url);
  });
  it('WEBHOOK_ALLOWED_HOSTS=127.0.0.1 lets that address in, and nothing else private', async () => {
    const api = apiClient(allowIp.urls.api);
    expect((await tryRegister(api, receiver.url)).status).toBe(201);
    expect((await tryRegister(api, 'http://10.0.0.1/x')).body.error.code).toBe('webhook_url_not_allowed');
    expect((await tryRegister(api, 'http://169.254.169.254/x')).body.error.code).toBe('webhook_url_not_allowed');
  });

  it('a test event to an allowed receiver arrives', async () => {
    const api = apiClient(allowIp.urls.api);
    const { token, appId } = await newDeveloperApp(api);
    const created = await api.call('POST', `/v1/apps/${appId}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['*'] },
    });
    const before = receiver.received.length;
    const res = await api.call('POST', `/v1/apps/${appId}/webhooks/${created.body.id}/test`, { token });
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    expect(receiver.received.length).toBe(before + 1);
  });
});
