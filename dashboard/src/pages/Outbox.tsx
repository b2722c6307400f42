// Development only: the mails the platform wrote to DATA_DIR/outbox instead of sending them, for the operator.
import { Link, useLocation } from 'react-router-dom';
import { useAuth } from '../api/auth';
import { ApiError, api } from '../api/client';
import { formatDate, useResource } from '../components/hooks';
import { EmptyState, Notice, PageHeader, Spinner } from '../components/ui';

interface OutboxMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

/** Mail text with its links clickable (they point at this dashboard: verification, password reset). */
function MailText({ text }: { text: string }) {
  return (
    <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {text.split(/(https?:\/\/\S+)/).map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}

export default function Outbox() {
  const { session } = useAuth();
  const location = useLocation();
  const mails = useResource(
    (signal) =>
      session
        ? api<{ data: OutboxMail[] }>('/v1/dev/outbox', { signal })
        : Promise.reject(new ApiError(401, 'unauthorized', 'Log in first.')),
    [session?.user.id],
  );
  return (
    <div className="page narrow">
      <PageHeader
        title="Outbox"
        subtitle="Development mode (DEV_OUTBOX=true): mails are written to DATA_DIR/outbox instead of being sent. Set SMTP_URL to send them."
      />
      {!session ? (
        <Notice>
          The outbox holds live sign-in links, so only the platform operator may read it.{' '}
          <Link to="/login" state={{ from: location.pathname }}>
            Log in
          </Link>{' '}
          as the operator.
        </Notice>
      ) : (
        mails.error && (
          <Notice kind="warning">
            No outbox here: it is off (DEV_OUTBOX), mails are sent by SMTP, or {session.user.email} is not the platform
            operator (OPERATOR_EMAILS, else the first account registered).
          </Notice>
        )
      )}
      {session && mails.loading && !mails.data && <Spinner />}
      {mails.data?.data.length === 0 && <EmptyState title="No mails yet" />}
      {mails.data?.data.map((m) => (
        <article key={m.id} className="card stack">
          <h2>{m.subject}</h2>
          <p className="muted">
            To {m.to} · {formatDate(m.createdAt)}
          </p>
          <MailText text={m.text} />
        </article>
      ))}
    </div>
  );
}
