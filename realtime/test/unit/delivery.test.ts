// Which sockets an event reaches: rooms always carry the event's app, and webhook-only events reach none.
import type { EventEnvelope } from '@beamline/protocol';
import { describe, expect, it } from 'vitest';
import { targetRooms } from '../../src/delivery';

const event = (type: string, data: object, appId = 'app_1') =>
  ({ id: 'evt_1', type, appId, createdAt: '2026-01-01T00:00:00.000Z', data }) as EventEnvelope;

describe('targetRooms', () => {
  it('sends chat events to the channel room of the same app', () => {
    expect(
      targetRooms(event('chat.message.deleted', { channelId: 'chn_a', messageId: 'msg_1', deletedBy: 'u' })),
    ).toEqual(['c:app_1:chn_a']);
    expect(targetRooms(event('typing.start', { channelId: 'chn_a', userId: 'u' }, 'app_2'))).toEqual(['c:app_2:chn_a']);
  });

  it('sends stream events to app subscribers and that stream’s subscribers', () => {
    expect(targetRooms(event('stream.live', { streamId: 'str_1', playbackId: 'p', startedAt: '' }))).toEqual([
      'e:app_1',
      'e:app_1:str_1',
      'v:app_1:str_1',
    ]);
  });

  it('keeps what is not for viewers out of the viewers’ room of a stream', () => {
    for (const [type, data] of [
      ['viewer.joined', { streamId: 'str_1', viewerId: 'v:someone' }],
      ['viewer.left', { streamId: 'str_1', viewerId: 'v:someone' }],
      ['stream.updated', { streamId: 'str_1', changes: ['playbackPolicy'] }],
      ['stream.created', { streamId: 'str_1', name: 'private' }],
      ['recording.ready', { streamId: 'str_1', recordingId: 'rec_1', durationSeconds: 1 }],
      ['health.quality.drop', { streamId: 'str_1', reason: 'slow' }],
    ] as const) {
      expect(targetRooms(event(type, data))).toEqual(['e:app_1', 'e:app_1:str_1']);
    }
    expect(targetRooms(event('viewer.count.update', { streamId: 'str_1', viewers: 2 }))).toContain('v:app_1:str_1');
  });

  it('keeps webhook bookkeeping and usage events off sockets', () => {
    expect(targetRooms(event('webhook.disabled', { webhookId: 'whk_1', reason: 'x' }))).toEqual([]);
    expect(targetRooms(event('usage.quota.exceeded', { meter: 'm', limit: 1, used: 2, level: 'exceeded' }))).toEqual(
      [],
    );
  });

  it('sends moderation notices to moderators, and channel restrictions to the channel', () => {
    expect(targetRooms(event('chat.moderation', { action: 'shadow_ban', userId: 'u', by: 'm' }))).toEqual(['m:app_1']);
    expect(targetRooms(event('user.muted', { userId: 'u', channelId: 'chn_a', until: '', by: 'm' }))).toEqual([
      'm:app_1',
      'c:app_1:chn_a',
    ]);
  });

  it('sends custom events to their channel, or to app subscribers without one', () => {
    expect(targetRooms(event('custom', { channelId: 'chn_a', name: 'n', payload: 1 }))).toEqual(['c:app_1:chn_a']);
    expect(targetRooms(event('custom', { name: 'n', payload: 1 }))).toEqual(['e:app_1']);
  });
});
