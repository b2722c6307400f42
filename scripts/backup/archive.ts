// Backups of the embedded store: a folder with each collection's datafile, the generated secrets
// and a manifest of checksums. NeDB datafiles are append-only lines, so a copy cut at the last
// complete line is a valid datafile even while the platform writes.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST = 'manifest.json';
const FORMAT = 'beamline-embedded-backup/1';

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  /** Path inside the backup → size and sha256 of what was written there. */
  files: Record<string, { bytes: number; sha256: string }>;
  collections: Record<string, { documents: number }>;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The datafile up to its last complete line (a write in progress is left for the next backup). */
function completeLines(data: Buffer): Buffer {
  const end = data.lastIndexOf(0x0a);
  return end === -1 ? Buffer.alloc(0) : data.subarray(0, end + 1);
}

/** Live documents in a datafile: the last line per _id wins, `$$deleted` removes it. */
function countDocuments(data: Buffer): number {
  const live = new Set<string>();
  for (const line of data.toString('utf8').split('\n')) {
    if (!line) continue;
    try {
      const doc = JSON.parse(line) as {
        _id?: string;
        $$deleted?: boolean;
        $$indexCreated?: unknown;
        $$indexRemoved?: unknown;
      };
      if (doc.$$indexCreated || doc.$$indexRemoved || !doc._id) continue;
      if (doc.$$deleted) live.delete(doc._id);
      else live.add(doc._id);
    } catch {
      // a corrupt line is skipped by the store too
    }
  }
  return live.size;
}

/** Writes a backup of `dataDir` into `outDir` (which must not exist yet). */
export function createBackup(dataDir: string, outDir: string, now = new Date()): Manifest {
  const storeDir = join(dataDir, 'store');
  if (!existsSync(storeDir)) throw new BackupError(`no embedded store under ${dataDir} (expected ${storeDir})`);
  if (existsSync(outDir)) throw new BackupError(`${outDir} already exists; choose a new folder`);
  mkdirSync(join(outDir, 'store'), { recursive: true });
  const manifest: Manifest = { format: FORMAT, createdAt: now.toISOString(), files: {}, collections: {} };
  const write = (path: string, data: Buffer) => {
    writeFileSync(join(outDir, path), data);
    manifest.files[path] = { bytes: data.length, sha256: sha256(data) };
  };
  for (const file of readdirSync(storeDir)
    .filter((f) => f.endsWith('.db'))
    .sort()) {
    const data = completeLines(readFileSync(join(storeDir, file)));
    write(`store/${file}`, data);
    manifest.collections[file.slice(0, -3)] = { documents: countDocuments(data) };
  }
  // The master key seals API and webhook secrets in the store: a backup without it cannot be used.
  const secrets = join(dataDir, 'secrets.json');
  if (existsSync(secrets)) write('secrets.json', readFileSync(secrets));
  writeFileSync(join(outDir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Checks every file of a backup against its manifest; throws naming the first file that differs. */
export function verifyBackup(backupDir: string): Manifest {
  const path = join(backupDir, MANIFEST);
  if (!existsSync(path)) throw new BackupError(`${backupDir} is not a backup: ${MANIFEST} is missing`);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  if (manifest.format !== FORMAT) throw new BackupError(`unknown backup format ${String(manifest.format)}`);
  for (const [file, expected] of Object.entries(manifest.files)) {
    if (file.includes('..') || file.startsWith('/')) throw new BackupError(`unsafe path in manifest: ${file}`);
    const full = join(backupDir, file);
    if (!existsSync(full)) throw new BackupError(`${file} is missing from the backup`);
    if (sha256(readFileSync(full)) !== expected.sha256)
      throw new BackupError(`${file} does not match its checksum: the backup is damaged`);
  }
  return manifest;
}

/**
 * Restores a verified backup into `dataDir`. The platform must be stopped. An existing store is
 * refused unless `force`, and then moved aside (never deleted) as `store.before-restore-<time>`.
 */
export function restoreBackup(
  backupDir: string,
  dataDir: string,
  opts: { force?: boolean; now?: Date } = {},
): { manifest: Manifest; movedAside: string[] } {
  const manifest = verifyBackup(backupDir);
  const storeDir = join(dataDir, 'store');
  const hasStore = existsSync(storeDir) && readdirSync(storeDir).some((f) => f.endsWith('.db'));
  const hasSecrets = existsSync(join(dataDir, 'secrets.json'));
  if ((hasStore || hasSecrets) && !opts.force)
    throw new BackupError(
      `${dataDir} already holds a store; stop the platform and pass --force to replace it (the current one is kept aside)`,
    );
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const movedAside: string[] = [];
  mkdirSync(dataDir, { recursive: true });
  if (existsSync(storeDir)) {
    const aside = join(dataDir, `store.before-restore-${stamp}`);
    renameSync(storeDir, aside);
    movedAside.push(aside);
  }
  if (hasSecrets && manifest.files['secrets.json']) {
    const aside = join(dataDir, `secrets.before-restore-${stamp}.json`);
    renameSync(join(dataDir, 'secrets.json'), aside);
    movedAside.push(aside);
  }
  mkdirSync(storeDir, { recursive: true });
  for (const file of Object.keys(manifest.files)) copyFileSync(join(backupDir, file), join(dataDir, file));
  return { manifest, movedAside };
}
