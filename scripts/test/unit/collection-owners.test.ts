// One owner per collection: only the modules scripts/test/collection-owners.ts names open a collection; everything
// else imports their accessors.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../docs/sdk-types';
import { CHECKED_DIRS, COLLECTION_OWNERS, GENERIC_COLLECTION_USERS, PENDING } from '../collection-owners';

interface CollectionUse {
  /** The collection's name when the source spells it as a string, else null (a constant or a variable). */
  name: string | null;
  kind: 'call' | 'index';
  line: number;
}

const withoutComments = (src: string) =>
  src.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** `.collection<…>(…)` calls and `collection: '…'` keys (index specs) in a TypeScript source. */
export function collectionUses(source: string): CollectionUse[] {
  const src = withoutComments(source);
  const lineOf = (at: number) => src.slice(0, at).split('\n').length;
  const uses: CollectionUse[] = [];
  for (const m of src.matchAll(/\.collection\b/g)) {
    let i = m.index + m[0].length;
    const skipSpace = () => {
      while (/\s/.test(src[i] ?? '')) i++;
    };
    skipSpace();
    if (src[i] === '<') {
      let depth = 0;
      for (; i < src.length; i++) {
        if (src[i] === '<') depth++;
        else if (src[i] === '>' && src[i - 1] !== '=' && --depth === 0) break;
      }
      i++;
      skipSpace();
    }
    if (src[i] !== '(') continue;
    i++;
    skipSpace();
    const literal = /^(['"`])([^'"`$]+)\1/.exec(src.slice(i));
    uses.push({ name: literal ? literal[2]! : null, kind: 'call', line: lineOf(m.index) });
  }
  for (const m of src.matchAll(/\bcollection\s*:\s*(['"`])([^'"`$]+)\1/g))
    uses.push({ name: m[2]!, kind: 'index', line: lineOf(m.index) });
  return uses;
}

function sources(dir: string): string[] {
  const abs = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || path === join('scripts', 'test')) return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** What is wrong with a file's uses of collections, one line each. */
export function violations(file: string, source: string): string[] {
  const owned = Object.entries(COLLECTION_OWNERS)
    .filter(([, owners]) => owners.includes(file))
    .map(([name]) => name);
  const generic = GENERIC_COLLECTION_USERS.some((g) => (g.endsWith('/') ? file.startsWith(g) : file === g));
  if (generic || file in PENDING) return [];
  const out: string[] = [];
  for (const use of collectionUses(source)) {
    const where = `${file}:${use.line}`;
    if (use.name !== null && !(use.name in COLLECTION_OWNERS)) {
      out.push(`${where} names '${use.name}', a collection without an owner in scripts/test/collection-owners.ts`);
    } else if (use.name !== null && !owned.includes(use.name)) {
      out.push(`${where} names '${use.name}', owned by ${COLLECTION_OWNERS[use.name]!.join(' / ')}: use its accessor`);
    } else if (use.kind === 'call' && owned.length === 0) {
      out.push(`${where} opens a collection but owns none: import the owner's accessor`);
    }
  }
  return out;
}

describe('collection owners', () => {
  it('only the owner of a collection opens it, and every collection has one owner', () => {
    const found = CHECKED_DIRS.flatMap(sources).flatMap((file) =>
      violations(file.split('\\').join('/'), readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(found).toEqual([]);
  });

  it('finds a collection opened by name or by constant outside its owner', () => {
    const src = [
      "const a = store.collection<{ id: string; n: Array<string> }>('streams');",
      'const b = deps.store',
      "  .collection<AppRecord>(\n    'apps',\n  ).findOne({});",
      'const c = store.collection(SOME_NAME);',
      "const specs = [{ collection: 'api_keys', fields: ['key'] }];",
      "// store.collection('apps') in a comment is fine",
    ].join('\n');
    expect(violations('control-plane/src/somewhere.ts', src)).toEqual([
      "control-plane/src/somewhere.ts:1 names 'streams', owned by core/src/owners/streams.ts: use its accessor",
      "control-plane/src/somewhere.ts:3 names 'apps', owned by core/src/owners/apps.ts: use its accessor",
      "control-plane/src/somewhere.ts:6 opens a collection but owns none: import the owner's accessor",
      "control-plane/src/somewhere.ts:7 names 'api_keys', owned by core/src/owners/api-keys.ts: use its accessor",
    ]);
    expect(violations('core/src/owners/streams.ts', "store.collection<T>('streams')")).toEqual([]);
    expect(violations('core/src/owners/streams.ts', "store.collection('nameless')")).toEqual([
      "core/src/owners/streams.ts:1 names 'nameless', a collection without an owner in scripts/test/collection-owners.ts",
    ]);
  });

  it('lists owner modules that exist', () => {
    const owners = [...new Set(Object.values(COLLECTION_OWNERS).flat())];
    const present = owners.filter((f) => {
      try {
        return statSync(join(ROOT, f)).isFile();
      } catch {
        return false;
      }
    });
    // Each collection has at least one owner module in the tree (a move may leave an old path listed for a while).
    for (const [name, files] of Object.entries(COLLECTION_OWNERS))
      expect(
        files.some((f) => present.includes(f)),
        `${name}: no owner module found`,
      ).toBe(true);
  });
});
