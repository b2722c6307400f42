// The typed context every verb receives: who acts, for which app, with which adapters.
import type { DocumentStore, EventBus, EventPublisher, Logger } from '@beamline/core';
import type { AccessChanges } from './http/access';
import type { MemberRole } from './permissions';
import type { Repos } from './repos';

export type Actor =
  | { type: 'developer'; userId: string; role?: MemberRole }
  | { type: 'apiKey'; keyId: string; appId: string }
  | { type: 'edge' }
  | { type: 'system' };

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Ctx {
  actor: Actor;
  repos: Repos;
  store: DocumentStore;
  bus: EventBus;
  events: EventPublisher;
  clock: Clock;
  log: Logger;
  /** This node's caches of keys, apps and memberships: a verb that changes them says so here. */
  access: AccessChanges;
}

export interface AppCtx extends Ctx {
  appId: string;
}

export function actorId(actor: Actor): string {
  switch (actor.type) {
    case 'developer':
      return actor.userId;
    case 'apiKey':
      return actor.keyId;
    default:
      return actor.type;
  }
}
