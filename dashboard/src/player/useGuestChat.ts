// A viewer's realtime session on the player page: guest token, the stream's chat channel, stream events, reactions.
import type { ChatMessage, EventEnvelope } from '@beamline/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api, errorMessage } from '../api/client';
import { request } from '../api/realtime';

interface GuestToken {
  token: string;
  userId: string;
  name: string;
  channelId: string;
  realtimeUrl: string;
  expiresAt: string;
}

export interface FloatingReaction {
  id: number;
  type: string;
  left: number;
}

const NAME_KEY = 'beamline.viewerName';
const TOKEN_KEY = 'beamline.guestToken';

/** The guest token of this tab, kept across reloads (same guest id) until it is close to expiring. */
async function guestToken(playbackId: string, name: string): Promise<GuestToken> {
  const key = `${TOKEN_KEY}:${playbackId}`;
  try {
    const kept = JSON.parse(sessionStorage.getItem(key) ?? 'null') as GuestToken | null;
    if (kept && kept.name === name && Date.parse(kept.expiresAt) - Date.now() > 10 * 60_000) return kept;
  } catch {
    // unreadable: mint a new one
  }
  const t = await api<GuestToken>(`/v1/watch/${playbackId}/chat-token`, { method: 'POST', body: { name } });
  sessionStorage.setItem(key, JSON.stringify(t));
  return t;
}

export function storedViewerName(): string {
  const stored = localStorage.getItem(NAME_KEY);
  if (stored) return stored;
  const name = `Guest ${Math.floor(1000 + Math.random() * 9000)}`;
  localStorage.setItem(NAME_KEY, name);
  return name;
}

export function useGuestChat(opts: {
  playbackId: string;
  streamId: string;
  enabled: boolean;
  onStreamEvent(e: EventEnvelope): void;
}) {
  const { playbackId, streamId, enabled } = opts;
  const [name, setName] = useState(storedViewerName);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [reactions, setReactions] = useState<FloatingReaction[]>([]);
  const [me, setMe] = useState<string | null>(null);
  const [state, setState] = useState<'connecting' | 'connected' | 'offline' | 'closed'>('connecting');
  const [error, setError] = useState<string | null>(null);
  const socketRef = useRef<Socket | null>(null);
  const onEvent = useRef(opts.onStreamEvent);
  onEvent.current = opts.onStreamEvent;
  const reactionId = useRef(0);

  const float = useCallback((type: string) => {
    const id = ++reactionId.current;
    setReactions((r) => [...r.slice(-30), { id, type, left: 10 + Math.random() * 80 }]);
    setTimeout(() => setReactions((r) => r.filter((x) => x.id !== id)), 3000);
  }, []);

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let socket: Socket | undefined;
    setState('connecting');
    guestToken(playbackId, name)
      .then((t) => {
        if (cancelled) return;
        setMe(t.userId);
        socket = io(t.realtimeUrl, { auth: { token: t.token }, transports: ['websocket'] });
        socketRef.current = socket;
        socket.on('connect', async () => {
          setState('connected');
          setError(null);
          try {
            const joined = await request<{ messages: ChatMessage[] }>(socket!, 'channel.join', {
              channelId: t.channelId,
            });
            setMessages((prev) => mergeMessages(prev, joined.messages));
            await request(socket!, 'events.subscribe', { streamId });
          } catch (err) {
            setError(errorMessage(err));
          }
        });
        socket.on('disconnect', () => setState('offline'));
        socket.on('closing', (notice: { message: string }) => {
          setState('closed');
          setError(notice.message);
        });
        socket.on('connect_error', (err) => {
          // A refused token (expired, key revoked) is not kept: the next load mints a fresh one.
          sessionStorage.removeItem(`${TOKEN_KEY}:${playbackId}`);
          setError(err.message);
        });
        socket.on('event', (e: EventEnvelope) => {
          const d = e.data as Record<string, unknown>;
          if (e.type === 'chat.message.new' || e.type === 'chat.message.updated') {
            const m = d.message as ChatMessage;
            if (m.channelId === t.channelId) setMessages((prev) => mergeMessages(prev, [m]));
          } else if (e.type === 'chat.message.deleted') {
            setMessages((prev) => prev.filter((m) => m.id !== d.messageId));
          } else if (e.type === 'reaction.sent') {
            // Our own reactions float at once, when sent.
            if (d.channelId === t.channelId && d.userId !== t.userId) float(String(d.type));
          } else {
            onEvent.current(e);
          }
        });
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        setState('closed');
        setError(errorMessage(err));
      });
    return () => {
      cancelled = true;
      socket?.disconnect();
      socketRef.current = null;
    };
  }, [playbackId, streamId, enabled, name, float]);

  const send = useCallback(
    async (text: string) => {
      const socket = socketRef.current;
      if (!socket?.connected) throw new Error('Chat is not connected yet.');
      const ack = await request<{ message: ChatMessage }>(socket, 'message.send', {
        channelId: streamId,
        text,
        clientId: crypto.randomUUID(),
      });
      setMessages((prev) => mergeMessages(prev, [ack.message]));
    },
    [streamId],
  );

  const react = useCallback(
    async (type: string) => {
      const socket = socketRef.current;
      if (!socket?.connected) return;
      float(type);
      await request(socket, 'reaction.send', { channelId: streamId, type }).catch((err: unknown) =>
        setError(errorMessage(err)),
      );
    },
    [streamId, float],
  );

  const rename = useCallback((next: string) => {
    localStorage.setItem(NAME_KEY, next);
    setName(next);
  }, []);

  return { name, rename, messages, reactions, me, state, error, send, react };
}

function mergeMessages(prev: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(prev.map((m) => [m.id, m]));
  for (const m of incoming) if (!m.deleted) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(-200);
}
