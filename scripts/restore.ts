// `npm run restore -- <backup folder> [--data-dir ./data] [--force]`: verifies a backup's checksums and
// puts it in place of the embedded store. Stop the platform first; the replaced store is kept aside.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, restoreBackup } from './backup/archive';

const { values, positionals } = parseArgs({
  options: { 'data-dir': { type: 'string' }, force: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error('usage: npm run restore -- <backup folder> [--data-dir ./data] [--force]');
  process.exit(2);
}
const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './data');
try {
  const { manifest, movedAside } = restoreBackup(resolve(positionals[0]!), dataDir, { force: values.force });
  const docs = Object.values(manifest.collections).reduce((n, c) => n + c.documents, 0);
  console.log(`restored the backup of ${manifest.createdAt} into ${dataDir}: ${docs} documents`);
  for (const path of movedAside) console.log(`kept the replaced data at ${path}`);
} catch (err) {
  console.error(`restore failed: ${err instanceof BackupError ? err.message : String(err)}`);
  process.exit(1);
}
