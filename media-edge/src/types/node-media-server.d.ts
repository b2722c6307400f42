// Types for the parts of node-media-server v4 the ingest uses (the package ships JavaScript only).
declare module 'node-media-server/src/core/context.js' {
  import type { EventEmitter } from 'node:events';
  import type { BroadcastServer } from 'node-media-server/src/server/broadcast_server.js';
  const Context: {
    config: Record<string, unknown>;
    sessions: Map<string, unknown>;
    broadcasts: Map<string, BroadcastServer>;
    eventEmitter: EventEmitter;
  };
  export default Context;
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string };
  export default logger;
}

declare module 'node-media-server/src/session/base_session.js' {
  export default class BaseSession {
    id: string;
    ip: string;
    protocol: string;
    isPublisher: boolean;
    streamApp: string;
    streamName: string;
    streamPath: string;
    streamQuery: Record<string, string>;
    createTime: number;
    inBytes: number;
    videoCodec: number;
    videoWidth: number;
    videoHeight: number;
    videoFramerate: number;
    audioCodec: number;
    sendBuffer: (buffer: Buffer) => void;
    close: () => void;
  }
}

declare module 'node-media-server/src/server/broadcast_server.js' {
  import type BaseSession from 'node-media-server/src/session/base_session.js';
  export class BroadcastServer {
    streamPath: string;
    publisher: BaseSession | null;
    flvVideoHeader: Buffer | null;
    flvAudioHeader: Buffer | null;
    postPlay(session: BaseSession): string | null;
    donePlay(session: BaseSession): void;
  }
}

declare module 'node-media-server/src/session/rtmp_session.js' {
  import type { Socket } from 'node:net';
  import type BaseSession from 'node-media-server/src/session/base_session.js';
  import type { BroadcastServer } from 'node-media-server/src/server/broadcast_server.js';
  export default class RtmpSession extends BaseSession {
    constructor(socket: Socket);
    socket: Socket;
    broadcast: BroadcastServer;
    run(): void;
  }
}
