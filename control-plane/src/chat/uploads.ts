// Chat image uploads: checked by their bytes, stored under DATA_DIR with a record each, served, and erased.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRateLimit, type DocumentStore, type RateLimit } from '@beamline/core';
import { newId } from '@beamline/protocol';
import { UPLOAD_PATH, uploadsOf, type UploadDoc } from '@beamline/chat';
import type { Redis } from 'ioredis';
import { Invalid, NotFound, RateLimited } from '../errors';

const IMAGE_TYPES = {
  'image/png': { ext: 'png', magic: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) },
  'image/jpeg': { ext: 'jpg', magic: (b: Buffer) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  'image/gif': { ext: 'gif', magic: (b: Buffer) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  'image/webp': {
    ext: 'webp',
    magic: (b: Buffer) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;
export const IMAGE_CONTENT_TYPES = Object.keys(IMAGE_TYPES) as ImageType[];
const BY_EXT = Object.fromEntries(Object.entries(IMAGE_TYPES).map(([type, t]) => [t.ext, type])) as Record<
  string,
  ImageType
>;

/** Uploads per end user per minute. */
export const UPLOADS_PER_MINUTE = 20;

/**
 * The image type the bytes are, or a 400. The declared Content-Type must be an image type we take, but the bytes
 * decide: an upload is stored (and later served) as what its magic bytes say, never as what its sender claims.
 */
export function checkImage(contentType: string | undefined, body: Buffer, maxBytes: number): ImageType {
  const declared = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(declared in IMAGE_TYPES)) {
    throw Invalid('unsupported_media_type', 'Upload a PNG, JPEG, GIF or WebP image (Content-Type image/...).');
  }
  if (body.length === 0) throw Invalid('validation_failed', 'The image is empty.');
  if (body.length > maxBytes) {
    throw Invalid('payload_too_large', `An image is at most ${maxBytes} bytes on this app's plan.`, {
      maxBytes,
      size: body.length,
    });
  }
  const actual = IMAGE_CONTENT_TYPES.find((t) => IMAGE_TYPES[t].magic(body));
  if (actual !== declared) throw Invalid('image_type_mismatch', `The bytes are not a ${declared} image.`);
  return actual;
}

/** Who uploads: an end user (by their user token), or an API key or member (by their id). */
export type Uploader = { userId: string } | { actorId: string };

export interface Uploads {
  /** Checks, rate-limits (end users), stores and records one image; answers its record. */
  store(input: {
    appId: string;
    uploader: Uploader;
    contentType: string | undefined;
    body: Buffer;
    maxBytes: number;
    now: Date;
  }): Promise<UploadDoc>;
  /** The file of a served URL path's parts, with its content type; null when there is none. */
  read(appId: string, file: string): Promise<{ body: Buffer; contentType: ImageType; name: string } | null>;
  /** Deletes one upload, the file first; false when the app has no such upload. */
  remove(appId: string, uploadId: string): Promise<boolean>;
}

export function createUploads(deps: {
  store: DocumentStore;
  dataDir: string;
  publicBaseUrl: string;
  redis?: Redis | undefined;
}): Uploads {
  const perUser: RateLimit = createRateLimit({
    name: 'chat-uploads',
    points: UPLOADS_PER_MINUTE,
    durationSeconds: 60,
    redis: deps.redis,
  });
  return {
    async store({ appId, uploader, contentType, body, maxBytes, now }) {
      // End users, one by one; the app's key and members have the API's own rate limits.
      if ('userId' in uploader) {
        const wait = await perUser.consume(`${appId}:${uploader.userId}`);
        if (wait) throw new RateLimited(wait, `At most ${UPLOADS_PER_MINUTE} uploads a minute.`);
      }
      const type = checkImage(contentType, body, maxBytes);
      const id = newId('upload');
      const name = `${id}.${IMAGE_TYPES[type].ext}`;
      const path = join('uploads', appId, name);
      await mkdir(join(deps.dataDir, 'uploads', appId), { recursive: true });
      await writeFile(join(deps.dataDir, path), body, { flag: 'wx' });
      const doc: Omit<UploadDoc, 'appId'> = {
        id,
        ...uploader,
        contentType: type,
        size: body.length,
        path,
        url: `${deps.publicBaseUrl.replace(/\/$/, '')}/uploads/${appId}/${name}`,
        createdAt: now.toISOString(),
      };
      try {
        return await uploadsOf(deps.store, appId).insert(doc);
      } catch (err) {
        await rm(join(deps.dataDir, path), { force: true });
        throw err;
      }
    },
    async read(appId, file) {
      const match = UPLOAD_PATH.exec(`/uploads/${appId}/${file}`);
      if (match?.index !== 0) return null;
      try {
        const body = await readFile(join(deps.dataDir, 'uploads', match[1]!, `${match[2]}.${match[3]}`));
        return { body, contentType: BY_EXT[match[3]!]!, name: `${match[2]}.${match[3]}` };
      } catch {
        return null;
      }
    },
    async remove(appId, uploadId) {
      return (await eraseUploads(deps.store, deps.dataDir, appId, { id: uploadId })) > 0;
    },
  };
}

/**
 * Deletes an app's uploads that match (one by id, or all of an end user): the files first, then the records, so
 * that no record outlives its file's erasure. Answers how many records went.
 */
export async function eraseUploads(
  store: DocumentStore,
  dataDir: string,
  appId: string,
  match: { id: string } | { userId: string },
): Promise<number> {
  const docs = await uploadsOf(store, appId).find(match);
  // A file may already be gone (an erasure that stopped half way): its record goes all the same.
  for (const doc of docs) await rm(join(dataDir, doc.path), { force: true });
  if (!docs.length) return 0;
  return uploadsOf(store, appId).deleteMany({ id: { $in: docs.map((d) => d.id) } });
}

/** The 404 of an upload another app owns or nobody does. */
export const uploadNotFound = (uploadId: string) => NotFound('upload_not_found', `No upload ${uploadId} in this app.`);
