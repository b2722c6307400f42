// Messages one node takes one after another keep that order in history, even within one millisecond of the clock.
import { createEventPublisher, createLogger, EmbeddedStore, InProcessBus } from '@beamline/core';
import { tempDir } from '@beamline/core/testing';
import { afterAll, expect, it } from 'vitest';
import { channels, createChatServices, messages, type ChatCtx } from '../../src/index';

const dir = tempDir();
const store = new EmbeddedStore({ dataDir: dir.path });
const bus = new InProcessBus();
afterAll(async () => {
  await bus.close();
  await store.close();
  dir.remove();
});

it('orders a frozen clock’s messages by when they were sent, not by their random ids', async () => {
  const frozen = new Date('2026-12-08T00:00:00.000Z');
  const chat = await createChatServices({
    store,
    events: createEventPublisher({ store, bus }),
    log: createLogger({ name: 'chat-test', level: 'silent', pretty: false }),
    now: () => frozen,
  });
  const ctxOf = (userId: string): ChatCtx => ({
    appId: 'app_order',
    actor: { type: 'user', userId, role: 'user' },
    chat,
  });
  const { id: channelId } = await channels.createChannel(ctxOf('owner'), { type: 'messaging' });
  const sent: string[] = [];
  for (let i = 0; i < 30; i++) {
    const text = `m${i}`;
    await messages.sendMessage(ctxOf(`u${i % 3}`), { channelId, text });
    sent.push(text);
  }
  const { messages: listed } = await messages.history(ctxOf('u0'), { channelId, limit: 50 });
  expect(listed.map((m) => m.text)).toEqual(sent);
  // The times stay close to the clock: a burst runs ahead of it by a millisecond a message at most.
  expect(Date.parse(listed.at(-1)!.createdAt) - frozen.getTime()).toBeLessThanOrEqual(29);
});
