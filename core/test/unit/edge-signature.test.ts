// Signed edge ↔ control-plane requests as pure functions: what a receiver refuses, and a rotation of the secret.
import { describe, expect, it } from 'vitest';
import {
  createEdgeVerifier,
  edgeSecrets,
  memorySeenNonces,
  signEdgeRequest,
  type EdgeAuthFailure,
  type EdgeRequest,
} from '../../src/edge-signature';

const OLD = 'old-edge-secret-0123456789abcdef';
const NEW = 'new-edge-secret-0123456789abcdef';
const T0 = Date.parse('2026-12-01T12:00:00Z');
const usage: EdgeRequest = { method: 'POST', path: '/internal/edge/usage', body: '{"streams":[]}' };

function receiver(secrets: string[], clock = { now: T0 }) {
  const failures: EdgeAuthFailure[] = [];
  const verify = createEdgeVerifier({
    secrets,
    seen: memorySeenNonces({ now: () => clock.now }),
    now: () => clock.now,
    onFailure: (reason) => failures.push(reason),
  });
  return { verify, failures, clock };
}

describe('signed edge requests', () => {
  it('accepts a signed request once, and refuses what is missing, forged, stale, altered or replayed', async () => {
    const r = receiver([NEW]);
    const header = signEdgeRequest([NEW], usage, { now: T0 });
    expect(await r.verify({ ...usage, header })).toBeNull();
    expect(await r.verify({ ...usage, header })).toBe('edge_signature_replayed');
    expect(await r.verify({ ...usage, header: undefined })).toBe('edge_signature_missing');
    expect(await r.verify({ ...usage, header: 'Bearer ' + NEW })).toBe('edge_signature_invalid');
    const forged = signEdgeRequest(['not-the-secret-0123456789'], usage, { now: T0 });
    expect(await r.verify({ ...usage, header: forged })).toBe('edge_signature_invalid');
    const stale = signEdgeRequest([NEW], usage, { now: T0 - 61_000 });
    expect(await r.verify({ ...usage, header: stale })).toBe('edge_signature_stale');
    const early = signEdgeRequest([NEW], usage, { now: T0 + 61_000 });
    expect(await r.verify({ ...usage, header: early })).toBe('edge_signature_stale');
    const fresh = signEdgeRequest([NEW], usage, { now: T0 - 59_000 });
    expect(await r.verify({ ...usage, header: fresh })).toBeNull();
    const signed = signEdgeRequest([NEW], usage, { now: T0 });
    expect(await r.verify({ ...usage, body: '{"streams":[1]}', header: signed })).toBe('edge_signature_invalid');
    expect(await r.verify({ ...usage, path: '/internal/edge/usage?x=1', header: signed })).toBe(
      'edge_signature_invalid',
    );
    expect(await r.verify({ ...usage, method: 'PUT', header: signed })).toBe('edge_signature_invalid');
    // a nonce swapped in by hand breaks the signature
    const swapped = signed.replace(/n=[0-9a-f]+/, `n=${'a'.repeat(32)}`);
    expect(await r.verify({ ...usage, header: swapped })).toBe('edge_signature_invalid');
    expect(await r.verify({ ...usage, header: signed })).toBeNull();
    expect(r.failures).toEqual([
      'edge_signature_replayed',
      'edge_signature_missing',
      'edge_signature_invalid',
      'edge_signature_invalid',
      'edge_signature_stale',
      'edge_signature_stale',
      'edge_signature_invalid',
      'edge_signature_invalid',
      'edge_signature_invalid',
      'edge_signature_invalid',
    ]);
  });

  it('signs with both secrets during a rotation, so receivers on either secret accept it', async () => {
    const rotating = edgeSecrets({ EDGE_SECRET: NEW, EDGE_SECRET_PREVIOUS: OLD });
    expect(rotating).toEqual([NEW, OLD]);
    expect(edgeSecrets({ EDGE_SECRET: NEW })).toEqual([NEW]);
    // a receiver not yet restarted (old secret only) and one already on the new pair
    for (const secrets of [[OLD], [NEW, OLD], [NEW]]) {
      const r = receiver(secrets);
      expect(await r.verify({ ...usage, header: signEdgeRequest(rotating, usage, { now: T0 }) })).toBeNull();
    }
    // a sender not yet restarted (old only) is accepted by the rotating receiver, not after the old secret is dropped
    expect(
      await receiver(rotating).verify({ ...usage, header: signEdgeRequest([OLD], usage, { now: T0 }) }),
    ).toBeNull();
    expect(await receiver([NEW]).verify({ ...usage, header: signEdgeRequest([OLD], usage, { now: T0 }) })).toBe(
      'edge_signature_invalid',
    );
  });

  it('remembers nonces for the window only, and at most as many as it is told', async () => {
    const clock = { now: T0 };
    const seen = memorySeenNonces({ max: 2, now: () => clock.now });
    expect(await seen.claim('a', 1_000)).toBe(true);
    expect(await seen.claim('a', 1_000)).toBe(false);
    clock.now += 1_001;
    expect(await seen.claim('a', 1_000)).toBe(true);
    expect(await seen.claim('b', 1_000)).toBe(true);
    expect(await seen.claim('c', 1_000)).toBe(true); // 'a' is forgotten to stay within 2
    expect(await seen.claim('c', 1_000)).toBe(false);
  });
});
