# syntax=docker/dockerfile:1
# One image per app under apps/, built from the repository root:
#   docker build -f infra/docker/Dockerfile.app --build-arg APP=billing-worker \
#     -t europe-west1-docker.pkg.dev/<project>/gpuaas/billing-worker:<tag> .
# The app's `build` script is `bundle-app src/index.ts` (packages/app-bundle): workspace packages,
# which are TypeScript source, are inlined into dist/index.js; third-party packages stay imports
# (google-gax and protobufjs read files beside their code and break when bundled), and
# `pnpm deploy` installs them, hoisted, into the image. packages/app-bundle tests this layout.

ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-slim AS build
ARG APP
RUN test -n "$APP" || { echo 'pass --build-arg APP=<directory under apps/>' >&2; exit 1; }
# Corepack's pnpm download is unreliable; npm installs the exact version the repo pins.
RUN npm install --global pnpm@12.4.2
WORKDIR /repo
# The lockfile alone fills the store, so this layer survives source changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile --filter "{./apps/${APP}}..." \
  && pnpm --filter "./apps/${APP}" build \
  && pnpm --filter "./apps/${APP}" deploy --prod --config.node-linker=hoisted --prefer-offline /out \
  && cp -r "apps/${APP}/dist" /out/dist \
  && test -f /out/dist/index.js

FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# The bundle is ESM; its third-party imports resolve from the deployed node_modules.
RUN echo '{"type":"module"}' > package.json
COPY --from=build --chown=node:node /out/node_modules ./node_modules
COPY --from=build --chown=node:node /out/dist ./dist
# The node image's unprivileged user (uid 1000).
USER node
# Cloud Run sets PORT; the app listens on it (packages/eventing reads PORT, default 8080).
EXPOSE 8080
CMD ["node", "--enable-source-maps", "dist/index.js"]
