// Renders documentation/events-reference.md from protocol/: the event catalog, payloads and realtime requests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { CLIENT_REQUESTS, EVENT_TYPES, REALTIME_LIMITS, REALTIME_ONLY_EVENT_TYPES } from '../../protocol/src/index';
import { anchor, GENERATED_NOTE, table } from './markdown';

interface Field {
  name: string;
  type: string;
  optional: boolean;
  doc: string;
}

type Members = ts.NodeArray<ts.TypeElement>;

function docOf(node: ts.Node): string {
  const jsDoc = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  return (jsDoc ?? []).map((d) => (typeof d.comment === 'string' ? d.comment : '')).join(' ');
}

function propName(name: ts.PropertyName, sf: ts.SourceFile): string {
  return ts.isStringLiteral(name) ? name.text : name.getText(sf);
}

class ProtocolSource {
  readonly interfaces = new Map<string, { members: Members; doc: string; sf: ts.SourceFile }>();

  constructor(files: string[]) {
    for (const file of files) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      sf.forEachChild((node) => {
        if (ts.isInterfaceDeclaration(node))
          this.interfaces.set(node.name.text, { members: node.members, doc: docOf(node), sf });
      });
    }
  }

  fields(members: Members, sf: ts.SourceFile): Field[] {
    return members.filter(ts.isPropertySignature).map((m) => ({
      name: propName(m.name, sf),
      type: m.type ? m.type.getText(sf).replace(/\s+/g, ' ') : 'unknown',
      optional: Boolean(m.questionToken),
      doc: docOf(m),
    }));
  }

  /** Members of `Interface['key']` when it is a type literal, else its text. */
  member(iface: string, key: string): { fields?: Field[]; text: string } {
    const found = this.interfaces.get(iface);
    const m = found?.members.find((x) => ts.isPropertySignature(x) && propName(x.name, found.sf) === key) as
      ts.PropertySignature | undefined;
    if (!found || !m?.type) return { text: 'unknown' };
    if (ts.isTypeLiteralNode(m.type)) return { fields: this.fields(m.type.members, found.sf), text: '' };
    return { text: m.type.getText(found.sf) };
  }

  /** The request and reply type texts of one ClientRequests entry. */
  requestParts(name: string): { request: string; reply: string } {
    const found = this.interfaces.get('ClientRequests')!;
    const member = found.members.find((m) => ts.isPropertySignature(m) && propName(m.name, found.sf) === name);
    const shape = (member as ts.PropertySignature).type as ts.TypeLiteralNode;
    const text = (key: string) => {
      const part = shape.members.find((m) => ts.isPropertySignature(m) && propName(m.name, found.sf) === key);
      return ((part as ts.PropertySignature | undefined)?.type?.getText(found.sf) ?? 'unknown').replace(/\s+/g, ' ');
    };
    return { request: text('request'), reply: text('reply') };
  }

  interfaceTable(name: string): string {
    const found = this.interfaces.get(name);
    if (!found) return `\`${name}\`\n`;
    return (found.doc ? found.doc + '\n\n' : '') + fieldTable(this.fields(found.members, found.sf));
  }
}

const linkTypes = (text: string, known: Set<string>) =>
  text.replace(/\b([A-Z]\w+)\b/g, (m) => (known.has(m) ? `[${m}](#${anchor(m)})` : m));

function fieldTable(fields: Field[], known = new Set<string>()): string {
  return table(
    ['field', 'type', 'required', 'description'],
    fields.map((f) => {
      const linked = linkTypes(f.type, known);
      return [`\`${f.name}\``, linked === f.type ? `\`${f.type}\`` : linked, f.optional ? 'no' : 'yes', f.doc];
    }),
  );
}

const TYPES = ['ChatMessage', 'PresenceMember', 'Channel', 'Attachment', 'ClosingNotice', 'HandshakeError'];

export function renderEventsReference(root: string): string {
  const src = new ProtocolSource(['events.ts', 'realtime.ts'].map((f) => join(root, 'protocol/src', f)));
  const known = new Set(TYPES);
  const out: string[] = [
    GENERATED_NOTE('protocol/src/events.ts and protocol/src/realtime.ts'),
    '# Events and realtime reference\n',
    'One event catalog serves webhooks and the realtime (Socket.IO) connection. Every event travels in the same ' +
      'envelope; over Socket.IO the server sends it as the one event named `event`, to webhooks it is the POST body.\n',
    '```ts\ninterface EventEnvelope<Data = unknown> {\n  id: string; // evt_…, also the Webhook-Id header\n' +
      '  type: string; // e.g. stream.live\n  appId: string;\n  createdAt: string; // ISO 8601\n  data: Data; // below, per type\n}\n```\n',
    "In the SDK: `chat.on('stream.live', (e) => …)` or `chat.on('event', …)` for all of them; a channel " +
      'object re-emits its own as `message`, `updated`, `deleted`, `typing`, `presence`, `reaction` and `moderation`.\n',
    '## Event catalog\n',
    table(
      ['event', 'delivered to', 'data'],
      [...EVENT_TYPES, ...REALTIME_ONLY_EVENT_TYPES].map((type) => [
        `[\`${type}\`](#${anchor(type)})`,
        (REALTIME_ONLY_EVENT_TYPES as readonly string[]).includes(type) ? 'sockets only' : 'webhooks and sockets',
        src
          .member('EventPayloads', type)
          .fields?.map((f) => f.name)
          .join(', ') ?? '',
      ]),
    ),
  ];
  for (const type of [...EVENT_TYPES, ...REALTIME_ONLY_EVENT_TYPES]) {
    const payload = src.member('EventPayloads', type);
    out.push(`### ${type}\n`);
    out.push(payload.fields ? fieldTable(payload.fields, known) : linkTypes(payload.text, known) + '\n');
  }
  out.push(
    '## Realtime connection\n',
    'Connect with Socket.IO to the realtime service with a user token: ' +
      '`io(REALTIME_URL, { auth: { token } })` (the SDK: `ChatClient.connect({ url, token })`). ' +
      'A refused handshake arrives as `connect_error` with `data` = [HandshakeError](#handshakeerror). Before ' +
      'the server closes a connection it sends `closing` with a [ClosingNotice](#closingnotice).\n',
    'Each request is an emit with an acknowledgement callback; the acknowledgement is `{ ok: true, … }` or ' +
      '`{ error: { code, message, details? } }` (codes in the [error reference](errors-reference.md#realtime-codes)).\n',
    table(
      ['request', 'payload', 'acknowledgement (besides ok)'],
      CLIENT_REQUESTS.map((name) => {
        const parts = src.requestParts(name);
        return [`[\`${name}\`](#${anchor(`request ${name}`)})`, `\`${parts.request}\``, `\`${parts.reply}\``];
      }),
    ),
  );
  for (const name of CLIENT_REQUESTS) {
    out.push(`### request ${name}\n`);
    const found = src.interfaces.get('ClientRequests')!;
    const member = found.members.find(
      (m) => ts.isPropertySignature(m) && propName(m.name, found.sf) === name,
    ) as ts.PropertySignature;
    const shape = member.type as ts.TypeLiteralNode;
    for (const part of shape.members.filter(ts.isPropertySignature)) {
      const label = propName(part.name, found.sf) === 'request' ? 'Payload' : 'Acknowledgement';
      const typeText = part.type!.getText(found.sf);
      if (src.interfaces.has(typeText)) out.push(`**${label}** (\`${typeText}\`)\n\n` + src.interfaceTable(typeText));
      else if (part.type && ts.isTypeLiteralNode(part.type))
        out.push(`**${label}**\n\n` + fieldTable(src.fields(part.type.members, found.sf), known));
      else out.push(`**${label}**: \`${typeText}\`\n`);
    }
  }
  out.push('## Types\n');
  for (const name of TYPES) out.push(`### ${name}\n`, src.interfaceTable(name));
  out.push(
    '## Limits\n',
    table(
      ['limit', 'value'],
      Object.entries(REALTIME_LIMITS).map(([k, v]) => [`\`${k}\``, String(v)]),
    ),
  );
  return out.join('\n');
}
