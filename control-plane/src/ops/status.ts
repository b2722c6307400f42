// The public status page: each component's health, probed on an interval, and the incidents those probes opened.
import { randomToken } from '@beamline/protocol';
import type { DocumentStore, IndexSpec, Logger } from '@beamline/core';
import { request } from 'undici';

export const STATUS_INCIDENTS = 'status_incidents';
export const STATUS_INDEXES: IndexSpec[] = [
  { collection: STATUS_INCIDENTS, fields: ['component'] },
  { collection: STATUS_INCIDENTS, fields: ['startedAt'] },
];

export interface IncidentDoc {
  id: string;
  component: string;
  detail: string;
  startedAt: string;
  resolvedAt?: string;
}

export interface ComponentHealth {
  name: string;
  status: 'up' | 'down' | 'unknown';
  detail: string;
  checkedAt: string | null;
  latencyMs: number | null;
}

export interface StatusReport {
  status: 'operational' | 'degraded';
  components: ComponentHealth[];
  incidents: IncidentDoc[];
}

export interface StatusMonitor {
  report(): Promise<StatusReport>;
  /** Probes every component once now (the interval does the same). */
  probe(): Promise<void>;
  start(): void;
  stop(): void;
}

/** `name=url,name=url` into pairs; the default probes the public realtime and HLS addresses. */
export function parseComponents(spec: string | undefined, fallback: Record<string, string>): [string, string][] {
  if (!spec) return Object.entries(fallback);
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
    });
}

const PROBE_TIMEOUT_MS = 3_000;

async function probeUrl(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await request(url, { headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS });
    await res.body.dump();
    return res.statusCode === 200 ? { ok: true, detail: 'ready' } : { ok: false, detail: `answered ${res.statusCode}` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message || 'not reachable' };
  }
}

export function createStatusMonitor(opts: {
  store: DocumentStore;
  log: Logger;
  components: [string, string][];
  intervalMs: number;
  now?: () => Date;
}): StatusMonitor {
  const incidents = opts.store.collection<IncidentDoc>(STATUS_INCIDENTS);
  const now = opts.now ?? (() => new Date());
  const health = new Map<string, ComponentHealth>();
  const names = ['control-plane', 'store', ...opts.components.map(([name]) => name)];
  let timer: NodeJS.Timeout | undefined;
  let probing: Promise<void> | null = null;

  /** Opens an incident when a component goes down and closes it when it comes back, once per change. */
  async function record(name: string, ok: boolean, detail: string, at: string) {
    const open = await incidents.findOne({ component: name, resolvedAt: { $exists: false } });
    if (!ok && !open) {
      await incidents.insert({ id: `inc_${randomToken(20)}`, component: name, detail, startedAt: at });
      opts.log.warn({ component: name, detail }, 'component down');
    } else if (ok && open) {
      await incidents.updateOne({ id: open.id }, { set: { resolvedAt: at } });
      opts.log.info({ component: name }, 'component recovered');
    }
  }

  async function probeAll() {
    const at = now().toISOString();
    const checks: [string, Promise<{ ok: boolean; detail: string }>][] = [
      ['control-plane', Promise.resolve({ ok: true, detail: 'serving' })],
      [
        'store',
        opts.store.ping().then(
          () => ({ ok: true, detail: opts.store.kind }),
          (err: unknown) => ({ ok: false, detail: String((err as Error).message ?? err) }),
        ),
      ],
      ...opts.components.map(
        ([name, url]) => [name, probeUrl(url)] as [string, Promise<{ ok: boolean; detail: string }>],
      ),
    ];
    await Promise.all(
      checks.map(async ([name, check]) => {
        const started = performance.now();
        const { ok, detail } = await check;
        health.set(name, {
          name,
          status: ok ? 'up' : 'down',
          detail,
          checkedAt: at,
          latencyMs: Math.round(performance.now() - started),
        });
        // The store may be the thing that is down: a failed write must not stop the other probes.
        await record(name, ok, detail, at).catch((err: unknown) =>
          opts.log.warn({ err, component: name }, 'incident not recorded'),
        );
      }),
    );
  }

  const probe = () => (probing ??= probeAll().finally(() => (probing = null)));

  return {
    probe,
    async report() {
      const components = names.map(
        (name) =>
          health.get(name) ?? {
            name,
            status: 'unknown' as const,
            detail: 'not probed yet',
            checkedAt: null,
            latencyMs: null,
          },
      );
      const recent = await incidents.find({}, { sort: { startedAt: -1 }, limit: 20 }).catch(() => []);
      return {
        status: components.every((c) => c.status !== 'down') ? 'operational' : 'degraded',
        components,
        incidents: recent,
      };
    },
    start() {
      // The first probe waits one interval, so services starting beside this one are not reported down.
      if (timer) return;
      timer = setInterval(() => void probe(), opts.intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
