// RTMP ingest on node-media-server v4's protocol stack. NMS cannot veto a publish from its hooks, so every
// publish is held here until the edge's key check answers; nothing else sees the session before that.
import type { Logger } from '@beamline/core';
import * as net from 'node:net';
import Context from 'node-media-server/src/core/context.js';
import nmsLogger from 'node-media-server/src/core/logger.js';
import BaseSession from 'node-media-server/src/session/base_session.js';
import RtmpSession from 'node-media-server/src/session/rtmp_session.js';

export type PublisherSession = RtmpSession;

export interface IngestHandlers {
  /** A publisher passed the RTMP handshake on `/live/{streamKey}`; nothing has happened for it yet. */
  onPublish(session: PublisherSession, streamKey: string): void;
}

/** A listener that receives a live publisher's FLV tags: the stream's headers and last GOP first, then live tags. */
class FlvTap extends BaseSession {
  constructor(write: (chunk: Buffer) => void) {
    super();
    this.protocol = 'flv';
    this.ip = ''; // NMS emits no play events for sessions without an address
    this.sendBuffer = write;
  }
}

/** Connects `write` to the publisher's stream; returns the function that disconnects it. */
export function tapPublisher(session: PublisherSession, write: (chunk: Buffer) => void): () => void {
  const tap = new FlvTap(write);
  const broadcast = session.broadcast;
  broadcast.postPlay(tap);
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    broadcast.donePlay(tap);
  };
}

/** Waits until the publisher sent its video header (or `timeoutMs`); tells whether audio is present. */
export async function waitForHeaders(session: PublisherSession, timeoutMs: number): Promise<{ hasAudio: boolean }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !session.socket.destroyed) {
    if (session.broadcast.flvVideoHeader) {
      // audio and video headers arrive together from every encoder we know; give audio one more tick
      if (!session.broadcast.flvAudioHeader) await new Promise((r) => setTimeout(r, 30));
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { hasAudio: session.broadcast.flvAudioHeader !== null || session.audioCodec > 0 };
}

/** The avc1.PPCCLL codec string of the publisher's H.264 stream, from its AVC decoder configuration. */
export function sourceVideoCodec(session: PublisherSession): string | null {
  const tag = session.broadcast.flvVideoHeader;
  // FLV tag header (11) + frame/codec byte + AVC packet type + composition time (3), then avcC
  if (!tag || tag.length < 11 + 5 + 4 || (tag[11]! & 0x0f) !== 7) return null;
  const avcc = 11 + 5;
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return `avc1.${hex(tag[avcc + 1]!)}${hex(tag[avcc + 2]!)}${hex(tag[avcc + 3]!)}`;
}

export interface RtmpIngest {
  port: number;
  close(): Promise<void>;
}

let running = false;

/**
 * Starts the RTMP listener. NMS keeps its state in a module-level context, so one ingest runs per process.
 * RTMP playback is refused: viewers watch HLS.
 */
export async function startRtmpIngest(opts: {
  port: number;
  host: string;
  log: Logger;
  handlers: IngestHandlers;
}): Promise<RtmpIngest> {
  if (running) throw new Error('one RTMP ingest per process (node-media-server keeps global state)');
  running = true;
  nmsLogger.level = opts.log.isLevelEnabled('debug') ? 'info' : 'error';
  Context.config = { bind: opts.host, rtmp: { port: opts.port } };
  const onPlay = (session: BaseSession) => session.close();
  const onPostPublish = (session: BaseSession) => {
    if (session.protocol !== 'rtmp') return;
    const rtmp = session as RtmpSession;
    // NMS refuses a second publisher on a path that has one; it is not ours to admit
    if (rtmp.broadcast.publisher !== null) return;
    if (rtmp.streamApp !== 'live') {
      rtmp.socket.destroy();
      return;
    }
    opts.handlers.onPublish(rtmp, rtmp.streamName);
  };
  Context.eventEmitter.on('prePlay', onPlay);
  Context.eventEmitter.on('postPublish', onPostPublish);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    new RtmpSession(socket).run();
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (err) => {
      running = false;
      reject(err);
    });
    server.listen(opts.port, opts.host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : opts.port);
    });
  });
  server.on('error', (err) => opts.log.error({ err }, 'RTMP listener error'));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        Context.eventEmitter.off('prePlay', onPlay);
        Context.eventEmitter.off('postPublish', onPostPublish);
        for (const s of sockets) s.destroy();
        server.close(() => {
          running = false;
          resolve();
        });
      }),
  };
}
