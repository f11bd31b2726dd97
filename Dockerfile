# One image for every service; the command names the service: `docker run df-middleware contact-sync`
# (or ingress, call-sync, list-sync, messaging-relay, audit, replay, backfill, console, provision, and the operator
# CLIs: dlq, parked, spool, lists, migrate, replay-cli, backfill-cli, reconcile).
# Build: docker build -t df-middleware .

# --- build: every dependency, then one bundle per entry point in dist/ ---------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build
# Only the manifests: the runtime stage installs the workspaces' production dependencies from them.
RUN mkdir /manifests && cp package.json package-lock.json /manifests/ \
  && find packages services test -maxdepth 2 -name package.json -exec cp --parents {} /manifests/ \;

# --- runtime: production dependencies and the bundles, nothing else, not as root ---------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DF_MODE=production \
    INGRESS_HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=build /manifests/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY deploy/service.mjs deploy/entry-points.mjs ./deploy/
USER node
# Webhooks (ingress), the console, and each service's health and metrics port (OPS_PORT defaults 9100-9107).
EXPOSE 3000 4040 9100 9101 9102 9103 9104 9105 9106 9107
# node is PID 1 and handles SIGTERM itself: intake stops, handlers finish or are abandoned uncommitted.
ENTRYPOINT ["node", "deploy/service.mjs"]
CMD ["ingress"]
