// One end user's chat data in one app ("right to be forgotten"): its export and its erasure, through the tenant views.
import type { DocumentStore } from '@beamline/core';
import { chatRepos, type ChannelDoc, type ChatRepos } from './repos';

/** Lists that name the user inside a channel. */
const CHANNEL_LISTS = ['members', 'moderators'] as const;

/**
 * The collections that hold an end user's documents, by the field that names them. A chat collection that stores
 * end-user data is added here, so that export and erasure reach it. Upload records are erased after their files
 * (the control plane's eraseUploads), so that no record outlives its file.
 */
const END_USER_DATA = [
  'messages',
  'reactions',
  'bans',
  'mutes',
  'uploads',
] as const satisfies readonly (keyof ChatRepos)[];

/** The names the export and the erasure counts use for each collection (the stored collection's name). */
const LABELS: Record<(typeof END_USER_DATA)[number], string> = {
  messages: 'messages',
  reactions: 'message_reactions',
  bans: 'bans',
  mutes: 'mutes',
  uploads: 'uploads',
};

const namesUser = (userId: string) => ({ $or: CHANNEL_LISTS.map((l) => ({ [l]: userId })) });

/** Every chat document of the user, by collection, with `channels` listing the channels whose lists name them. */
export async function exportChatUser(
  store: DocumentStore,
  appId: string,
  userId: string,
): Promise<Record<string, object[]> & { channels: { id: string; name: string | null; roles: string[] }[] }> {
  const repos = chatRepos(store)(appId);
  const data: Record<string, object[]> = {};
  for (const key of END_USER_DATA) data[LABELS[key]] = await repos[key].find({ userId });
  const channels = (await repos.channels.find(namesUser(userId))).map((ch: ChannelDoc) => ({
    id: ch.id,
    name: ch.name ?? null,
    roles: CHANNEL_LISTS.filter((l) => ch[l]?.includes(userId)),
  }));
  return { ...data, channels };
}

/**
 * Erases the user's chat data: messages (with the reactions on them and their published marks), reactions, bans,
 * mutes, upload records, and their place in channel lists. Answers the counts by collection and the ids of the
 * user's messages (events about them go too).
 */
export async function forgetChatUser(
  store: DocumentStore,
  appId: string,
  userId: string,
): Promise<{ counts: Record<string, number>; messageIds: string[] }> {
  const repos = chatRepos(store)(appId);
  const messageIds = (await repos.messages.find({ userId })).map((m) => m.id);
  const counts: Record<string, number> = {};
  for (const key of END_USER_DATA) counts[LABELS[key]] = await repos[key].deleteMany({ userId });
  // Other people's reactions on the user's messages go with the messages, and so do the marks that say a
  // message's event went out (they are keyed by the message id).
  if (messageIds.length)
    counts.message_reactions! += await repos.reactions.deleteMany({ messageId: { $in: messageIds } });
  counts.published_messages = messageIds.length
    ? await repos.publishedMarks.deleteMany({ id: { $in: messageIds } })
    : 0;
  counts.channels = 0;
  for (const ch of await repos.channels.find(namesUser(userId))) {
    const set: Partial<ChannelDoc> = {};
    for (const l of CHANNEL_LISTS) {
      const list = ch[l];
      if (list?.includes(userId)) set[l] = list.filter((u) => u !== userId);
    }
    await repos.channels.updateOne({ id: ch.id }, { set });
    counts.channels++;
  }
  return { counts, messageIds };
}
