// A viewer's realtime session on the player page: guest token, the stream's chat channel, stream events, reactions.
// The guest is this browser: the server keeps its identity in an HttpOnly cookie, so every tab is the same guest.
import type { ChatMessage, EventEnvelope, GuestChatMode } from '@beamline/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api, errorMessage } from '../api/client';
import { request } from '../api/realtime';

interface GuestToken {
  token: string;
  userId: string;
  name: string;
  channelId: string;
  guestChat: GuestChatMode;
  realtimeUrl: string;
  expiresAt: string;
}

export interface FloatingReaction {
  id: number;
  type: string;
  left: number;
}

const NAME_KEY = 'beamline.viewerName';
export const BANNED_NOTICE = 'You are banned from this chat.';

/** A fresh token for this browser's guest; the cookie the server set keeps the guest id the same. */
function guestToken(playbackId: string, name: string, playbackToken: string | null): Promise<GuestToken> {
  return api<GuestToken>(`/v1/watch/${playbackId}/chat-token`, {
    method: 'POST',
    body: { name, ...(playbackToken ? { playbackToken } : {}) },
  });
}

const isBanned = (err: unknown) =>
  (err as { code?: unknown } | null)?.code === 'banned' ||
  (err as { data?: { code?: unknown } } | null)?.data?.code === 'banned';

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
  /** The page's playback token (signed streams): it opens the chat token route and the stream's events. */
  playbackToken: string | null;
  enabled: boolean;
  onStreamEvent(e: EventEnvelope): void;
}) {
  const { playbackId, streamId, playbackToken, enabled } = opts;
  const [name, setName] = useState(storedViewerName);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [reactions, setReactions] = useState<FloatingReaction[]>([]);
  const [me, setMe] = useState<string | null>(null);
  const [mode, setMode] = useState<GuestChatMode | null>(null);
  const [state, setState] = useState<'connecting' | 'connected' | 'offline' | 'closed'>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [banned, setBanned] = useState(false);
  const socketRef = useRef<Socket | null>(null);
  const onEvent = useRef(opts.onStreamEvent);
  onEvent.current = opts.onStreamEvent;
  const reactionId = useRef(0);

  const float = useCallback((type: string) => {
    const id = ++reactionId.current;
    setReactions((r) => [...r.slice(-30), { id, type, left: 10 + Math.random() * 80 }]);
    setTimeout(() => setReactions((r) => r.filter((x) => x.id !== id)), 3000);
  }, []);

  const refuse = useCallback((err: unknown) => {
    if (!isBanned(err)) return false;
    setBanned(true);
    setState('closed');
    setError(BANNED_NOTICE);
    return true;
  }, []);

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let socket: Socket | undefined;
    setState('connecting');
    guestToken(playbackId, name, playbackToken)
      .then((t) => {
        if (cancelled) return;
        setMe(t.userId);
        setMode(t.guestChat);
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
            await request(socket!, 'events.subscribe', { streamId, ...(playbackToken ? { playbackToken } : {}) });
          } catch (err) {
            if (!refuse(err)) setError(errorMessage(err));
          }
        });
        socket.on('disconnect', () => setState((s) => (s === 'closed' ? s : 'offline')));
        socket.on('closing', (notice: { code: string; message: string }) => {
          if (refuse(notice)) return;
          setState('closed');
          setError(notice.message);
        });
        socket.on('connect_error', (err) => {
          if (!refuse(err)) setError(err.message);
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
          } else if (e.type === 'user.banned' && d.userId === t.userId) {
            refuse({ code: 'banned' });
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
  }, [playbackId, streamId, playbackToken, enabled, name, float, refuse]);

  const send = useCallback(
    async (text: string) => {
      const socket = socketRef.current;
      if (!socket?.connected) throw new Error('Chat is not connected yet.');
      try {
        const ack = await request<{ message: ChatMessage }>(socket, 'message.send', {
          channelId: streamId,
          text,
          clientId: crypto.randomUUID(),
        });
        setMessages((prev) => mergeMessages(prev, [ack.message]));
      } catch (err) {
        if (refuse(err)) throw new Error(BANNED_NOTICE);
        throw err;
      }
    },
    [streamId, refuse],
  );

  const react = useCallback(
    async (type: string) => {
      const socket = socketRef.current;
      if (!socket?.connected) return;
      float(type);
      await request(socket, 'reaction.send', { channelId: streamId, type }).catch((err: unknown) => {
        if (!refuse(err)) setError(errorMessage(err));
      });
    },
    [streamId, float, refuse],
  );

  const rename = useCallback((next: string) => {
    localStorage.setItem(NAME_KEY, next);
    setName(next);
  }, []);

  return { name, rename, messages, reactions, me, mode, state, error, banned, send, react };
}

function mergeMessages(prev: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(prev.map((m) => [m.id, m]));
  for (const m of incoming) if (!m.deleted) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(-200);
}
