# syntax=docker/dockerfile:1
# The media edge (RTMP ingest, ffmpeg ladder, HLS delivery). Build from the repository root:
#   docker build -f deploy/media-edge.Dockerfile -t beamline/media-edge .
# The image runs the compiled JavaScript on the current Node.js LTS; development runs the sources through tsx.

# Every workspace manifest is needed for npm ci to accept the lockfile.
FROM node:24-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY core/package.json core/
COPY chat/package.json chat/
COPY control-plane/package.json control-plane/
COPY realtime/package.json realtime/
COPY media-edge/package.json media-edge/
COPY sdks/js/package.json sdks/js/
COPY dashboard/package.json dashboard/
COPY all-in-one/package.json all-in-one/
COPY testkit/package.json testkit/

# Compiles the service to dist/main.js, with the dev dependencies, which stay in this stage.
FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:services -- media-edge

# The npm packages the compiled file imports: the runtime dependencies of the service's workspaces, nothing else.
# The workspaces themselves are inlined in dist/main.js, so their links in node_modules go.
FROM manifests AS deps
RUN npm ci --omit=dev --workspace media-edge --no-audit --no-fund && rm -rf node_modules/@beamline && npm cache clean --force

FROM node:24-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 HLS_PORT=8000 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/media-edge/dist media-edge/dist
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 1935 8000
# Ready means serving: /readyz answers 503 while the process drains for a stop.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.HLS_PORT || 8000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "media-edge/dist/main.js"]
