// Chat uploads and attachments on the running all-in-one platform: an end user uploads from the browser with
// their user token (and the SDK's channel.uploadImage), within the plan's size and a rate limit, checked by its
// bytes, served safely; a message may attach only the app's own uploads or images on the owner's allowed hosts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { signUserToken } from '@beamline/chat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestPlatform, type TestClient, type TestPlatform } from '@beamline/testkit';
import { ChatClient } from '@beamline/sdk/chat';
import { ApiClient } from '../helpers';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAAAAACw=', 'base64');

let platform: TestPlatform;
let api: ApiClient;
const clients: TestClient[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  api = new ApiClient((path, init) => fetch(platform.urls.api + path, init));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await platform?.close();
});

async function newApp(name = 'Uploads app') {
  const dev = await api.register();
  const app = await api.createApp(dev.token, name);
  return {
    ...app,
    dev,
    owner: { bearer: dev.token },
    basic: { basic: [app.key, app.secret] as [string, string] },
    userToken: (sub: string, claims: { role?: 'guest' | 'user'; channel?: string } = {}, ttl = 600) =>
      signUserToken(app.secret, { sub, app: app.key, ...claims }, ttl),
  };
}
type App = Awaited<ReturnType<typeof newApp>>;

function upload(appId: string, body: Buffer, type: string, headers: Record<string, string> = {}) {
  return fetch(`${platform.urls.api}/v1/apps/${appId}/uploads`, {
    method: 'POST',
    headers: { 'content-type': type, ...headers },
    body: new Uint8Array(body),
  });
}

async function json(res: Response): Promise<any> {
  return res.json();
}

async function chatter(app: App, userId: string) {
  const channel = await api.call('POST', `/v1/apps/${app.appId}/channels`, {
    auth: app.basic,
    body: { type: 'messaging' },
  });
  const client = await connect(platform.urls.realtime!, app.userToken(userId));
  clients.push(client);
  await client.request('channel.join', { channelId: channel.body.id });
  const send = (url: string) =>
    client.request('message.send', { channelId: channel.body.id, text: 'look', attachments: [{ type: 'image', url }] });
  return { channelId: channel.body.id as string, client, send };
}

describe('uploads by end users', () => {
  it("an end user uploads with their user token; the file is served as its bytes' type, nosniff, inline", async () => {
    const app = await newApp();
    const res = await upload(app.appId, PNG, 'image/png', { 'x-user-token': app.userToken('ana') });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ contentType: 'image/png', size: PNG.length, userId: 'ana' });
    expect(body.id).toMatch(/^upl_/);

    const served = await fetch(body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toBe(`inline; filename="${body.id}.png"`);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    // Only the canonical path serves it: not a path smuggled through an encoded slash.
    const smuggled = body.url.replace(`/uploads/${app.appId}/`, `/uploads/x%2Fuploads%2F${app.appId}/`);
    expect((await fetch(smuggled)).status).toBe(404);

    // Every upload is on record, with who uploaded it; the app's members and key can list it.
    const listed = await api.call('GET', `/v1/apps/${app.appId}/uploads?userId=ana`, { auth: app.basic });
    expect(listed.body.data).toEqual([expect.objectContaining({ id: body.id, userId: 'ana', url: body.url })]);
    const byKey = await upload(app.appId, GIF, 'image/gif', {
      authorization: `Basic ${Buffer.from(`${app.key}:${app.secret}`).toString('base64')}`,
    });
    expect(byKey.status).toBe(201);
    const all = await api.call('GET', `/v1/apps/${app.appId}/uploads`, { auth: app.owner });
    expect(all.body.data).toHaveLength(2);
  });

  it('the bytes decide the type: a PNG named JPEG, an HTML page named PNG and an SVG are refused', async () => {
    const app = await newApp();
    const token = { 'x-user-token': app.userToken('eve') };
    const named = await upload(app.appId, PNG, 'image/jpeg', token);
    expect(named.status).toBe(400);
    expect((await json(named)).error.code).toBe('image_type_mismatch');
    const html = await upload(app.appId, Buffer.from('<html><script>alert(1)</script>'), 'image/png', token);
    expect((await json(html)).error.code).toBe('image_type_mismatch');
    const svg = await upload(app.appId, Buffer.from('<svg onload="alert(1)"/>'), 'image/svg+xml', token);
    expect((await json(svg)).error.code).toBe('unsupported_media_type');
    expect((await api.call('GET', `/v1/apps/${app.appId}/uploads`, { auth: app.basic })).body.data).toEqual([]);
  });

  it('guests, other apps, expired and forged tokens are refused', async () => {
    const app = await newApp();
    const other = await newApp('Other');
    const guest = await upload(app.appId, PNG, 'image/png', {
      'x-user-token': app.userToken('guest_abc', { role: 'guest', channel: 'str_abc' }),
    });
    expect(guest.status).toBe(403);
    expect((await json(guest)).error.code).toBe('guest_upload_forbidden');
    // App A's user token on app B's path: app B is not found, as for any credential of another app.
    const cross = await upload(other.appId, PNG, 'image/png', { 'x-user-token': app.userToken('ana') });
    expect(cross.status).toBe(404);
    expect((await json(cross)).error.code).toBe('app_not_found');
    const forged = signUserToken('not-the-secret', { sub: 'ana', app: app.key }, 600);
    const refused = await upload(app.appId, PNG, 'image/png', { 'x-user-token': forged });
    expect(refused.status).toBe(401);
    const expired = await upload(app.appId, PNG, 'image/png', { 'x-user-token': app.userToken('ana', {}, -60) });
    expect(expired.status).toBe(401);
    expect((await json(expired)).error.code).toBe('token_expired');
    const none = await upload(app.appId, PNG, 'image/png');
    expect(none.status).toBe(401);
    // Banned or muted app-wide: no uploads either.
    const ban = await api.call('POST', `/v1/apps/${app.appId}/bans`, { auth: app.basic, body: { userId: 'troll' } });
    expect(ban.status, JSON.stringify(ban.body)).toBe(201);
    const banned = await upload(app.appId, PNG, 'image/png', { 'x-user-token': app.userToken('troll') });
    expect([banned.status, (await json(banned)).error.code]).toEqual([403, 'banned']);
    const mute = await api.call('POST', `/v1/apps/${app.appId}/mutes`, {
      auth: app.basic,
      body: { userId: 'loud', durationSeconds: 600 },
    });
    expect(mute.status, JSON.stringify(mute.body)).toBe(201);
    const muted = await upload(app.appId, PNG, 'image/png', { 'x-user-token': app.userToken('loud') });
    expect([muted.status, (await json(muted)).error.code]).toEqual([403, 'muted']);
    for (const a of [app, other]) {
      expect((await api.call('GET', `/v1/apps/${a.appId}/uploads`, { auth: a.basic })).body.data).toEqual([]);
    }
    expect(existsSync(join(platform.dataDir, 'uploads', other.appId))).toBe(false);
  });

  it("the plan's maxUploadBytes bounds an upload, and a change of plan lifts it", async () => {
    const app = await newApp();
    const plan = await api.call('GET', `/v1/apps/${app.appId}/plan`, { auth: app.owner });
    const max = plan.body.plan.limits.maxUploadBytes;
    expect(max).toBe(512 * 1024);
    const big = Buffer.concat([PNG, Buffer.alloc(600 * 1024 - PNG.length)]);
    const token = { 'x-user-token': app.userToken('ana') };
    const over = await upload(app.appId, big, 'image/png', token);
    expect(over.status).toBe(413);
    expect((await json(over)).error).toMatchObject({ code: 'payload_too_large', details: { maxBytes: max } });
    const changed = await api.call('PUT', `/v1/apps/${app.appId}/plan`, { auth: app.owner, body: { plan: 'pro' } });
    expect(changed.status).toBe(200);
    expect((await upload(app.appId, big, 'image/png', token)).status).toBe(201);
  });

  it('one end user may upload 20 images a minute; the next is told to wait, others are not', async () => {
    const app = await newApp();
    const token = { 'x-user-token': app.userToken('busy') };
    for (let i = 0; i < 20; i++) expect((await upload(app.appId, PNG, 'image/png', token)).status).toBe(201);
    const limited = await upload(app.appId, PNG, 'image/png', token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await upload(app.appId, PNG, 'image/png', { 'x-user-token': app.userToken('calm') })).status).toBe(201);
    // The app's own backend is held by the API's rate limits, not this one.
    const key = { authorization: `Basic ${Buffer.from(`${app.key}:${app.secret}`).toString('base64')}` };
    for (let i = 0; i < 21; i++) expect((await upload(app.appId, PNG, 'image/png', key)).status).toBe(201);
  });

  it("a browser page on the app's allowed origin may upload (CORS lets the user-token header through)", async () => {
    const app = await newApp();
    const origin = 'https://shop.example.com';
    const set = await api.call('PATCH', `/v1/apps/${app.appId}/security`, {
      auth: app.owner,
      body: { allowedOrigins: [origin] },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const preflight = await fetch(`${platform.urls.api}/v1/apps/${app.appId}/uploads`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-user-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/x-user-token/i);
    const res = await upload(app.appId, PNG, 'image/png', { origin, 'x-user-token': app.userToken('ana') });
    expect(res.status).toBe(201);
    const elsewhere = await upload(app.appId, PNG, 'image/png', {
      origin: 'https://evil.example.net',
      'x-user-token': app.userToken('ana'),
    });
    expect(elsewhere.status).toBe(403);
  });
});

describe('attachments', () => {
  it("a message attaches the app's own uploads; other apps' uploads and unknown hosts are refused", async () => {
    const app = await newApp();
    const other = await newApp('Neighbour');
    const mine = await json(await upload(app.appId, PNG, 'image/png', { 'x-user-token': app.userToken('ana') }));
    const theirs = await json(await upload(other.appId, PNG, 'image/png', { 'x-user-token': other.userToken('bob') }));
    const { send } = await chatter(app, 'ana');

    const ok = await send(mine.url);
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    const refusedCode = async (url: string) => {
      const ack = await send(url);
      return 'error' in ack ? ack.error.code : 'accepted';
    };
    expect(await refusedCode(theirs.url)).toBe('attachment_not_allowed');
    // Another app's upload id under this app's path, and this app's upload under another host, are not uploads.
    expect(await refusedCode(mine.url.replace(mine.id, theirs.id))).toBe('attachment_not_allowed');
    expect(await refusedCode(mine.url.replace('127.0.0.1', 'localhost'))).toBe('attachment_not_allowed');
    expect(await refusedCode(`https://tracker.example.net/${mine.url.split('/uploads/')[1]}`)).toBe(
      'attachment_not_allowed',
    );
    expect(await refusedCode('https://tracker.example.net/pixel.png')).toBe('attachment_not_allowed');
    expect(await refusedCode('http://127.0.0.1:9/private.png')).toBe('attachment_not_allowed');

    // A deleted upload is neither served nor attachable.
    const gone = await api.call('DELETE', `/v1/apps/${app.appId}/uploads/${mine.id}`, { auth: app.basic });
    expect(gone.status).toBe(200);
    expect((await fetch(mine.url)).status).toBe(404);
    expect(await refusedCode(mine.url)).toBe('attachment_not_allowed');
    // Another app cannot delete it (404, and the file stays).
    const cross = await api.call('DELETE', `/v1/apps/${app.appId}/uploads/${theirs.id}`, { auth: app.basic });
    expect(cross.status).toBe(404);
    expect((await fetch(theirs.url)).status).toBe(200);
  });

  it("the owner's attachment hosts let images of those hosts through, and nothing that only looks like them", async () => {
    const app = await newApp();
    const { send } = await chatter(app, 'ana');
    const bad = await api.call('PUT', `/v1/apps/${app.appId}/chat-settings`, {
      auth: app.owner,
      body: { attachmentHosts: ['https://cdn.example.com/x'] },
    });
    expect(bad.status).toBe(400);
    const set = await api.call('PUT', `/v1/apps/${app.appId}/chat-settings`, {
      auth: app.owner,
      body: { attachmentHosts: ['CDN.example.com', '*.media.example.org'] },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.attachmentHosts).toEqual(['cdn.example.com', '*.media.example.org']);
    expect((await api.call('GET', `/v1/apps/${app.appId}/chat-settings`, { auth: app.basic })).body).toMatchObject({
      attachmentHosts: ['cdn.example.com', '*.media.example.org'],
    });
    const code = async (url: string) => {
      const ack = await send(url);
      return 'error' in ack ? ack.error.code : 'accepted';
    };
    expect(await code('https://cdn.example.com/cat.png')).toBe('accepted');
    expect(await code('https://eu.media.example.org/cat.png')).toBe('accepted');
    expect(await code('https://media.example.org/cat.png')).toBe('attachment_not_allowed');
    expect(await code('https://cdn.example.com.evil.net/cat.png')).toBe('attachment_not_allowed');
    expect(await code('https://evilcdn.example.com/cat.png')).toBe('attachment_not_allowed');
  });

  it('the SDK: channel.uploadImage(blob) uploads as the connected user and gives the attachment to send', async () => {
    const app = await newApp();
    const channel = await api.call('POST', `/v1/apps/${app.appId}/channels`, {
      auth: app.basic,
      body: { type: 'messaging' },
    });
    const client = await ChatClient.connect({
      url: platform.urls.realtime!,
      token: app.userToken('sam'),
      apiUrl: platform.urls.api,
      appId: app.appId,
      socketOptions: { reconnection: false },
    });
    try {
      const room = client.channel(channel.body.id);
      await room.join();
      const attachment = await room.uploadImage(new Blob([new Uint8Array(PNG)], { type: 'image/png' }));
      expect(attachment).toEqual({ type: 'image', url: expect.stringContaining(`/uploads/${app.appId}/upl_`) });
      const message = await room.send('', { attachments: [attachment] });
      expect(message.attachments).toEqual([attachment]);
      await expect(room.uploadImage(new Blob(['GIF89a, not really'], { type: 'image/png' }))).rejects.toMatchObject({
        code: 'image_type_mismatch',
      });
      const listed = await api.call('GET', `/v1/apps/${app.appId}/uploads?userId=sam`, { auth: app.basic });
      expect(listed.body.data.map((u: { url: string }) => u.url)).toEqual([attachment.url]);
    } finally {
      client.disconnect();
    }
  });
});
