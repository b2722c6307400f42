// A tenant with one real resource of every kind a route's path can name, made through the platform's own
// interfaces (REST, Socket.IO, RTMP), for isolation suites: its ids by path parameter, and what must never leak.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@beamline/core/testing';
import { signUserToken } from '@beamline/chat';
import { expect } from 'vitest';
import { connect, publish, type TestClient, type TestPlatform } from '@beamline/testkit';
import type { ApiClient, Auth } from '../helpers';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface Tenant {
  appId: string;
  key: string;
  secret: string;
  keyId: string;
  owner: { token: string; email: string };
  ownerAuth: Auth;
  keyAuth: Auth;
  /** A real id (or name) of this tenant's resource for every path parameter an app route has. */
  ids: Record<string, string>;
  /** Names, texts and secrets of this tenant: none may appear in an answer to another tenant. */
  secrets: string[];
  /** The user token of an end user of this tenant. */
  userToken(sub: string): string;
  /** Fails unless every resource is still there, as made. */
  expectIntact(): Promise<void>;
  close(): Promise<void>;
}

/** Path parameters whose value is a name chosen by the caller, not an id the platform issued to one tenant. */
export const NAME_PARAMS: ReadonlySet<string> = new Set(['slot', 'userId']);

function receiver(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function lastMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

/**
 * Makes a tenant named `label` with a stream that went live over RTMP (so it has a recording), a webhook with a
 * delivery, a channel with a message, an upload, a transcoding profile, a member, a pending invitation, a domain, a
 * second API key, an issued invoice, a logo and an end user.
 */
export async function makeTenant(platform: TestPlatform, api: ApiClient, label: string): Promise<Tenant> {
  const call = async (method: string, path: string, auth: Auth, body?: unknown, status = 201) => {
    const res = await api.call(method, path, { auth, body });
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  const owner = await api.register(`${label.toLowerCase()}-owner-${Date.now()}@example.com`);
  const app = await api.createApp(owner.token, `${label} secret app`);
  const ownerAuth: Auth = { bearer: owner.token };
  const keyAuth: Auth = { basic: [app.key, app.secret] };
  const v1 = (path: string) => `/v1/apps/${app.appId}${path}`;
  const hooks = await receiver();
  const sockets: TestClient[] = [];
  const userToken = (sub: string) => signUserToken(app.secret, { sub, app: app.key }, 600);

  const stream = await call('POST', v1('/streams'), ownerAuth, { name: `${label} launch stream`, record: true });
  // A recording needs a live session: a short RTMP publish, stopped once the recording is on record.
  const publisher = publish(stream.publishUrl, { seconds: 60, size: '160x90', fps: 10 });
  let recordingId: string;
  try {
    recordingId = await waitFor(
      async () => (await api.call('GET', v1('/recordings'), { auth: keyAuth })).body.data?.[0]?.id as string,
      { timeoutMs: 30_000, what: `a recording of ${label}'s stream` },
    );
  } finally {
    await publisher.stop();
  }
  const webhookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/${label.toLowerCase()}-hooks`;
  const webhook = await call('POST', v1('/webhooks'), ownerAuth, { url: webhookUrl, events: ['stream.created'] });
  const test = await call('POST', v1(`/webhooks/${webhook.id}/test`), ownerAuth, undefined, 200);
  const channel = await call('POST', v1('/channels'), keyAuth, { type: 'messaging', name: `${label} lounge` });
  const endUser = `${label.toLowerCase()}-fan`;
  const socket = await connect(platform.urls.realtime!, userToken(endUser));
  sockets.push(socket);
  await socket.request('channel.join', { channelId: channel.id });
  const text = `${label} private words`;
  const sent = (await socket.request('message.send', { channelId: channel.id, text })) as { message: { id: string } };
  const upload = (await (
    await fetch(`${platform.urls.api}${v1('/uploads')}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-user-token': userToken(endUser) },
      body: new Uint8Array(PNG),
    })
  ).json()) as { id: string; url: string };
  const profile = await call('POST', v1('/transcoding-profiles'), keyAuth, {
    name: `${label} mobile profile`,
    renditions: [{ height: 360, videoBitrateKbps: 800 }],
  });
  const colleague = await api.register(`${label.toLowerCase()}-editor-${Date.now()}@example.com`);
  const memberId = await api.addMember(owner.token, app.appId, colleague, 'editor');
  const inviteEmail = `${label.toLowerCase()}-invitee-${Date.now()}@example.com`;
  const invitation = await call('POST', v1('/members/invitations'), ownerAuth, { email: inviteEmail, role: 'viewer' });
  const hostname = `${label.toLowerCase()}-${Date.now()}.example.com`;
  const domain = await call('POST', v1('/domains'), ownerAuth, { hostname });
  const key = await call('POST', v1('/keys'), ownerAuth, { name: `${label} backend key` });
  const invoice = await call('POST', v1('/invoices'), ownerAuth, { period: lastMonth() });
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'logo.png');
  const logo = await fetch(`${platform.urls.api}${v1('/branding/logo')}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${owner.token}` },
    body: form,
  });
  expect(logo.status, await logo.clone().text()).toBe(200);

  const ids: Record<string, string> = {
    appId: app.appId,
    streamId: stream.id,
    recordingId,
    webhookId: webhook.id,
    deliveryId: test.deliveryId,
    channelId: channel.id,
    messageId: sent.message.id,
    uploadId: upload.id,
    profileId: profile.id,
    memberId,
    invitationId: invitation.invitation.id,
    domainId: domain.id,
    keyId: key.id,
    invoiceId: invoice.id,
    slot: 'logo',
    userId: endUser,
  };
  for (const [name, id] of Object.entries(ids)) expect(id, `${label}: no ${name}`).toBeTypeOf('string');
  const secrets = [
    `${label} secret app`,
    app.key,
    app.secret,
    key.key,
    key.secret,
    stream.name,
    stream.streamKey,
    stream.playbackId,
    webhookUrl,
    webhook.secret,
    channel.name,
    text,
    upload.url,
    profile.name,
    colleague.email,
    owner.email,
    inviteEmail,
    invitation.token,
    hostname,
    ...Object.entries(ids)
      .filter(([name]) => !NAME_PARAMS.has(name))
      .map(([, id]) => id),
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);

  return {
    ...app,
    owner,
    ownerAuth,
    keyAuth,
    ids,
    secrets,
    userToken,
    async expectIntact() {
      const reads: [string, (body: any) => unknown][] = [
        [`/streams/${stream.id}`, (b) => b.name],
        [`/recordings/${recordingId}`, (b) => b.id],
        [`/webhooks/${webhook.id}`, (b) => b.url],
        [`/webhooks/${webhook.id}/deliveries/${test.deliveryId}`, (b) => b.id],
        [`/channels/${channel.id}`, (b) => b.name],
        [`/channels/${channel.id}/messages`, (b) => b.data.map((m: { text: string }) => m.text).join()],
        [`/uploads?userId=${endUser}`, (b) => b.data.map((u: { id: string }) => u.id).join()],
        [`/transcoding-profiles/${profile.id}`, (b) => b.name],
        [`/members`, (b) => b.data.length],
        [`/members/invitations`, (b) => b.data.length],
        [`/domains`, (b) => b.data?.length ?? b.length],
        [`/keys`, (b) => b.data.length],
        [`/invoices/${invoice.id}`, (b) => b.id],
        [`/branding`, (b) => JSON.stringify(b).includes('logo')],
      ];
      const now: unknown[] = [];
      for (const [path, pick] of reads) {
        const res = await api.call('GET', v1(path), { auth: ownerAuth });
        expect(res.status, `${label} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
        now.push(pick(res.body));
      }
      expect(now).toEqual([
        stream.name,
        recordingId,
        webhookUrl,
        test.deliveryId,
        channel.name,
        text,
        upload.id,
        profile.name,
        2,
        1,
        1,
        2,
        invoice.id,
        true,
      ]);
      expect((await fetch(upload.url)).status).toBe(200);
    },
    async close() {
      for (const s of sockets) s.close();
      await new Promise((resolve) => hooks.close(resolve));
    },
  };
}
