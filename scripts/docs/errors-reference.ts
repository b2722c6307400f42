// Renders documentation/errors-reference.md: the protocol's catalogs (the REST API's, chat's), and every code the
// services throw (found in their source), with the HTTP status each error kind maps to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_ERRORS, ERROR_CODES } from '../../protocol/src/index';
import { listFiles } from './files';
import { GENERATED_NOTE, table } from './markdown';

const STATUS: Record<string, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

const HELPERS: Record<string, string> = {
  Invalid: 'invalid',
  invalid: 'invalid',
  Unauthorized: 'unauthorized',
  unauthorized: 'unauthorized',
  refuse: 'unauthorized',
  Forbidden: 'forbidden',
  forbidden: 'forbidden',
  NotFound: 'not_found',
  notFound: 'not_found',
  Conflict: 'conflict',
  conflict: 'conflict',
  rateLimited: 'rate_limited',
};

const SERVICES = [
  { dir: 'control-plane/src', name: 'REST API' },
  { dir: 'chat/src', name: 'chat' },
  { dir: 'realtime/src', name: 'realtime' },
  { dir: 'media-edge/src', name: 'media edge' },
];

interface Found {
  statuses: Set<number>;
  where: Set<string>;
  message?: string;
}

const MESSAGE = String.raw`\s*,\s*(?:(['"\x60])((?:(?!\3).)*)\3)?`;
const HELPER_CALL = new RegExp(
  String.raw`\b(${Object.keys(HELPERS).join('|')})\(\s*'([a-z][a-z0-9_]*)'${MESSAGE}`,
  'g',
);
const CLASS_CALL = new RegExp(String.raw`new DomainError\(\s*'([a-z_]+)'\s*,\s*'([a-z][a-z0-9_]*)'${MESSAGE}`, 'g');

/** `new RateLimited(wait, 'message', 'code')`: a rate limit with a code of its own. */
const RATE_LIMITED_WITH_CODE = new RegExp(
  String.raw`new RateLimited\(\s*[^,()]+,\s*(['"\x60])((?:(?!\1).)*)\1\s*,\s*'([a-z][a-z0-9_]*)'`,
  'g',
);

/** Every error code the services' source throws, with its HTTP status and a sample message. */
export function scanErrorCodes(root: string): Map<string, Found> {
  const found = new Map<string, Found>();
  const add = (code: string, kind: string, where: string, message: string | undefined) => {
    let entry = found.get(code);
    if (!entry) found.set(code, (entry = { statuses: new Set(), where: new Set() }));
    if (STATUS[kind]) entry.statuses.add(STATUS[kind]);
    entry.where.add(where);
    if (message && !entry.message) entry.message = message.replace(/\$\{[^}]*\}/g, '…');
  };
  for (const service of SERVICES) {
    for (const file of listFiles(join(root, service.dir), /\.ts$/)) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(HELPER_CALL)) add(m[2]!, HELPERS[m[1]!]!, service.name, m[4]);
      for (const m of source.matchAll(CLASS_CALL)) add(m[2]!, m[1]!, service.name, m[4]);
      if (/new RateLimited\(/.test(source)) add('rate_limited', 'rate_limited', service.name, undefined);
      for (const m of source.matchAll(RATE_LIMITED_WITH_CODE)) add(m[3]!, 'rate_limited', service.name, m[2]);
    }
  }
  return found;
}

export function renderErrorsReference(root: string): string {
  const scanned = scanErrorCodes(root);
  const catalog: Record<string, string> = { ...ERROR_CODES };
  const codes = [...new Set([...Object.keys(catalog), ...scanned.keys()])].sort();
  return [
    GENERATED_NOTE('protocol/src/errors.ts and the codes the services throw'),
    '# Error codes\n',
    'Every error has one shape. Over HTTP the status is set and the body is:\n',
    '```json\n{ "error": { "code": "stream_not_found", "message": "No stream str_… in this app.", "details": null, "requestId": "req_…" } }\n```\n',
    'Over the realtime connection a failed request is acknowledged with `{ "error": { "code", "message", "details" } }`. ' +
      'Switch on `code`: it is stable; the message is for people and may change. `details` carries field problems ' +
      '(`validation_failed`) or `retryAfterSeconds` (`rate_limited`, `slow_mode`). Quote `requestId` (also in the ' +
      '`X-Request-Id` header) when you report a problem.\n',
    'In the SDK the server client throws `PlatformError` (`code`, `status`, `requestId`, `details`; status 0 and ' +
      'code `network_error` or `timeout` when no answer came) and the chat client rejects with `ChatError` (`code`).\n',
    '## HTTP codes\n',
    table(
      ['code', 'HTTP status', 'raised by', 'meaning'],
      codes.map((code) => {
        const hit = scanned.get(code);
        return [
          `\`${code}\``,
          hit?.statuses.size ? [...hit.statuses].sort().join(', ') : '',
          hit ? [...hit.where].sort().join(', ') : 'any service',
          catalog[code] ?? hit?.message ?? '',
        ];
      }),
    ),
    '## Chat codes\n',
    'Codes of realtime handshake refusals (`connect_error` data) and request acknowledgements, and of the chat ' +
      "calls an end user makes over HTTP (image uploads): the SDK's `ChatErrorCode`.\n",
    table(
      ['code', 'meaning'],
      Object.entries(CHAT_ERRORS).map(([code, meaning]) => [`\`${code}\``, meaning]),
    ),
  ].join('\n');
}
