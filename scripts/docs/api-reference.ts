// Renders documentation/api-reference.md from the live OpenAPI document, with each route's SDK method.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenApiDocument, OpenApiOperation } from './live-openapi';
import { PERMISSIONS } from '../../control-plane/src/permissions';
import { anchor, GENERATED_NOTE, table } from './markdown';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function refName(ref: string): string {
  return ref.split('/').pop()!;
}

export function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return `[${refName(schema.$ref)}](#${anchor(refName(schema.$ref))})`;
  if (schema.allOf) return schema.allOf.map(typeOf).join(' & ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeOf).join(' or ');
  if (schema.enum) return schema.enum.map((v) => (v === null ? 'null' : `\`${String(v)}\``)).join(', ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return (
    types
      .map((t) => (t === 'array' ? `${typeOf(schema.items)}[]` : t === 'string' && schema.format ? schema.format : t))
      .join(' or ') || 'any'
  );
}

function constraints(schema: Schema): string {
  const parts: string[] = [];
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.minimum !== undefined) parts.push(`min ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`max ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`≤ ${schema.maxLength} chars`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function fields(schema: Schema | undefined, schemas: Record<string, Schema>): string {
  if (!schema) return '_none_\n';
  if (schema.$ref) return `${typeOf(schema)}\n`;
  if (schema.allOf) return schema.allOf.map((s) => fields(s, schemas)).join('\n');
  if (!schema.properties) return `${typeOf(schema)}\n`;
  const required = new Set(schema.required ?? []);
  return table(
    ['field', 'type', 'required', 'description'],
    Object.entries(schema.properties).map(([name, s]) => [
      `\`${name}\``,
      typeOf(s),
      required.has(name) ? 'yes' : 'no',
      (s.description ?? '') + constraints(s),
    ]),
  );
}

/** operationId → `platform.resource.method(...)`, read from the SDK's resource classes. */
export function sdkMethods(root: string): Map<string, string> {
  const dir = join(root, 'sdks/js/src/server');
  const source = readdirSync(dir)
    .filter((f) => /^resources.*\.ts$/.test(f))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const map = new Map<string, string>();
  let resource = '';
  let method = '';
  for (const line of source.split('\n')) {
    const cls = /^export class (\w+)Resource\b/.exec(line);
    if (cls) resource = cls[1]!.charAt(0).toLowerCase() + cls[1]!.slice(1);
    const m = /^ {2}(?:async )?(\w+)\(/.exec(line);
    if (m) method = m[1]!;
    const op = /this\.(?:request|paginate)\(\s*'(\w+)'/.exec(line);
    if (op && resource && method) map.set(op[1]!, `platform.${resource}.${method}()`);
  }
  map.set('listApps', 'platform.appId()');
  return map;
}

function auth(op: OpenApiOperation): string {
  const names = (op.security ?? []).flatMap((s) => Object.keys(s));
  if (names.length === 0) return 'none';
  return names
    .map((n) => (n === 'apiKeyAuth' ? 'API key (Basic)' : n === 'bearerAuth' ? 'developer (Bearer)' : n))
    .join(', ');
}

export function renderApiReference(doc: OpenApiDocument, root: string): string {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const sdk = sdkMethods(root);
  const byTag = new Map<string, { method: string; path: string; op: OpenApiOperation }[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const out: string[] = [
    GENERATED_NOTE('the live /openapi.json'),
    `# API reference\n`,
    `${doc.info.title} ${doc.info.version}. Every route, generated from the OpenAPI document the server serves at ` +
      '`/openapi.json` (an interactive version is at `/docs`). JSON fields are camelCase; lists answer ' +
      '`{ data, nextCursor }` and take `limit` and `cursor`; every error answers ' +
      '`{ "error": { "code", "message", "details", "requestId" } }` (see [error codes](errors-reference.md)).\n',
    "**Authentication.** Server to server: `Authorization: Basic base64(apiKey:apiSecret)` (the SDK's " +
      "`new Platform({ apiKey, apiSecret, baseUrl })`), reaching only that key's app. Developer accounts " +
      '(dashboard): `Authorization: Bearer <access token>`. Each app route names its permission; ' +
      '[the permission table](#permissions) says which member roles and whether API keys hold it.\n',
    '## Contents\n',
    ...[...byTag.keys()].map((tag) => `- [${tag}](#${anchor(tag)})`),
    '- [Permissions](#permissions)',
    '- [Schemas](#schemas)\n',
  ];
  for (const [tag, ops] of byTag) {
    out.push(`## ${tag}\n`);
    for (const { method, path, op } of ops) {
      out.push(`### ${op.summary ?? op.operationId}\n`);
      out.push('`' + `${method.toUpperCase()} ${path}` + '`\n');
      const facts = [
        `operationId \`${op.operationId}\``,
        `auth: ${auth(op)}`,
        ...(op['x-permission'] ? [`permission \`${op['x-permission']}\``] : []),
        ...(op.operationId && sdk.has(op.operationId) ? [`SDK: \`${sdk.get(op.operationId)}\``] : []),
      ];
      out.push(facts.join(' · ') + '\n');
      if (op.description) out.push(op.description + '\n');
      const params = op.parameters ?? [];
      if (params.length) {
        out.push('**Parameters**\n');
        out.push(
          table(
            ['name', 'in', 'type', 'required', 'description'],
            params.map((p) => [
              `\`${p.name}\``,
              p.in,
              typeOf(p.schema as Schema),
              p.required ? 'yes' : 'no',
              (p.description ?? '') + constraints((p.schema ?? {}) as Schema),
            ]),
          ),
        );
      }
      const body = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      if (body) out.push('**Body** (JSON)\n\n' + fields(body, schemas));
      const success = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
      for (const [code, res] of success) {
        const [type, media] = Object.entries(res.content ?? {})[0] ?? [];
        const schema = media?.schema as Schema | undefined;
        out.push(`**${code}** ${res.description ?? ''}${type ? ` (${type})` : ''}\n`);
        if (schema && type === 'application/json') out.push(fields(schema, schemas));
      }
      const errors = Object.keys(op.responses ?? {}).filter((code) => !code.startsWith('2'));
      if (errors.length) out.push(`Errors: ${errors.join(', ')}.\n`);
    }
  }
  out.push(
    '## Permissions\n',
    'From `control-plane/src/permissions.ts`, the one table every app route is checked against.\n',
    table(
      ['permission', 'member roles', 'API keys'],
      Object.entries(PERMISSIONS).map(([name, p]) => [`\`${name}\``, p.roles.join(', '), p.apiKey ? 'yes' : 'no']),
    ),
  );
  out.push('## Schemas\n');
  for (const [name, schema] of Object.entries(schemas)) {
    out.push(`### ${name}\n`);
    if (schema.description) out.push(schema.description + '\n');
    out.push(fields(schema, schemas));
  }
  return out.join('\n');
}
