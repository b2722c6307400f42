// `npm run backup -- [--data-dir ./data] [--out ./backups/beamline-<time>]`: a checksummed copy of the
// embedded store and its secrets. Safe while the platform runs. For MongoDB use mongodump
// (documentation/self-hosting.md).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, createBackup } from './backup/archive';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, out: { type: 'string' } },
  allowPositionals: false,
});
const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './data');
const now = new Date();
const out = resolve(values.out ?? `./backups/beamline-${now.toISOString().replace(/[:.]/g, '-')}`);
try {
  const manifest = createBackup(dataDir, out, now);
  const docs = Object.values(manifest.collections).reduce((n, c) => n + c.documents, 0);
  console.log(`backup written to ${out}: ${Object.keys(manifest.collections).length} collections, ${docs} documents`);
  if (!manifest.files['secrets.json'])
    console.log('note: no secrets.json under the data dir; keep MASTER_KEY with this backup, it unseals API secrets');
} catch (err) {
  console.error(`backup failed: ${err instanceof BackupError ? err.message : String(err)}`);
  process.exit(1);
}
