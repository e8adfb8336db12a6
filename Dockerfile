# syntax=docker/dockerfile:1
# The gateway (and, with another command, the standalone simulator): production dependencies only,
# running as the non-root `node` user, which can read the application but not change it: the files
# under /app belong to root and are not writable by group or others (a compromised process cannot
# rewrite dist/ or node_modules/ for the next start, even without a read-only root filesystem).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# Only what is group- or world-writable is changed (usually nothing), so no layer copies every file.
RUN find /app ! -type l -perm /022 -exec chmod go-w {} + \
    && chown root:root /app && chmod 755 /app
USER node
EXPOSE 3000
# Node handles SIGTERM itself (it drains in-flight requests, then exits 0), so no init process is needed.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The Node flags the gateway is measured with (src/runtime-flags.ts, docs/performance.md): a small
# young generation and a tighter old-generation growth keep RSS under 200 MB on Node 24.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "dist/main"]
