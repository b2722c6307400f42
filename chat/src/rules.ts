// Pure moderation rules: who moderates, which ban or mute is in force, what the blocklist does to a text.
import type { ChatActor } from './context';
import type { BanDoc, BlocklistDoc, MuteDoc } from './repos';

/** App-wide moderators: the token's role is moderator or admin, or the caller is the app's server. */
export function isAppModerator(actor: ChatActor): boolean {
  return actor.type === 'server' || actor.role === 'moderator' || actor.role === 'admin';
}

/** Moderators of one channel: app-wide moderators plus the channel's own list (never a guest). */
export function isChannelModerator(actor: ChatActor, channel: { moderators?: string[] } | null): boolean {
  if (isAppModerator(actor)) return true;
  return actor.type === 'user' && actor.role !== 'guest' && !!channel?.moderators?.includes(actor.userId);
}

/** The ban or mute in force at `now` (app-wide ones first), or null. Expired ones never count. */
export function activeRestriction<T extends BanDoc | MuteDoc>(docs: T[], now: Date): T | null {
  const at = now.toISOString();
  const live = docs.filter((d) => !d.until || d.until > at);
  return live.find((d) => !d.channelId) ?? live[0] ?? null;
}

export type BlocklistVerdict = { action: 'allow'; text: string } | { action: 'block'; words: string[] };

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole-word, case-insensitive matching; `mask` replaces each letter of a blocked word with `*`. */
export function applyBlocklist(text: string, list: Pick<BlocklistDoc, 'words' | 'mode'> | null): BlocklistVerdict {
  const words = (list?.words ?? []).map((w) => w.trim()).filter(Boolean);
  if (words.length === 0) return { action: 'allow', text };
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(${words.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  const found = [...new Set([...text.matchAll(pattern)].map((m) => m[1]!.toLowerCase()))];
  if (found.length === 0) return { action: 'allow', text };
  if (list!.mode === 'block') return { action: 'block', words: found };
  return { action: 'allow', text: text.replace(pattern, (m) => '*'.repeat([...m].length)) };
}

/** Normalises a blocklist as stored: trimmed, lower case, unique, non-empty. */
export function normaliseWords(words: string[]): string[] {
  return [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))];
}
