// docker-compose.yml, the Dockerfiles, the proxy config and .env.example checked against the code:
// every referenced file exists, every variable is one a service reads, every port is one it listens on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { controlPlaneEnv } from '@beamline/control-plane';
import { mediaEdgeEnv } from '@beamline/media-edge';
import { realtimeEnv } from '@beamline/realtime';
import { SERVICES, type Service } from '../../../scripts/build/services';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

/** What each built service is, in the code: its env schema, the variable holding its HTTP port, its workspace. */
const APP = {
  'control-plane': { env: controlPlaneEnv, portVar: 'PORT', workspace: 'control-plane' },
  'realtime-1': { env: realtimeEnv, portVar: 'REALTIME_PORT', workspace: 'realtime' },
  'realtime-2': { env: realtimeEnv, portVar: 'REALTIME_PORT', workspace: 'realtime' },
  'media-edge': { env: mediaEdgeEnv, portVar: 'HLS_PORT', workspace: 'media-edge' },
} as const;

/** The HTTP port a service listens on in compose: its environment's value, else the schema default. */
function httpPort(name: keyof typeof APP): number {
  const app = APP[name];
  const given = services[name]!.environment?.[app.portVar];
  return Number(given ?? (app.env as Record<string, { parse(v: unknown): unknown }>)[app.portVar]!.parse(undefined));
}

const envExample = read('.env.example');
const documented = new Set([...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
const schemaKeys = new Set([controlPlaneEnv, realtimeEnv, mediaEdgeEnv].flatMap((s) => Object.keys(s)));

describe('docker-compose.yml', () => {
  it('has the cluster: MongoDB replica set with an init step, Redis, control plane, two realtime nodes, edge, proxy', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['control-plane', 'media-edge', 'mongo', 'mongo-init', 'proxy', 'realtime-1', 'realtime-2', 'redis'].sort(),
    );
    expect(services.mongo!.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(services['mongo-init']!.depends_on?.mongo?.condition).toBe('service_healthy');
    expect(services['mongo-init']!.command!.join(' ')).toContain('/mongo-init.js');
    expect(read('deploy/mongo-init.js')).toContain("_id: 'rs0'");
    for (const name of Object.keys(APP)) {
      const env = services[name]!.environment ?? {};
      if (name !== 'media-edge') {
        expect(env.MONGODB_URL, name).toMatch(/^mongodb:\/\/mongo:27017\/\w+\?replicaSet=rs0$/);
        expect(env.REDIS_URL, name).toBe('redis://redis:6379');
        expect(services[name]!.depends_on?.['mongo-init']?.condition).toBe('service_completed_successfully');
      }
    }
  });

  it('gives each service only variables its config schema reads, with values the schema accepts', () => {
    for (const [name, app] of Object.entries(APP)) {
      const env = services[name]!.environment ?? {};
      const shape = app.env as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      for (const [key, value] of Object.entries(env)) {
        expect(Object.keys(shape), `${name} sets ${key}, which its config does not read`).toContain(key);
        if (typeof value === 'string' && value.includes('${')) continue; // filled from .env
        expect(shape[key]!.safeParse(String(value)).success, `${name}: ${key}=${value}`).toBe(true);
      }
      // the secrets a cluster process requires are all passed
      for (const [key, schema] of Object.entries(shape))
        if (!schema.safeParse(undefined).success) expect(Object.keys(env), `${name} lacks ${key}`).toContain(key);
    }
  });

  it('documents every ${VAR} it reads from .env in .env.example', () => {
    const text = read('docker-compose.yml');
    const used = [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const v of used) expect(documented, `${v} is not in .env.example`).toContain(v);
  });

  it('exposes the ports the services listen on and wires URLs to real services and ports', () => {
    for (const name of Object.keys(APP) as (keyof typeof APP)[])
      expect(services[name]!.expose, name).toContain(String(httpPort(name)));
    const edgeEnv = services['media-edge']!.environment!;
    expect(services['media-edge']!.ports).toContain(`${edgeEnv.RTMP_PORT}:${edgeEnv.RTMP_PORT}`);
    expect(edgeEnv.CONTROL_PLANE_URL).toBe(`http://control-plane:${httpPort('control-plane')}`);
    expect(edgeEnv.EDGE_URL).toBe(`http://media-edge:${httpPort('media-edge')}`);
    const probes = String(services['control-plane']!.environment!.STATUS_COMPONENTS).split(',');
    expect(probes.length).toBe(3);
    for (const probe of probes) {
      const url = new URL(probe.split('=')[1]!);
      expect(Object.keys(APP), probe).toContain(url.hostname);
      expect(Number(url.port)).toBe(httpPort(url.hostname as keyof typeof APP));
      expect(url.pathname).toBe('/readyz');
    }
  });

  it('refers only to files, services and volumes that exist', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const dep of Object.keys(svc.depends_on ?? {}))
        expect(Object.keys(services), `${name} → ${dep}`).toContain(dep);
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: volume ${source}`).toContain(source);
      }
      if (svc.build) {
        expect(svc.build.context).toBe('.');
        expect(existsSync(join(root, svc.build.dockerfile)), svc.build.dockerfile).toBe(true);
      } else expect(svc.image, name).toMatch(/^[a-z0-9./-]+:[\w.-]+$/); // pinned, never :latest
    }
  });
});

/** Every image: the compose services' and the all-in-one one (every service in a process, no MongoDB or Redis). */
const IMAGES = [
  ...new Map(
    Object.entries(APP).map(([name, app]) => [
      services[name]!.build!.dockerfile,
      { workspace: app.workspace as Service, portVar: app.portVar, port: httpPort(name as keyof typeof APP) },
    ]),
  ),
  ['deploy/all-in-one.Dockerfile', { workspace: 'all-in-one' as Service, portVar: 'PORT', port: 8080 }] as const,
];
/** The images that run the media edge carry ffmpeg; those that run the control plane serve the built dashboard. */
const RUNS_EDGE: Service[] = ['media-edge', 'all-in-one'];
const SERVES_DASHBOARD: Service[] = ['control-plane', 'all-in-one'];
const WORKSPACES = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;

interface Stage {
  from: string;
  name?: string;
  body: string;
}
/** A Dockerfile's stages: base image or stage it starts from, its name, its instructions (comments dropped). */
function stagesOf(text: string): Stage[] {
  const lines = text.split('\n').filter((l) => !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM (\S+)(?: AS (\S+))?$/.exec(line);
    if (from) stages.push({ from: from[1]!, ...(from[2] ? { name: from[2] } : {}), body: '' });
    else if (stages.length) stages.at(-1)!.body += `${line}\n`;
  }
  return stages;
}

describe('Dockerfiles', () => {
  for (const [dockerfile, image] of IMAGES) {
    const { workspace } = image;
    it(`${dockerfile}: multi-stage, non-root, health-checked, copying files that exist`, () => {
      const text = read(dockerfile);
      const lines = text.split('\n').filter((l) => !l.startsWith('#'));
      const stages = lines.filter((l) => l.startsWith('FROM '));
      expect(stages.length).toBeGreaterThanOrEqual(2);
      const runtime = text.slice(text.lastIndexOf('\nFROM '));
      expect(runtime).toMatch(/^USER node$/m);
      expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD .*\/readyz/m);
      expect(runtime).toContain(`process.env.${image.portVar} || ${image.port}`);
      // every port the image's environment sets is exposed
      const ports = [...(/^ENV (.*)$/m.exec(runtime)?.[1] ?? '').matchAll(/\b\w*PORT=(\d+)/g)].map((m) => m[1]!);
      expect(ports).toContain(String(image.port));
      for (const port of ports) expect(runtime).toMatch(new RegExp(`^EXPOSE .*\\b${port}\\b`, 'm'));
      for (const line of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
        const sources = line.split(/\s+/).slice(1, -1);
        for (const source of sources) expect(existsSync(join(root, source)), `${dockerfile}: ${source}`).toBe(true);
      }
      if (RUNS_EDGE.includes(workspace)) expect(runtime).toMatch(/apt-get install[^\n]*\\?\n?.*ffmpeg/);
    });

    it(`${dockerfile}: compiles in a build stage and runs node ${workspace}/dist/main.js on Node 24 with production dependencies`, () => {
      const stages = stagesOf(read(dockerfile));
      const names = stages.flatMap((s) => (s.name ? [s.name] : []));
      // every stage starts from the current LTS's slim image or from an earlier stage
      for (const { from } of stages) expect([...names, 'node:24-bookworm-slim'], from).toContain(from);
      expect(stages[0]!.from).toBe('node:24-bookworm-slim');
      const runtime = stages.at(-1)!;
      expect(runtime.from).toBe('node:24-bookworm-slim');

      // npm ci needs every workspace's manifest beside the lockfile: a new workspace must be added here
      const manifests = stages.find((s) => s.body.includes('COPY package.json package-lock.json'));
      expect(manifests, 'a stage copies the manifests').toBeDefined();
      for (const w of WORKSPACES)
        expect(manifests!.body, `${w}/package.json`).toContain(`COPY ${w}/package.json ${w}/\n`);

      // the build stage installs the dev dependencies and compiles the service (and builds the dashboard)
      const build = stages.find((s) => s.body.includes(`npm run build:services -- ${workspace}\n`));
      expect(build, 'a stage runs npm run build:services').toBeDefined();
      expect(build!.name).toBeDefined();
      expect(build!.body).toMatch(/^RUN npm ci (?!.*--omit)/m);
      expect(existsSync(join(root, SERVICES[workspace])), SERVICES[workspace]).toBe(true);
      const builtFrom = (path: string) => new RegExp(`^COPY --from=${build!.name} /app/${path} ${path}$`, 'm');
      expect(runtime.body).toMatch(builtFrom(`${workspace}/dist`));
      if (SERVES_DASHBOARD.includes(workspace)) {
        expect(build!.body).toContain('npm run build --workspace dashboard');
        expect(runtime.body).toMatch(builtFrom('dashboard/dist'));
      }

      // node_modules comes from a production install of the service's workspaces only
      const deps = stages.find((s) => s.body.includes(`npm ci --omit=dev --workspace ${workspace} `));
      expect(deps, 'a stage installs production dependencies').toBeDefined();
      expect(runtime.body).toMatch(new RegExp(`^COPY --from=${deps!.name} /app/node_modules node_modules$`, 'm'));

      // nothing else reaches the runtime: no sources, no tsx
      const copies = runtime.body.split('\n').filter((l) => l.startsWith('COPY '));
      expect(copies.length).toBe(SERVES_DASHBOARD.includes(workspace) ? 3 : 2);
      expect(`${deps!.body}${runtime.body}`).not.toContain('tsx');
      const cmd = /^CMD (\[.*\])$/m.exec(runtime.body)?.[1];
      expect(cmd).toBeDefined();
      expect(JSON.parse(cmd!)).toEqual(['node', `${workspace}/dist/main.js`]);
    });
  }

  it('.dockerignore keeps local node_modules and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', 'data', '.env']));
  });
});

describe('deploy/nginx.conf', () => {
  const conf = read('deploy/nginx.conf');
  const upstreams = Object.fromEntries(
    [...conf.matchAll(/upstream (\w+) \{([^}]*)\}/g)].map((m) => [m[1]!, m[2]!] as const),
  );

  it('routes to compose services on the ports they listen on', () => {
    const servers = Object.values(upstreams).flatMap((body) =>
      [...body.matchAll(/server ([\w-]+):(\d+);/g)].map((m) => [m[1]!, Number(m[2])] as const),
    );
    expect(servers.length).toBe(4);
    for (const [host, port] of servers) {
      expect(Object.keys(APP), host).toContain(host);
      expect(port).toBe(httpPort(host as keyof typeof APP));
    }
  });

  it('is a configuration nginx accepts (nginx -t, service names pointed at loopback)', () => {
    const nginx = spawnSync('nginx', ['-v']);
    if (nginx.error) {
      console.warn('nginx -t leg skipped: no nginx binary on this machine (install nginx or nginx-light to run it)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'beamline-nginx-'));
    try {
      const hosts = Object.keys(APP).join('|');
      writeFileSync(join(dir, 'nginx.conf'), conf.replace(new RegExp(`server (${hosts}):`, 'g'), 'server 127.0.0.1:'));
      const check = spawnSync(
        'nginx',
        ['-t', '-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `pid ${dir}/nginx.pid;`],
        {
          encoding: 'utf8',
        },
      );
      expect(check.status, check.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps Socket.IO clients on one realtime node and upgrades websockets', () => {
    const realtime = upstreams.realtime!;
    expect(realtime).toMatch(/\bip_hash;|\bhash \$/);
    expect(realtime).toContain('realtime-1:');
    expect(realtime).toContain('realtime-2:');
    const socket = /location \/socket\.io\/ \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(socket).toContain('proxy_pass http://realtime;');
    expect(socket).toContain('proxy_set_header Upgrade $http_upgrade;');
  });

  it('sends HLS and recordings to the edge, the rest to the control plane, and hides internal routes', () => {
    expect(/location \/hls\/ \{[^}]*proxy_pass http:\/\/media_edge;/.test(conf)).toBe(true);
    expect(/location \/vod\/ \{[^}]*proxy_pass http:\/\/media_edge;/.test(conf)).toBe(true);
    expect(/location \/ \{[^}]*proxy_pass http:\/\/control_plane;/.test(conf)).toBe(true);
    expect(/location \/internal\/ \{\s*return 404;/.test(conf)).toBe(true);
    expect(/location = \/metrics \{\s*return 404;/.test(conf)).toBe(true);
  });
});

describe('.env.example', () => {
  it('documents every variable a service config reads', () => {
    for (const key of schemaKeys) expect(documented, `${key} is missing from .env.example`).toContain(key);
  });

  it('lists only variables something reads', () => {
    const sources = ['all-in-one/src/main.ts', 'all-in-one/src/config.ts', 'scripts/cluster.ts', 'docker-compose.yml']
      .filter((p) => existsSync(join(root, p)))
      .map(read)
      .join('\n');
    for (const key of documented) {
      const read = schemaKeys.has(key) || new RegExp(`(\\.${key}\\b|\\$\\{${key}\\b|'${key}')`).test(sources);
      expect(read, `${key} is documented but nothing reads it`).toBe(true);
    }
  });
});
