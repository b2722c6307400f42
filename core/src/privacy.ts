// Bus messages of data rights: the control plane erases an end user, every realtime node drops their connections.
export const PRIVACY_TOPIC = 'privacy';

export interface EndUserForgotten {
  type: 'end_user.forgotten';
  appId: string;
  userId: string;
}

export function isEndUserForgotten(message: unknown): message is EndUserForgotten {
  const m = message as Partial<EndUserForgotten> | null;
  return m?.type === 'end_user.forgotten' && typeof m.appId === 'string' && typeof m.userId === 'string';
}
