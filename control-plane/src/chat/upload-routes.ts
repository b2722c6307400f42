// HTTP transport of chat uploads: upload (API key, editor, or an end user's token), list, delete, and serve.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import type { HttpEnv } from '../http/env';
import { errorBody } from '../http/errors';
import { paginate } from '../http/pagination';
import { APP_SECURITY, appRoute, ok } from '../http/route';
import { AppIdParams, ERROR_RESPONSES, idParam, page, PageQuery } from '../http/schemas';
import { appCtxOf } from '../http/auth';
import { uploadsOf, type ChatServices } from '@beamline/chat';
import { UploadSchema } from './schemas';
import { requireUploader, uploaderOf, USER_TOKEN_HEADER } from './uploader';
import { createUploads, IMAGE_CONTENT_TYPES, uploadNotFound, type Uploads } from './uploads';

const tags = ['Chat'];
const UploadParams = AppIdParams.extend({ uploadId: idParam('uploadId', 'upl') });
const UploadQuery = PageQuery.extend({
  userId: z
    .string()
    .regex(/^[A-Za-z0-9_.:@-]{1,128}$/)
    .optional()
    .openapi({ param: { name: 'userId', in: 'query' }, description: "Only this end user's uploads" }),
});

function publicUpload(doc: {
  id: string;
  url: string;
  contentType: string;
  size: number;
  userId?: string;
  createdAt: string;
}) {
  return {
    id: doc.id,
    url: doc.url,
    contentType: doc.contentType,
    size: doc.size,
    ...(doc.userId ? { userId: doc.userId } : {}),
    createdAt: doc.createdAt,
  };
}

export function uploadRoutes(
  deps: ControlPlaneDeps,
  chat: () => Promise<ChatServices>,
  uploads: Uploads = defaultUploads(deps),
) {
  const app = new OpenAPIHono<HttpEnv>();
  app.openAPIRegistry.registerComponent('securitySchemes', 'userTokenAuth', {
    type: 'apiKey',
    in: 'header',
    name: USER_TOKEN_HEADER,
    description: "An end user's user token (the one the chat SDK connects with); on the upload route only.",
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/apps/{appId}/uploads',
      operationId: 'uploadImage',
      summary: "Upload an image for a chat message (PNG, JPEG, GIF or WebP, within the plan's maxUploadBytes)",
      description:
        "The body is the file. Callable with the app's credentials (chat.write), or from the browser by an end user with their user token in the X-User-Token header (guest tokens are refused). The type is read from the bytes; at most 20 uploads a minute per end user.",
      tags,
      'x-permission': 'chat.write',
      security: [...APP_SECURITY, { userTokenAuth: [] }],
      middleware: [requireUploader()],
      request: {
        params: AppIdParams,
        body: {
          required: true,
          content: Object.fromEntries(
            IMAGE_CONTENT_TYPES.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }]),
          ),
        },
      },
      responses: { ...ERROR_RESPONSES, 201: ok('Where the image is served', UploadSchema) },
    }),
    async (c) => {
      const uploader = await uploaderOf(c, deps, chat);
      const appId = c.get('app')!.id;
      const plan = await deps.usage.plans.planOf(appId);
      const doc = await uploads.store({
        appId,
        uploader,
        contentType: c.req.header('content-type'),
        body: Buffer.from(await c.req.arrayBuffer()),
        maxBytes: plan.limits.maxUploadBytes,
        now: deps.clock.now(),
      });
      c.set('auditTarget', doc.id);
      return c.json(publicUpload(doc), 201);
    },
  );

  app.openapi(
    appRoute('chat.read', {
      method: 'get',
      path: '/v1/apps/{appId}/uploads',
      operationId: 'listUploads',
      summary: "The app's uploads, newest first",
      tags,
      request: { params: AppIdParams, query: UploadQuery },
      responses: { 200: ok('A page of uploads', page(UploadSchema)) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const { userId, ...query } = c.req.valid('query');
      const result = await paginate(uploadsOf(ctx.store, ctx.appId), userId ? { userId } : {}, query);
      return c.json({ data: result.data.map(publicUpload), nextCursor: result.nextCursor }, 200);
    },
  );

  app.openapi(
    appRoute('chat.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/uploads/{uploadId}',
      operationId: 'deleteUpload',
      summary: 'Delete an upload: its file stops being served at once',
      tags,
      request: { params: UploadParams },
      responses: { 200: ok('Deleted', z.object({ id: z.string(), deleted: z.literal(true) })) },
    }),
    async (c) => {
      const ctx = appCtxOf(c);
      const { uploadId } = c.req.valid('param');
      if (!(await uploads.remove(ctx.appId, uploadId))) throw uploadNotFound(uploadId);
      c.set('auditTarget', uploadId);
      return c.json({ id: uploadId, deleted: true as const }, 200);
    },
  );

  // Public: a chat image is shown by <img src>, so it is served by its unguessable name, without credentials.
  // Its type is the one its bytes were checked to be; nosniff and a sandboxing CSP keep it an image.
  app.get('/uploads/:appId/:file', async (c) => {
    const found = await uploads.read(c.req.param('appId'), c.req.param('file'));
    if (!found) return c.json(errorBody(c, 'not_found', 'No such upload.'), 404);
    return c.body(new Uint8Array(found.body), 200, {
      'content-type': found.contentType,
      'content-disposition': `inline; filename="${found.name}"`,
      // Short-lived, so that a deleted or erased upload stops being served by caches too.
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
  });

  return app;
}

function defaultUploads(deps: ControlPlaneDeps): Uploads {
  return createUploads({
    store: deps.store,
    dataDir: deps.config.DATA_DIR,
    publicBaseUrl: deps.config.PUBLIC_BASE_URL,
    redis: deps.redis,
  });
}
