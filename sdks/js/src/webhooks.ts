// Verifying Beamline webhooks in a receiver: the signature (HMAC-SHA256 over "{t}.{body}"), in constant
// time, and the timestamp against a tolerance so a captured delivery cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventEnvelope } from './generated/protocol';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far the signed time may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current time in Unix seconds (default: the clock). */
  now?: number;
}

export type WebhookVerificationErrorCode =
  'missing_header' | 'malformed_signature' | 'timestamp_out_of_tolerance' | 'signature_mismatch' | 'invalid_body';

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseSignature(value: string): { timestamp: number; signatures: string[] } {
  let timestamp = NaN;
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(val)) timestamp = Number(val);
    if (key === 'v1' && val) signatures.push(val);
  }
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0) {
    throw new WebhookVerificationError('malformed_signature', 'Webhook-Signature must look like "t=<unix>,v1=<hex>".');
  }
  return { timestamp, signatures };
}

/**
 * Checks a delivery and returns its event. Pass the body exactly as received (before any JSON
 * parsing), the request headers, and the endpoint's signing secret (or several, during a rotation).
 * Throws WebhookVerificationError when anything does not match.
 */
export function verifyWebhook<T extends EventEnvelope = EventEnvelope>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | string[],
  options: VerifyWebhookOptions = {},
): T {
  const signatureHeader = header(headers, 'webhook-signature');
  if (!signatureHeader)
    throw new WebhookVerificationError('missing_header', 'The Webhook-Signature header is missing.');
  const { timestamp, signatures } = parseSignature(signatureHeader);
  const timestampHeader = header(headers, 'webhook-timestamp');
  if (timestampHeader !== undefined && timestampHeader.trim() !== String(timestamp)) {
    throw new WebhookVerificationError('malformed_signature', 'Webhook-Timestamp does not match the signed time.');
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError('timestamp_out_of_tolerance', 'The signed time is outside the tolerance.');
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const given = signatures.map((s) => Buffer.from(s, 'utf8'));
  const matched = (Array.isArray(secret) ? secret : [secret]).some((candidate) => {
    const mac = createHmac('sha256', candidate).update(`${timestamp}.`).update(body).digest('hex');
    const expected = Buffer.from(mac, 'utf8');
    // Compare against every v1 without stopping early, so timing says nothing about which one matched.
    return given.reduce((hit, g) => (g.length === expected.length && timingSafeEqual(g, expected)) || hit, false);
  });
  if (!matched) throw new WebhookVerificationError('signature_mismatch', 'The signature does not match the body.');
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The body is not JSON.');
  }
}
