// The development outbox: the mails the platform wrote to DATA_DIR/outbox, for the platform operator only.
import { OutboxMailer, type Mailer } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ControlPlaneDeps } from '../deps';
import { NotFound } from '../errors';
import { ctxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { developerRoute, ok } from '../http/route';
import { isOperator } from './operator';

const MailSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  createdAt: z.string(),
});

/** Whether the outbox is served: asked for (DEV_OUTBOX, or its former name), and mails go to the folder. */
export function outboxEnabled(config: ControlPlaneDeps['config'], mailer: Mailer): mailer is OutboxMailer {
  return (config.DEV_OUTBOX ?? config.MAIL_OUTBOX_ROUTES ?? false) && mailer instanceof OutboxMailer;
}

/**
 * The outbox holds live password-reset and invitation links, so anyone else gets exactly the answer of a
 * route that does not exist, signed in or not.
 */
export function outboxRoutes(deps: ControlPlaneDeps, mailer: Mailer) {
  const app = new OpenAPIHono<HttpEnv>();
  if (!outboxEnabled(deps.config, mailer)) return app;
  app.openapi(
    developerRoute({
      method: 'get',
      path: '/v1/dev/outbox',
      operationId: 'listOutbox',
      summary: 'Development only: the mails the platform would have sent, newest first',
      description:
        'Served only with DEV_OUTBOX=true while mails go to the outbox folder (no SMTP_URL), and only to a developer session of the platform operator (OPERATOR_EMAILS, else the first account registered); anyone else gets 404.',
      tags: ['Account security'],
      request: { query: z.object({ to: z.string().max(254).optional() }) },
      responses: { 200: ok('Mails', z.object({ data: z.array(MailSchema) })) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const operator =
        actor?.type === 'developer' && (await isOperator(ctxOf(c), deps.config.OPERATOR_EMAILS, actor.userId));
      if (!operator) throw NotFound('not_found', `No route ${c.req.method} ${c.req.path}.`);
      const { to } = c.req.valid('query');
      const mails = await mailer.list(100);
      const data = mails
        .filter((m) => !to || m.to.toLowerCase() === to.toLowerCase())
        .map(({ id, from, to: rcpt, subject, text, createdAt }) => ({ id, from, to: rcpt, subject, text, createdAt }));
      return c.json({ data }, 200);
    },
  );
  return app;
}
