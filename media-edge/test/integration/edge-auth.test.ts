// The edge ↔ control-plane link over real HTTP: every internal request, either way, is signed; a request with no
// signature, another secret, a stale timestamp, an altered body or replayed as is gets 401 with a stable code and
// is counted in beamline_edge_auth_failures_total. With two secrets configured, either is accepted (rotation).
import { EDGE_SIGNATURE_HEADER, signEdgeRequest } from '@beamline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish, startEdgeTest, waitForStatus, type EdgeTest } from '../support';

const OLD = 'old-edge-secret-for-rotation-0123';
const NEW = 'new-edge-secret-for-rotation-4567';

interface Call {
  method: string;
  path: string;
  body?: string;
  /** The signature header as sent; undefined sends none. */
  header?: string | undefined;
  extra?: Record<string, string>;
}

async function send(base: string, call: Call): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${base}${call.path}`, {
    method: call.method,
    headers: {
      ...(call.header ? { [EDGE_SIGNATURE_HEADER]: call.header } : {}),
      ...(call.body ? { 'content-type': 'application/json' } : {}),
      ...call.extra,
    },
    ...(call.body ? { body: call.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, ...(text.startsWith('{') ? { code: JSON.parse(text).error?.code } : {}) };
}

/** The failures counted so far by reason, from a /metrics page. */
async function failures(metricsUrl: string): Promise<Record<string, number>> {
  const page = await (await fetch(metricsUrl)).text();
  const out: Record<string, number> = {};
  for (const m of page.matchAll(/^beamline_edge_auth_failures_total\{([^}]*)\} (\d+)$/gm)) {
    const reason = /reason="([^"]+)"/.exec(m[1]!)?.[1];
    if (reason) out[reason] = Number(m[2]);
  }
  return out;
}

/** The five attacks on one route: each is refused with its code. */
async function attacks(base: string, method: string, path: string, body: string | undefined, secret: string) {
  const sign = (opts: { secret?: string; now?: number; body?: string } = {}) =>
    signEdgeRequest([opts.secret ?? secret], { method, path, body: opts.body ?? body ?? null }, { now: opts.now });
  const bodyOf = body === undefined ? {} : { body };
  expect(await send(base, { method, path, ...bodyOf })).toMatchObject({
    status: 401,
    code: 'edge_signature_missing',
  });
  // the bearer the services used to send is no longer enough
  expect(await send(base, { method, path, ...bodyOf, extra: { authorization: `Bearer ${secret}` } })).toMatchObject({
    status: 401,
    code: 'edge_signature_missing',
  });
  expect(
    await send(base, { method, path, ...bodyOf, header: sign({ secret: 'some-other-secret-0123456789' }) }),
  ).toMatchObject({ status: 401, code: 'edge_signature_invalid' });
  expect(await send(base, { method, path, ...bodyOf, header: sign({ now: Date.now() - 90_000 }) })).toMatchObject({
    status: 401,
    code: 'edge_signature_stale',
  });
  if (body !== undefined) {
    const altered = body.replace('[]', '[{"streamId":"str_x","viewers":1000000,"bytes":1}]');
    expect(await send(base, { method, path, body: altered, header: sign() })).toMatchObject({
      status: 401,
      code: 'edge_signature_invalid',
    });
  } else {
    expect(await send(base, { method, path: `${path}?x=1`, header: sign() })).toMatchObject({
      status: 401,
      code: 'edge_signature_invalid',
    });
  }
  const header = sign();
  const first = await send(base, { method, path, ...bodyOf, header });
  expect(first.status).not.toBe(401);
  expect(await send(base, { method, path, ...bodyOf, header })).toMatchObject({
    status: 401,
    code: 'edge_signature_replayed',
  });
  return first;
}

const REFUSED = {
  edge_signature_missing: 2,
  edge_signature_invalid: 2,
  edge_signature_stale: 1,
  edge_signature_replayed: 1,
};

describe('one edge secret', () => {
  let t: EdgeTest;
  beforeAll(async () => {
    t = await startEdgeTest({ EDGE_SECRET: OLD });
  });
  afterAll(() => t?.close());

  it('the control plane refuses unsigned, forged, stale, altered and replayed edge requests, and counts them', async () => {
    const before = await failures(`${t.api}/metrics`);
    const usage = await attacks(t.api, 'POST', '/internal/edge/usage', '{"streams":[]}', OLD);
    expect(usage.status).toBe(200);
    const playback = await attacks(t.api, 'GET', '/internal/edge/playback/unknownPlaybackId', undefined, OLD);
    expect(playback).toMatchObject({ status: 404 });
    const after = await failures(`${t.api}/metrics`);
    for (const [reason, n] of Object.entries(REFUSED)) expect(after[reason]! - (before[reason] ?? 0)).toBe(2 * n);
    // a body past what any report needs is not read into memory, signed or not
    const huge = `{"streams":[],"pad":"${'x'.repeat(9 * 1024 * 1024)}"}`;
    const path = '/internal/edge/usage';
    expect(
      await send(t.api, {
        method: 'POST',
        path,
        body: huge,
        header: signEdgeRequest([OLD], { method: 'POST', path, body: huge }),
      }),
    ).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('the edge refuses the same of the control plane, and counts them', async () => {
    const before = await failures(`${t.hls}/metrics`);
    const deleted = await attacks(t.hls, 'DELETE', '/internal/recordings/rec_doesnotexist', undefined, OLD);
    expect(deleted).toMatchObject({ status: 404, code: 'recording_not_found' });
    const after = await failures(`${t.hls}/metrics`);
    for (const [reason, n] of Object.entries(REFUSED)) expect(after[reason]! - (before[reason] ?? 0)).toBe(n);
  });
});

describe('a rotation: EDGE_SECRET new, EDGE_SECRET_PREVIOUS old', () => {
  let t: EdgeTest;
  beforeAll(async () => {
    t = await startEdgeTest({ EDGE_SECRET: NEW, EDGE_SECRET_PREVIOUS: OLD });
  });
  afterAll(() => t?.close());

  it('accepts requests signed with either secret, both ways, and the edge still publishes', async () => {
    for (const secret of [OLD, NEW]) {
      const path = '/internal/edge/playback/unknownPlaybackId';
      const header = signEdgeRequest([secret], { method: 'GET', path });
      expect(await send(t.api, { method: 'GET', path, header })).toMatchObject({ status: 404 });
      const del = '/internal/recordings/rec_doesnotexist';
      const signed = signEdgeRequest([secret], { method: 'DELETE', path: del });
      expect(await send(t.hls, { method: 'DELETE', path: del, header: signed })).toMatchObject({
        status: 404,
        code: 'recording_not_found',
      });
    }
    const stranger = signEdgeRequest(['a-third-secret-0123456789ab'], { method: 'POST', path: '/internal/edge/usage' });
    expect(await send(t.api, { method: 'POST', path: '/internal/edge/usage', header: stranger })).toMatchObject({
      status: 401,
      code: 'edge_signature_invalid',
    });
    // the edge's own calls (publish check, lifecycle reports) go through
    const stream = (await t.call('POST', '/streams', { name: 'Rotating', reconnectWindowSeconds: 0 })).body;
    const publisher = publish(`${stream.rtmpUrl}/${stream.streamKey}`, { seconds: 3 });
    try {
      await waitForStatus(t, stream.id, 'live');
    } finally {
      await publisher.stop();
    }
  });
});
