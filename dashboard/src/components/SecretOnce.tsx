// A secret the API shows only once: copy it now, with a warning that it cannot be shown again.
import type { ReactNode } from 'react';
import { CopyField, Modal, Notice } from './ui';

export function SecretOnce({ label, value, keyValue }: { label: string; value: string; keyValue?: string }) {
  return (
    <div className="stack">
      <Notice kind="warning">
        <strong>Copy the secret now.</strong> It is shown only this once; if you lose it, rotate the key to get a new
        one.
      </Notice>
      {keyValue && <CopyField label="API key" value={keyValue} testId="api-key-value" />}
      <CopyField label={label} value={value} testId="secret-value" />
    </div>
  );
}

/** A dialog that shows a secret once and closes when the developer says it is stored. */
export function SecretModal({
  title,
  label,
  value,
  keyValue,
  intro,
  onClose,
}: {
  title: string;
  label: string;
  value: string | null;
  keyValue?: string;
  intro?: ReactNode;
  onClose(): void;
}) {
  return (
    <Modal title={title} open={value !== null} onClose={onClose}>
      {value !== null && (
        <div className="stack">
          {intro && <p>{intro}</p>}
          <SecretOnce label={label} value={value} keyValue={keyValue} />
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={onClose}>
              I have stored the secret
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}
