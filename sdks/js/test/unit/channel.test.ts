// Gap-fill of a channel after a reconnect, with a scripted transport: every message once, in order.
import { describe, expect, it } from 'vitest';
import { ChatChannel, type ChannelTransport } from '../../src/chat/channel';
import { ChatError } from '../../src/chat/errors';
import type { ChatMessage, EventEnvelope } from '../../src/generated/protocol';

const msg = (n: number): ChatMessage => ({
  id: `msg_${String(n).padStart(3, '0')}`,
  channelId: 'chn_1',
  userId: 'u',
  text: `m${n}`,
  createdAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
});
const live = (m: ChatMessage): EventEnvelope =>
  ({
    id: `evt_${m.id}`,
    type: 'chat.message.new',
    appId: 'app_1',
    createdAt: m.createdAt,
    data: { channelId: 'chn_1', message: m },
  }) as EventEnvelope;

function transport(store: ChatMessage[], opts: { onHistory?: () => void; missingPivot?: boolean } = {}) {
  const calls: string[] = [];
  const t: ChannelTransport = {
    newClientId: () => 'c1',
    sendMessage: async () => store[0]!,
    request: async (name) => {
      calls.push(name);
      if (name === 'channel.join')
        return { ok: true, channel: {} as never, messages: store.slice(-3), members: [] } as never;
      throw new Error(`unexpected ${name}`);
    },
    resyncRequest: async (name, payload) => {
      calls.push(`resync:${name}`);
      if (name === 'channel.join')
        return { ok: true, channel: {} as never, messages: store.slice(-3), members: [] } as never;
      const { after } = payload as { after: string };
      opts.onHistory?.();
      if (opts.missingPivot) throw new ChatError('message_not_found', 'gone');
      const from = store.findIndex((m) => m.id === after);
      // Like the server: ascending, and a few messages before the pivot repeated.
      const page = store.slice(Math.max(0, from - 2), from + 1 + 2).filter((m) => m.id !== after);
      return { ok: true, messages: page, hasMore: from + 1 + 2 < store.length } as never;
    },
  };
  return { t, calls };
}

describe('ChatChannel gap-fill', () => {
  it('delivers missed messages once and in order, before live ones that arrived meanwhile', async () => {
    const all = Array.from({ length: 10 }, (_, i) => msg(i));
    const store = all.slice(0, 4); // what exists when the client joins
    const { t } = transport(store, {
      // A live message arrives while the client is still paging: it must wait for the older ones.
      onHistory: () => channel.handleEvent(live(all[9]!)),
    });
    const channel = new ChatChannel('chn_1', t);
    const got: string[] = [];
    channel.on('message', (m) => got.push(m.text));
    const joined = await channel.join();
    expect(joined.messages.map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);
    store.push(...all.slice(4)); // sent while this client was away
    const recovered = await channel.resync();
    expect(got).toEqual(all.slice(4).map((m) => m.text));
    expect(recovered).toBe(6); // m4..m9 from history; the buffered live m9 is dropped as a duplicate
    channel.handleEvent(live(all[5]!)); // a late duplicate
    expect(got).toHaveLength(6);
  });

  it('falls back to the recent messages of the join when its newest message was deleted', async () => {
    const store = Array.from({ length: 3 }, (_, i) => msg(i));
    const { t } = transport(store, { missingPivot: true });
    const channel = new ChatChannel('chn_1', t);
    const got: string[] = [];
    channel.on('message', (m) => got.push(m.text));
    await channel.join();
    channel.handleEvent(live(msg(99)));
    store.push(msg(3), msg(4), msg(5));
    await channel.resync();
    expect(got).toEqual(['m99', 'm3', 'm4', 'm5']);
  });

  it('routes typing, presence, reactions and deletes of its own channel', () => {
    const { t } = transport([]);
    const channel = new ChatChannel('chn_1', t);
    const events: string[] = [];
    channel.on('typing', (e) => events.push(`typing:${e.userId}:${e.typing}`));
    channel.on('deleted', (e) => events.push(`deleted:${e.messageId}`));
    channel.on('reaction', (e) => events.push(`reaction:${e.type}`));
    const env = (type: string, data: object) => ({ id: 'e', type, appId: 'a', createdAt: '', data }) as EventEnvelope;
    channel.handleEvent(env('typing.start', { channelId: 'chn_1', userId: 'ann' }));
    channel.handleEvent(env('typing.stop', { channelId: 'chn_1', userId: 'ann' }));
    channel.handleEvent(env('chat.message.deleted', { channelId: 'chn_1', messageId: 'msg_1', deletedBy: 'x' }));
    channel.handleEvent(env('reaction.sent', { channelId: 'chn_1', userId: 'ann', type: 'heart' }));
    expect(events).toEqual(['typing:ann:true', 'typing:ann:false', 'deleted:msg_1', 'reaction:heart']);
  });
});
