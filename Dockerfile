# bcd-bot (Trợ lý Ban Chỉ đạo) in a container. See README.md, "Running as a service".
#
#   docker build -t bcd-bot .
#   docker volume create bcd-data
#   docker run -d --name bcd-bot --restart unless-stopped --stop-timeout 45 \
#     --env-file /etc/bcd-bot.env -v bcd-data:/data bcd-bot
#
# The SQLite database lives in the /data volume (./data, the default of DATABASE_URL, points there too). Polling mode needs no published port; in webhook mode publish
# the webhook port to the reverse proxy only (e.g. -p 127.0.0.1:8080:8080).

# ── Build: every dependency (TypeScript), compile, then drop the development packages. ──────────────────
FROM node:20-bookworm-slim AS build
# better-sqlite3 is compiled when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY db ./db
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ── Run: the built program, production dependencies only, as an unprivileged user. ────────────────────
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/bcd-bot.sqlite \
    WEBHOOK_HOST=0.0.0.0 \
    WEBHOOK_PORT=8080 \
    HEALTH_PORT=8080
RUN groupadd --system --gid 10001 bcd-bot \
 && useradd --system --uid 10001 --gid bcd-bot --home-dir /app --shell /usr/sbin/nologin bcd-bot \
 && install -d -o bcd-bot -g bcd-bot -m 700 /data \
 && install -d /app && ln -s /data /app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY locales ./locales
USER bcd-bot
VOLUME ["/data"]
# /healthz: the webhook server in webhook mode; in polling mode a server of its own on HEALTH_PORT.
EXPOSE 8080
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM (docker stop) lets the bot finish its work in flight: run with --stop-timeout 45 (more than its own 30 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
