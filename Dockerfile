# contentstats: the service in one image. `docker build -t contentstats .`, then see compose.yaml or
# docs/operations.md. The same image runs `serve` (the default), `serve --no-scheduler` (API only) and `worker`.

# --- build: compile src/ to dist/, then keep only what `npm pack` would ship and the production modules.
FROM node:22-slim AS build
# better-sqlite3 downloads a prebuilt binary for linux x64/arm64; the compilers are its fallback elsewhere.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts are skipped until the sources are here (`prepare` builds); better-sqlite3's own is run after.
RUN npm ci --ignore-scripts
COPY . .
RUN npm rebuild better-sqlite3 \
  && npm run build \
  && npm prune --omit=dev \
  && npm pack --ignore-scripts --pack-destination /tmp \
  && mkdir /app \
  && tar -xzf /tmp/contentstats-*.tgz -C /app --strip-components=1 \
  && mv node_modules /app/

# --- runtime: node, tini as PID 1 (forwards SIGTERM, reaps children), the package, a non-root user.
FROM node:22-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
# The SQLite database lives in /data (a volume); the `node` user (uid 1000) of the base image owns it.
RUN mkdir /data && chown node:node /data && chmod 0700 /data
USER node
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000 \
  DATABASE_URL=sqlite:/data/contentstats.db
VOLUME /data
EXPOSE 3000
# Slim images have no curl: Node's own fetch asks /readyz (ready once migrated and listening; workers too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "bin/contentstats.js"]
CMD ["serve"]
