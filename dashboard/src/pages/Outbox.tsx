// Development only: the mails the platform wrote to DATA_DIR/outbox instead of sending them.
import { api } from '../api/client';
import { formatDate, useResource } from '../components/hooks';
import { EmptyState, ErrorBanner, PageHeader, Spinner } from '../components/ui';

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
  const mails = useResource((signal) => api<{ data: OutboxMail[] }>('/v1/dev/outbox', { signal }), []);
  return (
    <div className="page narrow">
      <PageHeader
        title="Outbox"
        subtitle="Development mode: mails are written to DATA_DIR/outbox instead of being sent. Set SMTP_URL to send them."
      />
      <ErrorBanner message={mails.error} onRetry={mails.reload} />
      {mails.loading && !mails.data && <Spinner />}
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
