// All data of an app: its export as one JSON archive, and its erasure down to files and the event outbox.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OUTBOX, tenantCollection, type DocumentStore } from '@beamline/core';
import type { AppCtx } from '../context';
import { redact } from './redact';

/** App-owned collections outside the modules' tenant lists: the event outbox. */
const EXTRA_APP_COLLECTIONS = [OUTBOX] as const;

/**
 * The app's view of a collection its owner declared as tenant data (RouteModule.tenantCollections): export and
 * erasure walk them all by name, as the backup does, and reach each through a tenant view.
 */
const appView = (store: DocumentStore, name: string, appId: string) =>
  tenantCollection(store.collection<{ id: string; appId: string }>(name), appId);

export const ARCHIVE_FORMAT = 'beamline.export.v1';

export async function exportApp(ctx: AppCtx, tenantCollections: readonly string[]) {
  const app = await ctx.repos.apps.findOne({ id: ctx.appId });
  const collections: Record<string, unknown[]> = {};
  const counts: Record<string, number> = {};
  for (const name of [...new Set([...tenantCollections, ...EXTRA_APP_COLLECTIONS])]) {
    const docs = await appView(ctx.store, name, ctx.appId).find({});
    collections[name] = docs.map(redact);
    counts[name] = docs.length;
  }
  return {
    archive: {
      format: ARCHIVE_FORMAT,
      exportedAt: ctx.clock.now().toISOString(),
      app: redact(app),
      collections,
    },
    counts,
  };
}

/**
 * Deletes the app and everything any service keeps for it: every tenant collection (messages,
 * channels, streams, recordings' metadata, analytics, webhooks, members, keys, audit log…),
 * its events in the outbox, and its uploaded files. Returns what was deleted, by collection.
 */
export async function eraseApp(
  ctx: AppCtx,
  tenantCollections: readonly string[],
  dataDir: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of [...new Set([...tenantCollections, ...EXTRA_APP_COLLECTIONS])]) {
    counts[name] = await appView(ctx.store, name, ctx.appId).deleteMany({});
  }
  // Files kept per app under DATA_DIR: chat image uploads and branding images.
  for (const dir of ['uploads', 'branding']) await rm(join(dataDir, dir, ctx.appId), { recursive: true, force: true });
  counts.apps = (await ctx.repos.apps.deleteOne({ id: ctx.appId })) ? 1 : 0;
  // Its keys and memberships stop working on every node, not only here.
  await ctx.access.changed(ctx.appId);
  return counts;
}
