// Live platform events for the dashboard: one Socket.IO connection per app, authorised by a short-lived user token.
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api, errorMessage } from './client';

export interface EventEnvelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  appId: string;
  createdAt: string;
  data: T;
}

export interface Ack<T> {
  ok?: boolean;
  error?: { code: string; message: string };
  [k: string]: unknown;
  data?: T;
}

export function realtimeUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="beamline-realtime-url"]')?.content || '';
}

/** Sends a request and resolves with its acknowledgement, or rejects with the server's message. */
export function request<T = Record<string, unknown>>(socket: Socket, name: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.timeout(10_000).emit(name, payload, (err: Error | null, ack: Ack<T>) => {
      if (err) return reject(new Error('The realtime server did not answer in time.'));
      if (ack?.error) return reject(Object.assign(new Error(ack.error.message), { code: ack.error.code }));
      resolve(ack as T);
    });
  });
}

export interface RealtimeToken {
  token: string;
  userId: string;
  role: 'user' | 'admin';
  realtimeUrl: string;
  expiresAt: string;
}

/** A token for the signed-in developer in the app's realtime (admin of its chat when the role allows). */
export function realtimeToken(appId: string): Promise<RealtimeToken> {
  return api<RealtimeToken>(`/v1/apps/${appId}/realtime-token`, { method: 'POST' });
}

/**
 * Connects with a fresh token on every (re)connect, so an expired token never strands the page.
 * `onToken` learns who the connection acts as.
 */
export function connectAs(appId: string, onToken?: (t: RealtimeToken) => void, onError?: (message: string) => void) {
  return io(realtimeUrl(), {
    transports: ['websocket'],
    reconnectionDelayMax: 5000,
    auth: (cb) => {
      realtimeToken(appId)
        .then((t) => {
          onToken?.(t);
          cb({ token: t.token });
        })
        .catch((err: unknown) => {
          onError?.(errorMessage(err));
          cb({ token: '' });
        });
    },
  });
}

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'unavailable';

/**
 * Subscribes to the app's platform events (or one stream's) while the component is mounted.
 * `onEvent` sees every envelope; `state` says whether updates are flowing.
 */
export function useAppEvents(appId: string, onEvent: (e: EventEnvelope) => void, streamId?: string) {
  const [state, setState] = useState<ConnectionState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    setState('connecting');
    const socket = connectAs(appId, undefined, (message) => {
      setState('unavailable');
      setError(message);
    });
    socket.on('event', (e: EventEnvelope) => handler.current(e));
    socket.on('connect', () => {
      setState('connected');
      setError(null);
      request(socket, 'events.subscribe', streamId ? { streamId } : {}).catch((err: unknown) =>
        setError(errorMessage(err)),
      );
    });
    socket.on('disconnect', () => setState('offline'));
    socket.on('connect_error', (err) => {
      setState('offline');
      setError(err.message);
    });
    return () => {
      socket.disconnect();
    };
  }, [appId, streamId]);

  return { state, error };
}

export function LiveIndicator({ state, error }: { state: ConnectionState; error: string | null }) {
  const label =
    state === 'connected'
      ? 'Live updates on'
      : state === 'connecting'
        ? 'Connecting to live updates…'
        : `Live updates paused${error ? `: ${error}` : ''}`;
  return (
    <span className={`live-indicator live-${state}`} role="status" title={error ?? undefined}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
