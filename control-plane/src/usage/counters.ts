// Counts that arrive one by one (API calls, chat messages, reactions, joins) are summed in memory and
// written in batches; each batch carries a key of this process and its sequence, so a retried batch counts once.
import type { DocumentStore } from '@beamline/core';
import { randomToken, type EventEnvelope } from '@beamline/protocol';
import { writeBuckets, type BucketWrite } from '../analytics/buckets';
import { addToMeters, claimReceipt, monthOf, type MeterIncrement } from './meters';

interface ApiCount {
  appId: string;
  scope: string;
  calls: number;
  c2xx: number;
  c4xx: number;
  c5xx: number;
}

interface Batch {
  key: string;
  at: Date;
  writes: BucketWrite[];
  increments: MeterIncrement[];
  /** app|month|user of chat users first seen by this process in the batch. */
  users: string[];
}

export class UsageCounters {
  private readonly node = `n${randomToken(12)}`;
  private seq = 0;
  private api = new Map<string, ApiCount>();
  private chat = new Map<string, { messages: number; reactions: number; joins: number; connections: number }>();
  private chatPeaks = new Map<string, number>();
  private users = new Set<string>();
  /** Chat users this process already claimed this month (skips a store round trip per event). */
  private readonly knownUsers = new Set<string>();
  private pending: Batch | null = null;

  /** One API call of an app by a key (or by a signed-in developer, scope 'dashboard'), by status class. */
  countApiCall(appId: string, scope: string, status: number): void {
    const id = `${appId}|${scope}`;
    let c = this.api.get(id);
    if (!c) {
      c = { appId, scope, calls: 0, c2xx: 0, c4xx: 0, c5xx: 0 };
      this.api.set(id, c);
    }
    c.calls++;
    if (status >= 500) c.c5xx++;
    else if (status >= 400) c.c4xx++;
    else c.c2xx++;
  }

  private chatOf(appId: string) {
    let c = this.chat.get(appId);
    if (!c) {
      c = { messages: 0, reactions: 0, joins: 0, connections: 0 };
      this.chat.set(appId, c);
    }
    return c;
  }

  private seeUser(appId: string, userId: string, at: Date) {
    const id = `${appId}|${monthOf(at)}|${userId}`;
    if (this.knownUsers.has(id)) return;
    this.users.add(id);
  }

  /** A realtime connection of a chat user (the bus topic USAGE_TOPIC): a connected user is active this month. */
  countUsageFact(fact: { type?: unknown; appId?: unknown; userId?: unknown }, now: Date): void {
    if (fact?.type !== 'connection' || typeof fact.appId !== 'string' || typeof fact.userId !== 'string') return;
    this.chatOf(fact.appId).connections++;
    this.seeUser(fact.appId, fact.userId, now);
  }

  /** Realtime's events on the bus: messages, reactions and channel joins (presence) of chat users. */
  countChatEvent(event: EventEnvelope, now: Date): void {
    const { appId } = event;
    if (typeof appId !== 'string' || !appId) return;
    switch (event.type) {
      case 'chat.message.new': {
        const data = event.data as EventEnvelope<'chat.message.new'>['data'];
        this.chatOf(appId).messages++;
        if (data?.message?.userId) this.seeUser(appId, data.message.userId, now);
        return;
      }
      case 'reaction.sent': {
        const data = event.data as EventEnvelope<'reaction.sent'>['data'];
        this.chatOf(appId).reactions++;
        if (data?.userId) this.seeUser(appId, data.userId, now);
        return;
      }
      case 'presence.changed': {
        const data = event.data as EventEnvelope<'presence.changed'>['data'];
        if (!data || !Array.isArray(data.members)) return;
        if (data.online) {
          this.chatOf(appId).joins++;
          this.seeUser(appId, data.userId, now);
        }
        const id = `${appId}|${data.channelId}`;
        this.chatPeaks.set(id, Math.max(this.chatPeaks.get(id) ?? 0, data.members.length));
        return;
      }
      default:
        return;
    }
  }

  private takeBatch(at: Date): Batch | null {
    if (!this.api.size && !this.chat.size && !this.chatPeaks.size && !this.users.size) return null;
    const writes: BucketWrite[] = [];
    const increments: MeterIncrement[] = [];
    for (const c of this.api.values()) {
      const sums = { apiCalls: c.calls, api2xx: c.c2xx, api4xx: c.c4xx, api5xx: c.c5xx };
      writes.push({ appId: c.appId, scope: 'app', at, sums }, { appId: c.appId, scope: c.scope, at, sums });
      increments.push({ appId: c.appId, meter: 'api_calls', amount: c.calls, at });
    }
    for (const [appId, c] of this.chat) {
      writes.push({ appId, scope: 'app', at, sums: c });
      increments.push({ appId, meter: 'chat_messages', amount: c.messages, at });
    }
    for (const [id, peak] of this.chatPeaks) {
      const [appId, channelId] = id.split('|') as [string, string];
      writes.push({ appId, scope: `ch:${channelId}`, at, peaks: { peakChatUsers: peak } });
    }
    const batch = { key: `counts:${this.node}:${this.seq++}`, at, writes, increments, users: [...this.users] };
    this.api = new Map();
    this.chat = new Map();
    this.chatPeaks = new Map();
    this.users = new Set();
    return batch;
  }

  /**
   * Writes what was counted since the last flush; returns the month totals of the meters it changed.
   * A batch that fails is kept and retried under the same key on the next flush.
   */
  async flush(store: DocumentStore, now: Date): Promise<Map<string, number>> {
    const batch = this.pending ?? this.takeBatch(now);
    if (!batch) return new Map();
    this.pending = batch;
    const totals = new Map<string, number>();
    if (await claimReceipt(store, batch.key, now)) {
      await writeBuckets(store, batch.writes);
      for (const [k, v] of await addToMeters(store, batch.increments, now)) totals.set(k, v);
    }
    this.pending = null;
    for (const id of batch.users) {
      const [appId, month, userId] = id.split('|') as [string, string, string];
      // one chat user counts once per app and month, whichever node saw them first
      if (await claimReceipt(store, `mau:${appId}:${month}:${userId}`, now)) {
        const meterTotals = await addToMeters(store, [{ appId, meter: 'chat_mau', amount: 1, at: batch.at }], now);
        for (const [k, v] of meterTotals) totals.set(k, v);
      }
      if (this.knownUsers.size > 200_000) this.knownUsers.clear();
      this.knownUsers.add(id);
    }
    return totals;
  }
}
