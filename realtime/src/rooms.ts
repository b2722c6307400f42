// Room names: every room carries the app id, so nothing of one app reaches another app's sockets.
export const rooms = {
  channel: (appId: string, channelId: string) => `c:${appId}:${channelId}`,
  moderators: (appId: string) => `m:${appId}`,
  appEvents: (appId: string) => `e:${appId}`,
  /** Every event of one stream: admins and the dashboard. */
  streamEvents: (appId: string, streamId: string) => `e:${appId}:${streamId}`,
  /** One stream's viewer-facing events (VIEWER_EVENT_TYPES): its viewers. */
  streamViewers: (appId: string, streamId: string) => `v:${appId}:${streamId}`,
};

/** The channel id of a channel room of this app, or null. */
export function channelOfRoom(appId: string, room: string): string | null {
  const prefix = `c:${appId}:`;
  return room.startsWith(prefix) ? room.slice(prefix.length) : null;
}
