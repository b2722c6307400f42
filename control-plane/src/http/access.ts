// This node's memory of what every authenticated request checks (API keys, apps, memberships, developer
// sessions), so that a request makes no store round trip when nothing changed; changes reach every node on the bus.
import { createSharedCache, findActiveApiKey, type ActiveApiKey } from '@beamline/core';
import { createSessionGate, type SessionGate } from '../accounts/sessions';
import type { ControlPlaneDeps } from '../deps';
import { createRepos, type AppDoc, type MemberDoc } from '../repos';

/** Bus topic on which a node tells the others which keys, apps and memberships changed. */
export const ACCESS_TOPIC = 'access';

/**
 * How long a node trusts what it read without asking the store again. Changes reach the other nodes through the
 * bus at once; this bounds the wait (well within the promised 5 s) when a bus message is lost.
 */
export const ACCESS_CACHE_TTL_MS = 2_000;

/** What a verb that changes keys, apps or memberships tells the caches (ctx.access). */
export interface AccessChanges {
  /**
   * After the store changed: forgets, here and on every node, whatever depends on these ids — an API key's id,
   * an app's (its keys and members too), a member's, a user's (all their memberships).
   */
  changed(...ids: string[]): Promise<void>;
}

export interface Access extends AccessChanges {
  /** Developer access tokens and whether their session is open. */
  sessions: SessionGate;
  /** The active key whose public half is `key`, with its usable secrets; null for unknown or revoked keys. */
  apiKey(key: string): Promise<ActiveApiKey | null>;
  app(appId: string): Promise<AppDoc | null>;
  member(appId: string, userId: string): Promise<MemberDoc | null>;
  /** Listens to the other nodes' changes. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createAccess(
  deps: Pick<ControlPlaneDeps, 'config' | 'store' | 'bus' | 'clock' | 'log' | 'secretBox'>,
  sessions: SessionGate = createSessionGate(deps),
): Access {
  const repos = createRepos(deps.store);
  const base = { topic: ACCESS_TOPIC, bus: deps.bus, clock: deps.clock, ttlMs: ACCESS_CACHE_TTL_MS, log: deps.log };
  const keys = createSharedCache<ActiveApiKey>({
    ...base,
    name: 'api-keys',
    tagsOf: (k) => [k.id, k.appId],
    // The previous secret stops working when its grace ends, not up to a TTL later.
    expiresAt: (k) => (k.previousSecretExpiresAt ? Date.parse(k.previousSecretExpiresAt) : undefined),
  });
  const apps = createSharedCache<AppDoc>({ ...base, name: 'apps', tagsOf: (a) => [a.id] });
  const members = createSharedCache<MemberDoc>({
    ...base,
    name: 'members',
    tagsOf: (m) => [m.id, m.appId, m.userId],
  });
  const caches = [keys, apps, members];

  return {
    sessions,
    apiKey: (key) => keys.get(key, () => findActiveApiKey(deps.store, deps.secretBox, key, deps.clock.now())),
    app: (appId) => apps.get(appId, () => repos.apps.findOne({ id: appId })),
    member: (appId, userId) => members.get(`${appId} ${userId}`, () => repos.forApp(appId).members.findOne({ userId })),
    async changed(...ids) {
      await Promise.all(caches.map((c) => c.forget({ tags: ids })));
    },
    async start() {
      await Promise.all([sessions.start(), ...caches.map((c) => c.start())]);
    },
    async close() {
      await Promise.all([sessions.close(), ...caches.map((c) => c.close())]);
    },
  };
}
