// A secret the API shows only once: copy it now, with a warning that it cannot be shown again.
import { CopyField, Notice } from './ui';

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
