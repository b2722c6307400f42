// Who is in a channel, across every node: the adapter asks all nodes (through Redis in cluster mode).
import type { PresenceMember } from '@beamline/protocol';
import { REALTIME_LIMITS } from '@beamline/protocol';
import type { Server } from 'socket.io';
import type { ChatUser } from '@beamline/chat';
import { rooms } from './rooms';

export interface ChannelPresence {
  members: PresenceMember[];
  /** Open connections per user id (a user may have several tabs). */
  connections: Map<string, number>;
}

export async function channelPresence(io: Server, appId: string, channelId: string): Promise<ChannelPresence> {
  const sockets = await io.in(rooms.channel(appId, channelId)).fetchSockets();
  const connections = new Map<string, number>();
  const members: PresenceMember[] = [];
  for (const s of sockets) {
    const user = s.data as ChatUser;
    const seen = connections.get(user.userId) ?? 0;
    connections.set(user.userId, seen + 1);
    if (seen === 0 && members.length < REALTIME_LIMITS.joinMembersMax) {
      members.push({
        userId: user.userId,
        ...(user.name ? { name: user.name } : {}),
        ...(user.image ? { image: user.image } : {}),
        role: user.role,
      });
    }
  }
  return { members, connections };
}
