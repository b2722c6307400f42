// What a realtime node runs on: the Socket.IO server, the chat services, the limits.
import type { DocumentStore, Logger, SecretBox } from '@beamline/core';
import type { Server } from 'socket.io';
import type { ChatServices } from '@beamline/chat';
import type { FloodLimits } from './handlers';

export interface RealtimeRuntime {
  io: Server;
  chat: ChatServices;
  log: Logger;
  flood: FloodLimits;
  /** To check the playback tokens of signed streams. */
  store: DocumentStore;
  secretBox: SecretBox;
  /**
   * Presence work still running after sockets left (it asks every node through the adapter): a stopping node
   * waits for it before closing its Redis clients, whose publishes the adapter does not await.
   */
  settling: Set<Promise<unknown>>;
}
