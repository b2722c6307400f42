// Custom domains: an app claims a host name, proves it with a DNS TXT record, then its player page is served there.
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import {
  DuplicateKeyError,
  tenantCollection,
  type Collection,
  type DocumentStore,
  type IndexSpec,
} from '@beamline/core';
import { newId } from '@beamline/protocol';
import type { AppCtx } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';

export const DOMAINS_COLLECTION = 'custom_domains';
export const DOMAIN_INDEXES: IndexSpec[] = [
  { collection: DOMAINS_COLLECTION, fields: ['appId'] },
  { collection: DOMAINS_COLLECTION, fields: ['verifiedHostname'], unique: true, sparse: true },
];
export const CHALLENGE_PREFIX = '_beamline-challenge';

export interface DomainDoc {
  id: string;
  appId: string;
  hostname: string;
  token: string;
  status: 'pending' | 'verified';
  /** Set only once verified: the unique index lets one app at most own a verified host name. */
  verifiedHostname?: string;
  verifiedAt?: string;
  lastCheckedAt?: string;
  lastError?: string;
  createdAt: string;
}

/** Cross-tenant, for the player page's look-up by host name; the verbs below scope it to the app. */
export function domainsCollection(store: DocumentStore): Collection<DomainDoc> {
  return store.collection<DomainDoc>(DOMAINS_COLLECTION);
}

export type TxtResolver = (name: string) => Promise<string[][]>;
export const systemTxtResolver: TxtResolver = (name) => dns.resolveTxt(name);

const HOSTNAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function normalizeHostname(input: string): string {
  const host = input.trim().toLowerCase().replace(/\.$/, '');
  if (!HOSTNAME.test(host)) {
    throw Invalid('invalid_hostname', `"${input}" is not a host name like live.example.com.`);
  }
  return host;
}

export function txtRecord(d: DomainDoc) {
  return { name: `${CHALLENGE_PREFIX}.${d.hostname}`, type: 'TXT' as const, value: `beamline-verification=${d.token}` };
}

export function publicDomain(d: DomainDoc) {
  return {
    id: d.id,
    hostname: d.hostname,
    status: d.status,
    txtRecord: txtRecord(d),
    verifiedAt: d.verifiedAt ?? null,
    lastCheckedAt: d.lastCheckedAt ?? null,
    lastError: d.lastError ?? null,
    createdAt: d.createdAt,
  };
}

export async function addDomain(ctx: AppCtx, domains: Collection<DomainDoc>, hostname: string): Promise<DomainDoc> {
  const host = normalizeHostname(hostname);
  if (await tenantCollection(domains, ctx.appId).findOne({ hostname: host })) {
    throw Conflict('domain_exists', `${host} is already added to this app.`);
  }
  if (await domains.findOne({ verifiedHostname: host })) {
    throw Conflict('domain_taken', `${host} is verified by another app.`);
  }
  const doc: DomainDoc = {
    id: newId('domain'),
    appId: ctx.appId,
    hostname: host,
    token: randomBytes(18).toString('base64url'),
    status: 'pending',
    createdAt: ctx.clock.now().toISOString(),
  };
  return domains.insert(doc);
}

async function findDomain(ctx: AppCtx, domains: Collection<DomainDoc>, id: string): Promise<DomainDoc> {
  const doc = await tenantCollection(domains, ctx.appId).findOne({ id });
  if (!doc) throw NotFound('domain_not_found', `No domain ${id} in this app.`);
  return doc;
}

/** Looks the TXT record up in DNS now; verified when one of the answers carries this domain's token. */
export async function verifyDomain(
  ctx: AppCtx,
  domains: Collection<DomainDoc>,
  resolveTxt: TxtResolver,
  id: string,
): Promise<DomainDoc> {
  const doc = await findDomain(ctx, domains, id);
  if (doc.status === 'verified') return doc;
  const record = txtRecord(doc);
  const now = ctx.clock.now().toISOString();
  let answers: string[] = [];
  let lastError: string | undefined;
  try {
    answers = (await resolveTxt(record.name)).map((chunks) => chunks.join(''));
    if (!answers.includes(record.value)) {
      lastError = `${record.name} has no TXT record "${record.value}" yet (found ${answers.length} other record${answers.length === 1 ? '' : 's'}). DNS changes can take a while to appear.`;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    lastError =
      code === 'ENOTFOUND' || code === 'ENODATA'
        ? `No TXT record found at ${record.name} yet. DNS changes can take a while to appear.`
        : `The DNS lookup of ${record.name} failed (${code ?? 'error'}); try again.`;
  }
  if (lastError) {
    return (await tenantCollection(domains, ctx.appId).updateOne(
      { id: doc.id },
      { set: { lastCheckedAt: now, lastError } },
    ))!;
  }
  try {
    return (await tenantCollection(domains, ctx.appId).updateOne(
      { id: doc.id },
      {
        set: { status: 'verified', verifiedHostname: doc.hostname, verifiedAt: now, lastCheckedAt: now },
        unset: ['lastError'],
      },
    ))!;
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw Conflict('domain_taken', `${doc.hostname} is verified by another app.`);
    throw err;
  }
}

export async function removeDomain(ctx: AppCtx, domains: Collection<DomainDoc>, id: string): Promise<void> {
  const doc = await findDomain(ctx, domains, id);
  await tenantCollection(domains, ctx.appId).deleteOne({ id: doc.id });
}

export async function listDomains(ctx: AppCtx, domains: Collection<DomainDoc>): Promise<DomainDoc[]> {
  return tenantCollection(domains, ctx.appId).find({}, { sort: { createdAt: 1 } });
}
