// The role tables of documentation/security.md are the permission tables: regenerate them with
// `npx tsx scripts/docs/generate.ts` after changing control-plane/src/permissions.ts or realtime/src/permissions.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_REQUESTS } from '@beamline/protocol';
import { describe, expect, it } from 'vitest';
import { renderRoleTables, renderSecurityDoc, SECURITY_DOC } from '../../docs/security-roles';
import { ROOT } from '../../docs/sdk-types';

describe('the role tables of security.md', () => {
  it('are what the permission tables say now', () => {
    const committed = readFileSync(join(ROOT, SECURITY_DOC), 'utf8');
    expect(committed, 'stale role tables; run: npx tsx scripts/docs/generate.ts').toBe(
      renderSecurityDoc(ROOT)[SECURITY_DOC],
    );
  });

  it('name every socket request', () => {
    const tables = renderRoleTables();
    for (const name of CLIENT_REQUESTS) expect(tables).toContain(`\`${name}\``);
  });
});
