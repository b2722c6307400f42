// Writes every generated file (SDK types, API/events/errors references) from the live OpenAPI document, and the
// role tables of security.md from the permission tables.
// Run: npx tsx scripts/docs/generate.ts   (a test fails when a committed file is stale)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fetchLiveOpenApi } from './live-openapi';
import { renderSdkTypes, ROOT } from './sdk-types';
import { renderReferences } from './references';
import { renderSecurityDoc } from './security-roles';

export async function renderGenerated(): Promise<Record<string, string>> {
  const doc = await fetchLiveOpenApi();
  return { ...(await renderSdkTypes(doc)), ...(await renderReferences(doc)), ...renderSecurityDoc(ROOT) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await renderGenerated();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), content);
    console.log(`wrote ${path}`);
  }
}
