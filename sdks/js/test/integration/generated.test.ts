// The committed generated files (SDK types, API/events/errors references) match what the live server and
// protocol/ produce now; regenerate with `npx tsx scripts/docs/generate.ts`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderGenerated } from '../../../../scripts/docs/generate';
import { ROOT } from '../../../../scripts/docs/sdk-types';

it('has every generated file up to date', async () => {
  const files = await renderGenerated();
  expect(Object.keys(files)).toEqual(
    expect.arrayContaining(['sdks/js/src/generated/openapi.ts', 'documentation/api-reference.md']),
  );
  const stale = Object.entries(files)
    .filter(([path, content]) => {
      try {
        return readFileSync(join(ROOT, path), 'utf8') !== content;
      } catch {
        return true;
      }
    })
    .map(([path]) => path);
  expect(stale, 'stale generated files; run: npx tsx scripts/docs/generate.ts').toEqual([]);
});
