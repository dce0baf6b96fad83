# syntax=docker/dockerfile:1
# One image per app under apps/, built from the repository root:
#   docker build -f infra/docker/Dockerfile.app --build-arg APP=billing-worker \
#     -t europe-west1-docker.pkg.dev/<project>/gpuaas/billing-worker:<tag> .
# The app's `build` script is `bundle-app src/index.ts` (packages/app-bundle): workspace packages,
# which are TypeScript source, are inlined into dist/index.js; third-party packages stay imports
# (google-gax and protobufjs read files beside their code and break when bundled), and
# `pnpm deploy` installs them, hoisted, into the image. packages/app-bundle tests this layout.

ARG NODE_VERSION=24

# Refuses a missing app before anything slow runs (else `pnpm deploy` fails last, with
# ERR_PNPM_NOTHING_TO_DEPLOY): it reads the build context through a mount and leaves a marker the
# build stage copies, whose content only changes with APP, so later layers keep their cache.
FROM node:${NODE_VERSION}-slim AS app-check
ARG APP
WORKDIR /context
RUN --mount=type=bind,target=/context \
  if [ -z "$APP" ]; then \
    echo 'pass --build-arg APP=<directory under apps/>' >&2; exit 1; \
  fi; \
  apps=$(ls apps 2>/dev/null | tr '\n' ' '); \
  case "$APP" in \
    */* | .*) echo "APP=$APP: name a directory under apps/ (apps here: ${apps:-none})" >&2; exit 1 ;; \
  esac; \
  if [ ! -f "apps/$APP/package.json" ]; then \
    echo "APP=$APP: apps/$APP/package.json does not exist (apps here: ${apps:-none})" >&2; exit 1; \
  fi
RUN echo "$APP" > /app-checked

FROM node:${NODE_VERSION}-slim AS build
ARG APP
COPY --from=app-check /app-checked /tmp/app-checked
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
