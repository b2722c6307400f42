// Transcoding profiles: the ladder of renditions an app's streams are encoded into. One built-in default.
import { newId } from '@beamline/protocol';
import type { Rendition, VideoEncoderName } from '@beamline/protocol/edge';
import type { AppCtx } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import { streamRepos, type ProfileDoc } from './repo';

export const DEFAULT_PROFILE_ID = 'default';

/** 720p/480p/360p plus the source as the top rendition, 2 s segments, x264 veryfast. */
export const DEFAULT_PROFILE: Omit<ProfileDoc, 'appId'> = {
  id: DEFAULT_PROFILE_ID,
  name: 'Default ladder',
  renditions: [
    { name: '720p', height: 720, videoBitrateKbps: 2800, fps: 30, audioBitrateKbps: 128 },
    { name: '480p', height: 480, videoBitrateKbps: 1400, fps: 30, audioBitrateKbps: 128 },
    { name: '360p', height: 360, videoBitrateKbps: 800, fps: 30, audioBitrateKbps: 96 },
  ],
  passthrough: true,
  segmentSeconds: 2,
  encoder: 'libx264',
  preset: 'veryfast',
  createdAt: '1970-01-01T00:00:00.000Z',
  updatedAt: '1970-01-01T00:00:00.000Z',
};

export interface ProfileInput {
  name: string;
  renditions: (Omit<Rendition, 'name' | 'fps' | 'audioBitrateKbps'> &
    Partial<Pick<Rendition, 'name' | 'fps' | 'audioBitrateKbps'>>)[];
  passthrough?: boolean | undefined;
  segmentSeconds?: number | undefined;
  encoder?: VideoEncoderName | undefined;
  preset?: string | undefined;
}

export type PublicProfile = Omit<ProfileDoc, 'appId'> & { builtIn: boolean };

export const publicProfile = (p: Omit<ProfileDoc, 'appId'>): PublicProfile => ({
  id: p.id,
  name: p.name,
  renditions: p.renditions,
  passthrough: p.passthrough,
  segmentSeconds: p.segmentSeconds,
  encoder: p.encoder,
  preset: p.preset,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  builtIn: p.id === DEFAULT_PROFILE_ID,
});

function normalise(input: ProfileInput): Omit<ProfileDoc, 'id' | 'appId' | 'createdAt' | 'updatedAt'> {
  const renditions = input.renditions.map((r) => ({
    name: r.name ?? `${r.height}p`,
    height: r.height,
    videoBitrateKbps: r.videoBitrateKbps,
    fps: r.fps ?? 30,
    audioBitrateKbps: r.audioBitrateKbps ?? 128,
  }));
  const passthrough = input.passthrough ?? true;
  if (renditions.length === 0 && !passthrough)
    throw Invalid('validation_failed', 'A profile needs at least one rendition or passthrough of the source.');
  const names = new Set(renditions.map((r) => r.name));
  if (names.size !== renditions.length || (passthrough && names.has('source')))
    throw Invalid('validation_failed', 'Rendition names must be unique ("source" is the passthrough rendition).');
  return {
    name: input.name,
    renditions,
    passthrough,
    segmentSeconds: input.segmentSeconds ?? 2,
    encoder: input.encoder ?? 'libx264',
    preset: input.preset ?? 'veryfast',
  };
}

const repo = (ctx: AppCtx) => streamRepos(ctx.store).forApp(ctx.appId).profiles;

export async function listProfiles(ctx: AppCtx): Promise<PublicProfile[]> {
  const rows = await repo(ctx).find({}, { sort: { createdAt: -1 } });
  return [publicProfile(DEFAULT_PROFILE), ...rows.map(publicProfile)];
}

/** The profile a stream names, or the default; resolved inside the stream's app only. */
export async function resolveProfile(ctx: AppCtx, profileId: string): Promise<Omit<ProfileDoc, 'appId'>> {
  if (profileId === DEFAULT_PROFILE_ID) return DEFAULT_PROFILE;
  const doc = await repo(ctx).findOne({ id: profileId });
  if (!doc) throw NotFound('profile_not_found', `No transcoding profile ${profileId} in this app.`);
  return doc;
}

export async function getProfile(ctx: AppCtx, profileId: string) {
  return publicProfile(await resolveProfile(ctx, profileId));
}

export async function createProfile(ctx: AppCtx, input: ProfileInput) {
  const now = ctx.clock.now().toISOString();
  const doc = await repo(ctx).insert({ id: newId('profile'), ...normalise(input), createdAt: now, updatedAt: now });
  return publicProfile(doc);
}

export async function updateProfile(ctx: AppCtx, profileId: string, input: ProfileInput) {
  if (profileId === DEFAULT_PROFILE_ID) throw Invalid('profile_read_only', 'The default profile cannot be changed.');
  await resolveProfile(ctx, profileId);
  const doc = await repo(ctx).updateOne(
    { id: profileId },
    { set: { ...normalise(input), updatedAt: ctx.clock.now().toISOString() } },
  );
  return publicProfile(doc!);
}

export async function deleteProfile(ctx: AppCtx, profileId: string) {
  if (profileId === DEFAULT_PROFILE_ID) throw Invalid('profile_read_only', 'The default profile cannot be deleted.');
  await resolveProfile(ctx, profileId);
  const users = await streamRepos(ctx.store).forApp(ctx.appId).streams.count({ profileId });
  if (users > 0) throw Conflict('profile_in_use', `${users} stream(s) use this profile; move them first.`);
  await repo(ctx).deleteOne({ id: profileId });
}
