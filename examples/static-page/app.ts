// The example page: the player and the chat of one stream, tokens from the example backend.
// Build: npx esbuild examples/static-page/app.ts --bundle --format=esm --outfile=examples/static-page/app.js
import { attachPlayer, ChatClient, type ChatMessage } from '@beamline/sdk/browser';

const user = new URLSearchParams(location.search).get('user') ?? 'guest';
const api = async <T>(path: string): Promise<T> => (await fetch(`${path}?user=${encodeURIComponent(user)}`)).json();
const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

const config = await api<{ streamId: string; playbackId: string; hlsUrl: string; realtimeUrl: string }>('/api/config');

// Player: quality menu, live/offline, token refresh through the backend.
const player = attachPlayer($<HTMLVideoElement>('#video'), {
  playbackId: config.playbackId,
  src: config.hlsUrl,
  tokenProvider: async () => (await api<{ token: string }>('/api/playback-token')).token,
});
player.on('status', (status) => ($('#stream-status').textContent = status));
player.on('levels', (levels) => {
  $('#quality').replaceChildren(
    new Option('auto', '-1'),
    ...levels.map((level) => new Option(level.name, String(level.index))),
  );
});
$<HTMLSelectElement>('#quality').addEventListener('change', (e) =>
  player.setLevel(Number((e.target as HTMLSelectElement).value)),
);

// Chat and live events on one connection.
const chat = await ChatClient.connect({
  url: config.realtimeUrl,
  tokenProvider: async () => (await api<{ token: string }>('/api/chat-token')).token,
});
$('#chat-status').textContent = `connected as ${user}`;
chat.on('connection', ({ state }) => ($('#chat-status').textContent = state));
// A signed stream's live events need a playback token, as its video does.
const { token: playbackToken } = await api<{ token: string }>('/api/playback-token');
await chat.subscribeEvents({ streamId: config.streamId, playbackToken });
chat.on('viewer.count.update', (event) => ($('#viewers').textContent = String(event.data.viewers)));

const channel = chat.channel(config.streamId);
const show = (message: ChatMessage) => {
  const item = document.createElement('li');
  item.id = `m-${message.id}`;
  item.textContent = `${message.userName ?? message.userId}: ${message.text}`;
  $('#messages').append(item);
  item.scrollIntoView({ block: 'end' });
};
channel.on('message', show);
channel.on('deleted', ({ messageId }) => document.getElementById(`m-${messageId}`)?.remove());
const typing = new Set<string>();
channel.on('typing', ({ userId, typing: on }) => {
  if (userId === user) return;
  if (on) typing.add(userId);
  else typing.delete(userId);
  $('#typing').textContent = typing.size ? `${[...typing].join(', ')} typing…` : '';
});
const counts: Record<string, number> = {};
channel.on('reaction', ({ type }) => {
  counts[type] = (counts[type] ?? 0) + 1;
  $('#reactions').textContent = Object.entries(counts)
    .map(([t, n]) => `${t} ${n}`)
    .join(' · ');
});
(await channel.join()).messages.forEach(show);

const input = $<HTMLInputElement>('#text');
input.addEventListener('input', () => channel.keystroke());
$('#send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  input.value = '';
  if (!text) return;
  try {
    await channel.send(text);
  } catch (err) {
    $('#chat-status').textContent = `not sent: ${(err as Error).message}`;
  }
});
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-reaction]')) {
  button.addEventListener('click', () => void channel.sendReaction(button.dataset.reaction!));
}
