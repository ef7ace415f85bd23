# syntax=docker/dockerfile:1
# twdown API image (see docs/deploy.md). Two stages:
#   build   – full install (npm ci, which also runs `prisma generate`), then `npm run build`
#   runtime – production dependencies only, the compiled server, migrations and the dashboard's
#             static files; runs as the unprivileged `node` user under tini.
# Not built on the project's CI machine (no registry reachable); tests/prod/dockerfile.test.ts
# replays its steps on the host instead.
ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is cached until they change.
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/x-sim/package.json apps/x-sim/
COPY apps/dashboard/package.json apps/dashboard/
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY apps ./apps
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# ffmpeg for media conversion; tini as PID 1 (forwards SIGTERM to node, reaps zombies).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/x-sim/package.json apps/x-sim/
COPY apps/dashboard/package.json apps/dashboard/
# --ignore-scripts: the compiled Prisma client ships in dist, so nothing needs generating here
# (and Prisma's engine download hook must not run).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY --from=build /app/apps/api/dist ./apps/api/dist
COPY apps/dashboard/public ./apps/dashboard/public
# Embedded mode (no DATABASE_URL) keeps its data in /app/.data: writable by the app user only.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--no-allocation-site-pretenuring", "apps/api/dist/main.js"]
