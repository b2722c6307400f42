// The SSRF guard and the retry rules as pure functions, and the guard again at delivery time with
// injected DNS answers (DNS that changes after registration, or between the check and the connect).
import { describe, expect, it } from 'vitest';
import { waitFor } from '@beamline/core/testing';
import { startReceiver } from '@beamline/testkit/receiver';
import { checkDestination, DESTINATION_CHECK_TTL_MS, DestinationRefused, type DestinationPolicy } from '@beamline/core';
import { judgeAttempt } from '../../src/webhooks/attempt';
import { isRetryable, nextRetryDelay, parseRetryAfter, parseRetrySchedule } from '../../src/webhooks/retry';
import { createSender, RESPONSE_EXCERPT_BYTES, signatureHeader } from '../../src/webhooks/sender';
import { verifyWebhookSignature } from '@beamline/protocol';

const policy = (over: Partial<DestinationPolicy> = {}): DestinationPolicy => ({
  httpsOnly: false,
  allowedHosts: [],
  resolve: async () => ['93.184.216.34'],
  ...over,
});

async function refusal(url: string, p: DestinationPolicy): Promise<string | null> {
  try {
    await checkDestination(url, p);
    return null;
  } catch (err) {
    if (err instanceof DestinationRefused) return err.code;
    throw err;
  }
}

describe('checkDestination', () => {
  it('accepts a public name and refuses names that resolve to private, loopback or metadata addresses', async () => {
    expect(await refusal('https://hooks.example.com/x', policy())).toBeNull();
    for (const address of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1']) {
      expect(await refusal('https://hooks.example.com/x', policy({ resolve: async () => [address] }))).toBe(
        'webhook_url_not_allowed',
      );
    }
  });

  it('checks every address of a name, not only the first', async () => {
    const p = policy({ resolve: async () => ['93.184.216.34', '10.0.0.1'] });
    expect(await refusal('https://mixed.example.com/', p)).toBe('webhook_url_not_allowed');
  });

  it('allows by host name, by address and by CIDR range', async () => {
    const loop = policy({ resolve: async () => ['127.0.0.1'] });
    expect(await refusal('http://dev.internal/x', { ...loop, allowedHosts: ['dev.internal'] })).toBeNull();
    expect(await refusal('http://dev.internal/x', { ...loop, allowedHosts: ['127.0.0.1'] })).toBeNull();
    expect(await refusal('http://10.1.2.3/x', policy({ allowedHosts: ['10.0.0.0/8'] }))).toBeNull();
    expect(await refusal('http://10.1.2.3/x', policy({ allowedHosts: ['10.0.0.0/16'] }))).toBe(
      'webhook_url_not_allowed',
    );
  });

  it('wants https in production, and a resolvable host', async () => {
    expect(await refusal('http://hooks.example.com/', policy({ httpsOnly: true }))).toBe('webhook_url_invalid');
    expect(await refusal('https://hooks.example.com/', policy({ httpsOnly: true }))).toBeNull();
    const none = policy({ resolve: () => Promise.reject(new Error('ENOTFOUND')) });
    expect(await refusal('https://nowhere.invalid/', none)).toBe('webhook_host_unresolvable');
  });
});

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Runs `test` against a receiver on loopback (answering as `plan` says), closed afterwards. */
async function withReceiver(
  test: (receiver: Receiver) => Promise<void>,
  plan?: Parameters<typeof startReceiver>[0],
): Promise<void> {
  const receiver = await startReceiver(plan);
  try {
    await test(receiver);
  } finally {
    await receiver.close();
  }
}

describe('the guard at delivery time', () => {
  it('refuses, without sending, when the name now resolves to loopback', async () => {
    await withReceiver(async (receiver) => {
      const sender = createSender({
        policy: policy({ resolve: async () => ['127.0.0.1'] }),
        timeoutMs: 2000,
      });
      const url = `http://hooks.example.com:${receiver.port}/hook`;
      const result = await sender.send({ url, eventId: 'evt_1', payload: '{}', secrets: ['s'] });
      await sender.close();
      expect(result).toMatchObject({ refused: true, status: null });
      expect(result.error).toMatch(/127\.0\.0\.1/);
      expect(receiver.received).toHaveLength(0);
    });
  });

  it('refuses when DNS changes between the check and the connection', async () => {
    await withReceiver(async (receiver) => {
      let calls = 0;
      // Public for the check, loopback for the socket's own look-up: the connection must not be made.
      const resolve = async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
      const sender = createSender({ policy: policy({ resolve }), timeoutMs: 2000 });
      const url = `http://rebind.example.com:${receiver.port}/hook`;
      const result = await sender.send({ url, eventId: 'evt_1', payload: '{}', secrets: ['s'] });
      await sender.close();
      expect(calls).toBe(2);
      expect(result).toMatchObject({ refused: true, status: null });
      expect(receiver.received).toHaveLength(0);
      expect(judgeAttempt(result, 1, [1000]).outcome).toBe('failed');
    });
  });
});

describe('the sender', () => {
  it('reuses a check for a few seconds, then asks DNS again and refuses an address that turned private', async () => {
    await withReceiver(async (receiver) => {
      let answer = ['127.0.0.1'];
      let calls = 0;
      let now = Date.parse('2026-01-01T00:00:00Z');
      const resolve = async () => {
        calls++;
        return answer;
      };
      const sender = createSender({
        policy: policy({ resolve, allowedHosts: ['127.0.0.1'] }),
        timeoutMs: 2000,
        now: () => new Date(now),
      });
      const url = `http://hooks.example.com:${receiver.port}/hook`;
      const send = () => sender.send({ url, eventId: 'evt_1', payload: '{}', secrets: ['s'] });
      expect(await send()).toMatchObject({ status: 200, refused: false });
      const checksAfterFirst = calls; // the check, then the socket's own look-up
      answer = ['10.0.0.1'];
      now += DESTINATION_CHECK_TTL_MS - 1;
      const origin = new URL(url).origin; // undici puts the socket back in its pool a moment after the answer
      await waitFor(() => sender.idleConnections(origin) > 0, { intervalMs: 1, what: 'the connection to be idle' });
      expect(await send()).toMatchObject({ status: 200 }); // the check stands, on the connection it guarded
      expect(calls).toBe(checksAfterFirst);
      now += 2;
      const refused = await send();
      await sender.close();
      expect(refused).toMatchObject({ refused: true, status: null });
      expect(refused.error).toMatch(/10\.0\.0\.1/);
      expect(receiver.received).toHaveLength(2);
    });
  });

  it('ends an attempt at its deadline, not before, and keeps only the first bytes of an answer', async () => {
    await withReceiver(
      async (receiver) => {
        const sender = createSender({ policy: policy({ allowedHosts: ['127.0.0.1'] }), timeoutMs: 300 });
        const send = () => sender.send({ url: receiver.url, eventId: 'evt_1', payload: '{}', secrets: ['s'] });
        const slow = await send();
        expect(slow).toMatchObject({ status: null, error: 'timed out after 300 ms', refused: false });
        expect(slow.latencyMs).toBeGreaterThanOrEqual(295);
        expect(slow.latencyMs).toBeLessThan(1000);
        const long = await send();
        await sender.close();
        expect(long).toMatchObject({ status: 500, responseExcerpt: 'x'.repeat(RESPONSE_EXCERPT_BYTES) });
      },
      (i) => (i === 0 ? { status: 200, delayMs: 1500 } : { status: 500, body: 'x'.repeat(5000) }),
    );
  });
});

describe('retry rules', () => {
  it('parses the schedule and refuses nonsense', () => {
    expect(parseRetrySchedule('5s,30s,2m,10m,1h,3h,6h,12h')).toEqual([
      5_000, 30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
    ]);
    expect(parseRetrySchedule('250ms, 1.5s')).toEqual([250, 1500]);
    for (const bad of ['', '5', 'five', '5s,,1m', '-1s', '8d']) expect(parseRetrySchedule(bad)).toBeNull();
  });

  it('adds at most 10% jitter, honours a longer Retry-After, and ends with the schedule', () => {
    const s = [1000, 5000];
    expect(nextRetryDelay(s, 1, null, () => 0)).toBe(900);
    expect(nextRetryDelay(s, 1, null, () => 0.999)).toBe(1100);
    expect(nextRetryDelay(s, 2, null, () => 0.5)).toBe(5000);
    expect(nextRetryDelay(s, 1, 30_000, () => 0.5)).toBe(30_000);
    expect(nextRetryDelay(s, 1, 10, () => 0.5)).toBe(1000);
    expect(nextRetryDelay(s, 3, null)).toBeNull();
  });

  it('retries network errors, 408, 429 and 5xx only', () => {
    expect([null, 408, 429, 500, 502, 503].every(isRetryable)).toBe(true);
    expect([301, 400, 401, 404, 410, 422].some(isRetryable)).toBe(false);
    expect(parseRetryAfter('120', new Date())).toBe(120_000);
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('signature header', () => {
  it('carries one v1 per secret and verifies with either', () => {
    const header = signatureHeader(['new', 'old'], 1_700_000_000, '{"a":1}');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const opts = { now: 1_700_000_000 };
    expect(verifyWebhookSignature('new', header, '{"a":1}', opts)).toBe(true);
    expect(verifyWebhookSignature('old', header, '{"a":1}', opts)).toBe(true);
    expect(verifyWebhookSignature('other', header, '{"a":1}', opts)).toBe(false);
  });
});
