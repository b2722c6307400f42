// An end user erased by the control plane ("right to be forgotten") loses their live connections on this node.
import { isEndUserForgotten } from '@beamline/core';
import type { Server } from 'socket.io';
import type { ChatUser } from '@beamline/chat';

/** Disconnects this node's sockets of the forgotten user; their presence ends with them. */
export function dropForgottenUser(io: Server, message: unknown): number {
  if (!isEndUserForgotten(message)) return 0;
  let dropped = 0;
  for (const socket of io.of('/').sockets.values()) {
    const user = socket.data as ChatUser | undefined;
    if (user?.appId === message.appId && user.userId === message.userId) {
      socket.disconnect(true);
      dropped++;
    }
  }
  return dropped;
}
