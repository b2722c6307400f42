// A real Socket.IO client of a realtime node, as a test drives it: requests with acknowledgements, events collected.
import {
  CLOSING_EVENT,
  SERVER_EVENT,
  type ClientRequestName,
  type ClientRequests,
  type ClosingNotice,
  type EventEnvelope,
} from '@beamline/protocol';
import { io as connectClient, type Socket } from 'socket.io-client';

export interface TestClient {
  socket: Socket;
  events: EventEnvelope[];
  closing: ClosingNotice[];
  request<N extends ClientRequestName>(name: N, payload: unknown): Promise<Ack<N>>;
  /** Any emit, for bad-input tests. */
  raw(name: string, ...args: unknown[]): Promise<unknown>;
  eventsOf(type: string): EventEnvelope[];
  /**
   * Resolves once everything the node sent this socket before it handles this call has arrived: the answer to a
   * request comes after it on the same connection (a refused `history`, which changes nothing).
   */
  settle(): Promise<void>;
  close(): void;
}

type Ack<N extends ClientRequestName> =
  | ({ ok: true } & ClientRequests[N]['reply'])
  | { ok?: undefined; error: { code: string; message: string; details?: unknown } };

export async function connect(
  url: string,
  token: string,
  opts: { reconnection?: boolean; waitConnected?: boolean } = {},
): Promise<TestClient> {
  const socket = connectClient(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: opts.reconnection ?? false,
    forceNew: true,
  });
  const events: EventEnvelope[] = [];
  const closing: ClosingNotice[] = [];
  socket.on(SERVER_EVENT, (e: EventEnvelope) => events.push(e));
  socket.on(CLOSING_EVENT, (n: ClosingNotice) => closing.push(n));
  if (opts.waitConnected ?? true) {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
  }
  const raw = (name: string, ...args: unknown[]) => socket.timeout(5000).emitWithAck(name, ...args);
  return {
    socket,
    events,
    closing,
    request: (name, payload) => raw(name, payload) as Promise<never>,
    raw,
    eventsOf: (type) => events.filter((e) => e.type === type),
    settle: async () => void (await raw('history', {})),
    close: () => socket.disconnect(),
  };
}

/** Resolves with the connect_error of a refused handshake. */
export function refusal(url: string, token: unknown): Promise<{ message: string; data?: { code: string } }> {
  return new Promise((resolve, reject) => {
    const socket = connectClient(url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (err: Error & { data?: { code: string } }) => {
      socket.disconnect();
      resolve(err);
    });
  });
}
