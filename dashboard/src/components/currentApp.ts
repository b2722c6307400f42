// The app the signed-in developer is working in, shared by its pages.
import { createContext, useContext } from 'react';
import type { App } from '@beamline/sdk';
import type { Role } from '../api/types';

export const CurrentAppContext = createContext<{ app: App | undefined; reload(): void }>({
  app: undefined,
  reload: () => {},
});

export function useCurrentApp() {
  return useContext(CurrentAppContext);
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Whether the caller's role in the current app is at least `min` (the API decides; this only hides buttons). */
export function roleAtLeast(app: App | undefined, min: Role): boolean {
  return !!app?.role && RANK[app.role] >= RANK[min];
}
