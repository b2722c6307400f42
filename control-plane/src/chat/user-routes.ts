// User tokens for the chat SDK, and image attachments uploaded for chat messages.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { newId } from '@beamline/protocol';
import { signUserToken } from '@beamline/realtime';
import type { ControlPlaneDeps } from '../deps';
import { Invalid } from '../errors';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { errorBody } from '../http/errors';
import { appRoute, json, ok } from '../http/route';
import { AppIdParams } from '../http/schemas';
import { UploadSchema, UserTokenInputSchema, UserTokenSchema } from './schemas';

/** The request body limit of the API (1 MB) bounds an upload. */
export const MAX_IMAGE_BYTES = 1024 * 1024 - 1024;

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
type ImageType = keyof typeof IMAGE_TYPES;
const BY_EXT = Object.fromEntries(Object.entries(IMAGE_TYPES).map(([type, t]) => [t.ext, type])) as Record<
  string,
  ImageType
>;
const FILE = /^(app_[A-Za-z0-9]{1,40})\/(upl_[A-Za-z0-9]{20})\.(png|jpg|gif|webp)$/;

/** Checks the declared type against the bytes: an upload is stored only if it is the image it claims to be. */
export function checkImage(contentType: string | undefined, body: Buffer): ImageType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(type in IMAGE_TYPES)) {
    throw Invalid('unsupported_media_type', 'Upload a PNG, JPEG, GIF or WebP image (Content-Type image/...).');
  }
  if (body.length === 0) throw Invalid('validation_failed', 'The image is empty.');
  if (body.length > MAX_IMAGE_BYTES)
    throw Invalid('payload_too_large', `An image is at most ${MAX_IMAGE_BYTES} bytes.`);
  if (!IMAGE_TYPES[type as ImageType].magic(body)) {
    throw Invalid('image_type_mismatch', `The bytes are not a ${type} image.`);
  }
  return type as ImageType;
}

export function userRoutes(deps: ControlPlaneDeps) {
  const app = new OpenAPIHono<HttpEnv>();
  const uploadsDir = join(deps.config.DATA_DIR, 'uploads');

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/users/tokens',
      operationId: 'createUserToken',
      summary: 'Mint a user token for the chat SDK (HS256, signed with an API secret of this app)',
      description:
        "Signed with the calling API key's secret, or with the app's newest active key for a dashboard member. Your backend can also sign the same token itself.",
      tags: ['Chat'],
      request: { params: AppIdParams, body: json(UserTokenInputSchema) },
      responses: { 201: ok('The token', UserTokenSchema) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const input = c.req.valid('json');
      const keys = ctx.repos.forApp(ctx.appId).apiKeys;
      const key =
        ctx.actor.type === 'apiKey'
          ? await keys.findOne({ id: ctx.actor.keyId })
          : (await keys.find({ revokedAt: { $exists: false } }, { sort: { createdAt: -1 }, limit: 1 }))[0];
      if (!key || key.revokedAt) throw Invalid('no_active_api_key', 'The app has no active API key to sign with.');
      const token = signUserToken(
        deps.secretBox.open(key.secretSealed),
        {
          sub: input.userId,
          app: key.key,
          ...(input.role ? { role: input.role } : {}),
          ...(input.name ? { name: input.name } : {}),
          ...(input.image ? { image: input.image } : {}),
        },
        input.ttlSeconds,
      );
      c.set('auditTarget', input.userId);
      const expiresAt = new Date(ctx.clock.now().getTime() + input.ttlSeconds * 1000).toISOString();
      return c.json({ token, expiresAt, realtimeUrl: deps.config.REALTIME_PUBLIC_URL }, 201);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'post',
      path: '/v1/apps/{appId}/uploads',
      operationId: 'uploadImage',
      summary: 'Upload an image for a chat message (PNG, JPEG, GIF or WebP, under 1 MB); the body is the file',
      tags: ['Chat'],
      request: {
        params: AppIdParams,
        body: {
          required: true,
          content: Object.fromEntries(
            Object.keys(IMAGE_TYPES).map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }]),
          ),
        },
      },
      responses: { 201: ok('Where the image is served', UploadSchema) },
    }),
    async (c) => {
      const { appId } = appCtxOf(c);
      const body = Buffer.from(await c.req.arrayBuffer());
      const type = checkImage(c.req.header('content-type'), body);
      const id = newId('upload');
      const name = `${id}.${IMAGE_TYPES[type].ext}`;
      await mkdir(join(uploadsDir, appId), { recursive: true });
      await writeFile(join(uploadsDir, appId, name), body, { flag: 'wx' });
      c.set('auditTarget', id);
      const url = `${deps.config.PUBLIC_BASE_URL}/uploads/${appId}/${name}`;
      return c.json({ id, url, contentType: type, size: body.length }, 201);
    },
  );

  // Public: a chat image is shown by <img src>, so it is served by its unguessable name, without credentials.
  app.get('/uploads/:appId/:file', async (c) => {
    const match = FILE.exec(`${c.req.param('appId')}/${c.req.param('file')}`);
    const missing = () => c.json(errorBody(c, 'not_found', 'No such upload.'), 404);
    if (!match) return missing();
    let body: Buffer;
    try {
      body = await readFile(join(uploadsDir, match[1]!, `${match[2]}.${match[3]}`));
    } catch {
      return missing();
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': BY_EXT[match[3]!]!,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
  });

  return app;
}
