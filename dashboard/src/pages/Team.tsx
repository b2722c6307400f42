// The team of an app: members and their roles, invitations, removal.
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { useAuth } from '../api/auth';
import { api } from '../api/client';
import type { Invitation, Member, Page } from '@beamline/sdk';
import { ROLES, type Role } from '../api/types';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { formatDate, useAction, useResource } from '../components/hooks';
import { ConfirmDialog, CopyField, ErrorBanner, Modal, Notice, PageHeader, Spinner } from '../components/ui';

export default function Team() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const { session } = useAuth();
  const canManage = roleAtLeast(app, 'admin');
  const members = useResource((signal) => api<Page<Member>>(`/v1/apps/${appId}/members`, { signal }), [appId]);
  const invitations = useResource(
    (signal) =>
      canManage
        ? api<Page<Invitation>>(`/v1/apps/${appId}/members/invitations`, { signal })
        : Promise.resolve({ data: [], nextCursor: null }),
    [appId, canManage],
  );
  const [inviting, setInviting] = useState(false);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [acceptUrl, setAcceptUrl] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const invite = useAction(() =>
    api<{ invitation: Invitation; acceptUrl: string }>(`/v1/apps/${appId}/members/invitations`, {
      method: 'POST',
      body: { email: email.trim(), role },
    }),
  );
  const change = useAction((id: string, to: Role) =>
    api<Member>(`/v1/apps/${appId}/members/${id}`, { method: 'PATCH', body: { role: to } }),
  );
  const remove = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/members/${id}`, { method: 'DELETE' });
    return true;
  });
  const withdraw = useAction(async (id: string) => {
    await api(`/v1/apps/${appId}/members/invitations/${id}`, { method: 'DELETE' });
    return true;
  });

  return (
    <div className="page">
      <PageHeader
        title="Team"
        subtitle="Owners and admins manage the app; editors run streams and chat; viewers can look."
        actions={
          canManage && (
            <button type="button" className="btn btn-primary" onClick={() => setInviting(true)}>
              Invite member
            </button>
          )
        }
      />
      <ErrorBanner message={members.error ?? change.error ?? withdraw.error} onRetry={members.reload} />
      {members.loading && !members.data ? (
        <Spinner />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th>Joined</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data?.data.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.name || m.email}
                  {m.userId === session?.user.id && <span className="muted"> (you)</span>}
                  <div className="muted small">{m.email}</div>
                </td>
                <td>
                  {canManage ? (
                    <select
                      aria-label={`Role of ${m.email ?? m.userId}`}
                      value={m.role}
                      disabled={change.busy}
                      onChange={async (e) => {
                        if (await change.run(m.id, e.target.value as Role)) members.reload();
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                <td>{formatDate(m.createdAt)}</td>
                <td className="actions">
                  {canManage && (
                    <button type="button" className="btn btn-small btn-danger" onClick={() => setRemoving(m)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {canManage && (
        <>
          <h2>Pending invitations</h2>
          {invitations.data && invitations.data.data.filter((i) => i.status === 'pending').length === 0 ? (
            <p className="muted">No pending invitations. Invite a teammate by email to give them a role here.</p>
          ) : (
            <ul className="list">
              {invitations.data?.data
                .filter((i) => i.status === 'pending')
                .map((i) => (
                  <li key={i.id} className="row-between">
                    <span>
                      {i.email} · {i.role} · expires {formatDate(i.expiresAt)}
                    </span>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={async () => {
                        if (await withdraw.run(i.id)) invitations.reload();
                      }}
                    >
                      Withdraw
                    </button>
                  </li>
                ))}
            </ul>
          )}
        </>
      )}

      <Modal
        title="Invite a member"
        open={inviting}
        onClose={() => {
          setInviting(false);
          setAcceptUrl(null);
          setEmail('');
          invite.clearError();
        }}
      >
        {acceptUrl ? (
          <div className="stack">
            <Notice kind="success">Invitation created. Send this link to your teammate; it works once.</Notice>
            <CopyField label="Invitation link" value={acceptUrl} />
          </div>
        ) : (
          <form
            className="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              const result = await invite.run();
              if (result) {
                setAcceptUrl(result.acceptUrl);
                invitations.reload();
              }
            }}
          >
            <ErrorBanner message={invite.error} />
            <div className="field">
              <label htmlFor="invite-email">Email</label>
              <input
                id="invite-email"
                type="email"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="invite-role">Role</label>
              <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={invite.busy}>
                {invite.busy ? 'Inviting…' : 'Send invitation'}
              </button>
            </div>
          </form>
        )}
      </Modal>

      <ConfirmDialog
        open={!!removing}
        title="Remove this member?"
        confirmLabel="Remove member"
        busy={remove.busy}
        error={remove.error}
        onClose={() => {
          setRemoving(null);
          remove.clearError();
        }}
        onConfirm={async () => {
          if (removing && (await remove.run(removing.id))) {
            setRemoving(null);
            members.reload();
          }
        }}
      >
        <p>
          <strong>{removing?.email}</strong> loses access to this app at once.
        </p>
      </ConfirmDialog>
    </div>
  );
}
