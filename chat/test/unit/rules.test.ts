// Moderation rules: roles, which restriction is in force, what the blocklist does.
import { describe, expect, it } from 'vitest';
import { activeRestriction, applyBlocklist, isAppModerator, isChannelModerator, normaliseWords } from '../../src/rules';
import type { BanDoc } from '../../src/repos';

const user = (role: 'user' | 'moderator' | 'admin', userId = 'u1') => ({ type: 'user' as const, userId, role });
const ban = (over: Partial<BanDoc>): BanDoc => ({
  id: 'ban_1',
  appId: 'app_1',
  userId: 'u1',
  shadow: false,
  by: 'mod',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('roles', () => {
  it('makes moderators and admins app-wide moderators, plain users not', () => {
    expect(isAppModerator(user('moderator'))).toBe(true);
    expect(isAppModerator(user('admin'))).toBe(true);
    expect(isAppModerator(user('user'))).toBe(false);
    expect(isAppModerator({ type: 'server', id: 'key_1' })).toBe(true);
  });

  it('makes a channel moderator only of the channels that list them', () => {
    expect(isChannelModerator(user('user'), { moderators: ['u1'] })).toBe(true);
    expect(isChannelModerator(user('user'), { moderators: ['u2'] })).toBe(false);
    expect(isChannelModerator(user('user'), null)).toBe(false);
    expect(isChannelModerator(user('admin'), { moderators: [] })).toBe(true);
  });
});

describe('activeRestriction', () => {
  const now = new Date('2026-06-01T12:00:00.000Z');
  it('ignores expired restrictions and keeps open-ended ones', () => {
    expect(activeRestriction([ban({ until: '2026-06-01T11:59:59.000Z' })], now)).toBeNull();
    expect(activeRestriction([ban({ until: '2026-06-01T12:00:01.000Z' })], now)?.until).toBe(
      '2026-06-01T12:00:01.000Z',
    );
    expect(activeRestriction([ban({})], now)).not.toBeNull();
  });

  it('prefers an app-wide restriction over a channel one', () => {
    const chosen = activeRestriction([ban({ id: 'ban_c', channelId: 'chn_1' }), ban({ id: 'ban_app' })], now);
    expect(chosen?.id).toBe('ban_app');
  });

  it('returns null for nothing', () => {
    expect(activeRestriction([], now)).toBeNull();
  });
});

describe('applyBlocklist', () => {
  it('allows everything with no list or an empty one', () => {
    expect(applyBlocklist('anything', null)).toEqual({ action: 'allow', text: 'anything' });
    expect(applyBlocklist('anything', { words: [' '], mode: 'block' })).toEqual({ action: 'allow', text: 'anything' });
  });

  it('masks whole words case-insensitively, letter for letter', () => {
    expect(applyBlocklist('Heck, HECK and heckle', { words: ['heck'], mode: 'mask' })).toEqual({
      action: 'allow',
      text: '****, **** and heckle',
    });
    expect(applyBlocklist('naïve café', { words: ['café'], mode: 'mask' })).toEqual({
      action: 'allow',
      text: 'naïve ****',
    });
  });

  it('blocks and names the words found', () => {
    expect(applyBlocklist('buy cheap pills now', { words: ['cheap', 'pills', 'spam'], mode: 'block' })).toEqual({
      action: 'block',
      words: ['cheap', 'pills'],
    });
  });

  it('treats regex characters in words literally', () => {
    expect(applyBlocklist('a.b and axb', { words: ['a.b'], mode: 'mask' })).toEqual({
      action: 'allow',
      text: '*** and axb',
    });
    expect(applyBlocklist('a(xb', { words: ['(x'], mode: 'block' }).action).toBe('allow');
    expect(applyBlocklist('(x)', { words: ['(x'], mode: 'block' }).action).toBe('block');
  });

  it('normalises stored words', () => {
    expect(normaliseWords([' Foo ', 'foo', '', 'BAR'])).toEqual(['foo', 'bar']);
  });
});
