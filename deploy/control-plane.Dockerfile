# syntax=docker/dockerfile:1
# The control plane (REST API, dashboard, webhooks, status page). Build from the repository root:
#   docker build -f deploy/control-plane.Dockerfile -t beamline/control-plane .

# Every workspace manifest is needed for npm ci to accept the lockfile.
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY protocol/package.json protocol/
COPY core/package.json core/
COPY control-plane/package.json control-plane/
COPY realtime/package.json realtime/
COPY media-edge/package.json media-edge/
COPY sdks/js/package.json sdks/js/
COPY dashboard/package.json dashboard/
COPY all-in-one/package.json all-in-one/

# The dashboard is built with the dev dependencies, which stay in this stage.
FROM manifests AS dashboard
RUN npm ci --no-audit --no-fund
COPY protocol protocol
COPY sdks/js sdks/js
COPY dashboard dashboard
RUN npm run build --workspace dashboard

# Runtime dependencies only, plus tsx, which runs the TypeScript sources.
FROM manifests AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save --omit=dev --no-audit --no-fund tsx@4.23.15 && npm cache clean --force
COPY protocol protocol
COPY core core
COPY realtime realtime
COPY control-plane control-plane

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app /app
COPY --from=dashboard /app/dashboard/dist dashboard/dist
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8080
# Ready means serving: /readyz answers 503 while the process drains for a stop.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "control-plane/src/main.ts"]
