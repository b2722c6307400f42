// When to try a delivery again: the retry schedule, jitter, Retry-After, and which answers are worth retrying.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,1h,3h,6h,12h';

/** Parses "5s,30s,2m" into milliseconds; null when any item is malformed. */
export function parseRetrySchedule(value: string): number[] | null {
  const items = value.split(',').map((s) => s.trim());
  const out: number[] = [];
  for (const item of items) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(item);
    if (!m) return null;
    const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
    if (!Number.isFinite(ms) || ms <= 0 || ms > 7 * UNIT_MS.d) return null;
    out.push(ms);
  }
  return out.length > 0 ? out : null;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** Network errors, timeouts, 408, 429 and 5xx may pass; any other answer will not change on retry. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The wait before the next attempt after `attemptsSoFar` failed ones, or null when the schedule is spent.
 * The scheduled wait gets ±10% jitter so retries of many deliveries spread out; a receiver's
 * Retry-After lengthens it (up to a day) but never shortens it.
 */
export function nextRetryDelay(
  schedule: number[],
  attemptsSoFar: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attemptsSoFar - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
