// All-in-one mode: secrets not given in the environment are generated once and kept under DATA_DIR.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED_SECRETS = ['JWT_SECRET', 'EDGE_SECRET', 'MASTER_KEY'] as const;
export type GeneratedSecret = (typeof GENERATED_SECRETS)[number];

export function loadOrCreateSecrets(dataDir: string): Record<GeneratedSecret, string> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  const existing: Partial<Record<GeneratedSecret, string>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<GeneratedSecret, string>>)
    : {};
  let changed = false;
  for (const name of GENERATED_SECRETS) {
    if (!existing[name]) {
      existing[name] = randomBytes(32).toString('hex');
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(existing, null, 2), { mode: 0o600 });
  return existing as Record<GeneratedSecret, string>;
}
