# syntax=docker/dockerfile:1
# A realtime node (Socket.IO chat and live events). Build from the repository root:
#   docker build -f deploy/realtime.Dockerfile -t beamline/realtime .

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

# Runtime dependencies only, plus tsx, which runs the TypeScript sources.
FROM manifests AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save --omit=dev --no-audit --no-fund tsx@4.23.15 && npm cache clean --force
COPY protocol protocol
COPY core core
COPY realtime realtime

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 REALTIME_PORT=8081 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app /app
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8081
# Ready means serving: /readyz answers 503 while the process drains for a stop.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.REALTIME_PORT || 8081) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "realtime/src/main.ts"]
