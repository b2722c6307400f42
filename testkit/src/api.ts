// A small JSON client for the REST API (over real HTTP or a Hono app's request()), and the one way tests get a
// fresh developer with an app of their own.

export type Auth = { bearer: string } | { basic: [string, string] } | null;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Fetcher = (path: string, init: RequestInit) => Response | Promise<Response>;

export class ApiClient {
  constructor(private readonly fetcher: Fetcher) {}

  /** A client of the API served at `base` (e.g. `http://127.0.0.1:8080`). */
  static at(base: string): ApiClient {
    return new ApiClient((path, init) => fetch(base + path, init));
  }

  async call<T = any>(
    method: string,
    path: string,
    opts: { auth?: Auth; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth && 'bearer' in opts.auth) headers.authorization = `Bearer ${opts.auth.bearer}`;
    if (opts.auth && 'basic' in opts.auth)
      headers.authorization = `Basic ${Buffer.from(opts.auth.basic.join(':')).toString('base64')}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await this.fetcher(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Registers a developer and returns the session. */
  async register(
    email = `dev-${Math.random().toString(36).slice(2)}@example.com`,
    password = 'correct horse battery',
    name?: string,
  ) {
    const res = await this.call('POST', '/v1/auth/register', { body: { email, password, ...(name ? { name } : {}) } });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      email,
      password,
      userId: res.body.user.id as string,
      token: res.body.accessToken as string,
      refreshToken: res.body.refreshToken as string,
    };
  }

  async createApp(token: string, name = 'App') {
    const res = await this.call('POST', '/v1/apps', { auth: { bearer: token }, body: { name } });
    if (res.status !== 201) throw new Error(`createApp failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      appId: res.body.app.id as string,
      key: res.body.apiKey.key as string,
      secret: res.body.apiKey.secret as string,
      keyId: res.body.apiKey.id as string,
    };
  }

  /** Invites `email` with `role` and accepts as that user; returns the member id. */
  async addMember(ownerToken: string, appId: string, member: { token: string; email: string }, role: string) {
    const inv = await this.call('POST', `/v1/apps/${appId}/members/invitations`, {
      auth: { bearer: ownerToken },
      body: { email: member.email, role },
    });
    if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
    const acc = await this.call('POST', '/v1/invitations/accept', {
      auth: { bearer: member.token },
      body: { token: inv.body.token },
    });
    if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
    return acc.body.member.id as string;
  }
}

/** A developer account with one app and its first API key. */
export interface DeveloperApp {
  email: string;
  password: string;
  userId: string;
  /** The developer's access token (bearer). */
  token: string;
  refreshToken: string;
  appId: string;
  /** The app's first API key and its secret. */
  key: string;
  secret: string;
  keyId: string;
  /** Calls `/v1/apps/{appId}{path}` with the API key (Basic). */
  call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
}

/** Registers a fresh developer (a random email unless given) and creates an app: the one helper every test uses. */
export async function newDeveloperApp(
  api: ApiClient | string | { base: string },
  opts: { email?: string; password?: string; name?: string; appName?: string } = {},
): Promise<DeveloperApp> {
  const client = api instanceof ApiClient ? api : ApiClient.at(typeof api === 'string' ? api : api.base);
  const dev = await client.register(
    opts.email ?? `dev-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
    opts.password,
    opts.name,
  );
  const app = await client.createApp(dev.token, opts.appName);
  const basic: Auth = { basic: [app.key, app.secret] };
  return {
    ...dev,
    ...app,
    call: (method, path, body) =>
      client.call(method, `/v1/apps/${app.appId}${path}`, { auth: basic, ...(body === undefined ? {} : { body }) }),
  };
}
