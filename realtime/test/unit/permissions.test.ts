// The socket permission table: every request has an action, roles merge with the dashboard's scope, guests get
// the least.
import { CLIENT_REQUESTS } from '@beamline/protocol';
import { describe, expect, it } from 'vitest';
import { actionOf, grantsOf, SOCKET_PERMISSIONS } from '../../src/permissions';

describe('the socket permission table', () => {
  it('maps every request to an action; events requests by whether they name a stream', () => {
    for (const name of CLIENT_REQUESTS) expect(actionOf(name, {})).toBeTypeOf('string');
    expect(actionOf('events.subscribe', {})).toBe('events.app');
    expect(actionOf('events.unsubscribe', { streamId: 'str_1' })).toBe('events.stream');
    expect(actionOf('message.send', { channelId: 'c' })).toBe('message.send');
  });

  it('grants app-wide events to admins and dashboard sessions only', () => {
    expect(grantsOf({ role: 'guest' })['events.app']).toBeUndefined();
    expect(grantsOf({ role: 'user' })['events.app']).toBeUndefined();
    expect(grantsOf({ role: 'moderator' })['events.app']).toBeUndefined();
    expect(grantsOf({ role: 'admin' })['events.app']).toBe('yes');
    expect(grantsOf({ role: 'user', dashboard: true })['events.app']).toBe('yes');
  });

  it('adds the dashboard scope to the role without taking anything from it', () => {
    for (const role of ['guest', 'user', 'moderator', 'admin'] as const) {
      const alone = grantsOf({ role });
      const withDashboard = grantsOf({ role, dashboard: true });
      for (const [action, grant] of Object.entries(alone)) {
        if (!action.startsWith('events.')) expect(withDashboard[action as keyof typeof alone]).toBe(grant);
      }
      expect(withDashboard['events.stream']).toBe('all-events');
    }
    expect(grantsOf({ role: 'user', dashboard: true })['moderation.ban']).toBe('channel-moderator');
  });

  it('gives guests no moderation and nothing outside their channel', () => {
    const guest = SOCKET_PERMISSIONS.guest;
    for (const [action, grant] of Object.entries(guest)) {
      expect(action.startsWith('moderation.')).toBe(false);
      expect(['guest-channel', 'guest-chat', 'guest-own', 'watchable']).toContain(grant);
    }
  });
});
