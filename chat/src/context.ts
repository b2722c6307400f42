// The typed context every chat verb receives: the app, who acts, and the adapters.
import type { DocumentStore, EventPublisher, Logger, RateLimit } from '@beamline/core';
import type { UserRole } from '@beamline/protocol';
import type { MessageWrites } from './message-writes';
import type { ChatRepos } from './repos';

export type ChatActor =
  | { type: 'user'; userId: string; role: UserRole; name?: string; image?: string }
  /** The app's backend or a dashboard member, through the REST API. */
  | { type: 'server'; id: string };

export interface ChatLimits {
  /** Messages per user per 10 seconds. */
  messagesPer10s: number;
  /** Live reactions (reaction.sent) per user per second. */
  reactionsPerSecond: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = { messagesPer10s: 20, reactionsPerSecond: 5 };

/** Shared counters: in memory on one node, in Redis in cluster mode (see createChatServices). */
export interface ChatCounters {
  messages: RateLimit;
  reactions: RateLimit;
  /** A slow-mode limiter for a period of `seconds`. */
  slowMode(seconds: number): RateLimit;
}

export interface ChatServices {
  store: DocumentStore;
  events: EventPublisher;
  counters: ChatCounters;
  log: Logger;
  now(): Date;
  /**
   * A new message's time: the clock's, but later than the last one this node stamped, so that messages a node
   * takes one after another keep that order in history (which sorts by time, then id) even within a millisecond.
   */
  messageTime(): string;
  repos(appId: string): ChatRepos;
  /** The writes of new messages, grouped across sends. */
  messageWrites: MessageWrites;
}

export interface ChatCtx {
  appId: string;
  actor: ChatActor;
  chat: ChatServices;
  /** For the audit log of moderation done over the socket. */
  ip?: string;
}

export function actorName(actor: ChatActor): string {
  return actor.type === 'user' ? actor.userId : actor.id;
}
