// The base of every resource: typed calls by operationId, with {appId} filled from the client's app.
import type { CallInit, HttpClient } from './http';
import { PageIterator, type Page } from './pagination';
import type { OpBody, OperationId, OpItem, OpQuery, OpResult } from './types';

export interface ResourceContext {
  http: HttpClient;
  appId(): Promise<string>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (!value) throw new TypeError(`${name} is required`);
    return encodeURIComponent(value);
  });
}

export abstract class Resource {
  constructor(protected readonly ctx: ResourceContext) {}

  protected async request<K extends OperationId>(
    operationId: K,
    method: Method,
    path: string,
    init: {
      params?: Record<string, string>;
      query?: OpQuery<K>;
      body?: OpBody<K>;
      text?: boolean;
      raw?: CallInit['raw'];
    } = {},
  ): Promise<OpResult<K>> {
    const appId = path.includes('{appId}') ? await this.ctx.appId() : '';
    const url = fillPath(path, { appId, ...init.params });
    const request: CallInit = {
      query: init.query as Record<string, unknown> | undefined,
      body: init.body,
      text: init.text,
      raw: init.raw,
    };
    return this.ctx.http.request<OpResult<K>>(operationId, method, url, request);
  }

  protected paginate<K extends OperationId>(
    operationId: K,
    path: string,
    init: { params?: Record<string, string>; query?: OpQuery<K> } = {},
  ): PageIterator<OpItem<K>> {
    return new PageIterator<OpItem<K>>(
      (cursor) =>
        this.request(operationId, 'GET', path, {
          params: init.params,
          query: { ...init.query, ...(cursor ? { cursor } : {}) } as OpQuery<K>,
        }) as Promise<unknown> as Promise<Page<OpItem<K>>>,
    );
  }
}
