# syntax=docker/dockerfile:1
#
# kaltura-discord: one image for every replica (docker compose, Kubernetes StatefulSet).
#   docker build -t kaltura-discord:0.1.0 .
# Three stages: `build` compiles TypeScript with the full dependency tree, `deps` installs production
# dependencies only, `runtime` holds those two results and nothing else (no compiler, no npm cache, no sources).
# Node 24 (Active LTS), pinned by digest for reproducible builds: the multi-platform index of node:24-bookworm-slim
# (Node 24.18.1) as published by the official image (docker-library/repo-info, repos/node/remote/24-bookworm-slim.md,
# 30 Jul 2026). To move to a newer 24.x, take the new index digest from `docker buildx imagetools inspect
# node:24-bookworm-slim` and update it here and in docs/deployment.md.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:235600a8101ab264e117b1768e925532262668dc9b581ef1dd7d96ced463b8e7

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Lockfile first: the dependency layer is rebuilt only when dependencies change.
COPY package.json package-lock.json ./
# No install scripts: no package needs one to build or run (docs/deployment.md), and skipping them keeps
# third-party code from running during the build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="kaltura-discord" \
      org.opencontainers.image.description="Run Kaltura meetings from Discord" \
      org.opencontainers.image.licenses="AGPL-3.0-only"
ENV NODE_ENV=production \
    PORT=3000 \
    CONFIG_DIR=/app/config
WORKDIR /app
# Code and dependencies stay owned by root: the service user can read them but never change them.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
# The only place the service writes on its own disk (per-guild overrides when STORAGE is not mongo).
RUN mkdir -p /app/config/overrides && chown 1000:1000 /app/config/overrides
# The official image's `node` user, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000
# Liveness only (no dependencies): node itself, since slim images ship neither curl nor wget. The start period
# covers the Discord gateway login, which happens before the HTTP port opens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself (drain, then close connections).
CMD ["node", "dist/main.js"]
