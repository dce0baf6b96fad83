# syntax=docker/dockerfile:1
# One image per app under apps/, built from the repository root:
#   docker build -f infra/docker/Dockerfile.app --build-arg APP=billing-worker \
#     -t europe-west1-docker.pkg.dev/<project>/gpuaas/billing-worker:<tag> .
# The app's `build` script bundles it with esbuild into one self-contained dist/index.js, e.g.
#   esbuild src/index.ts --bundle --platform=node --target=node24 --format=esm --sourcemap \
#     --outfile=dist/index.js --banner:js="import{createRequire}from'node:module';const require=createRequire(import.meta.url);"
# (internal packages are TypeScript source, and Node will not strip types under node_modules).

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
RUN pnpm install --offline --frozen-lockfile --filter "./apps/${APP}..." \
  && pnpm --filter "./apps/${APP}" build \
  && test -f "apps/${APP}/dist/index.js"

FROM node:${NODE_VERSION}-slim AS runtime
ARG APP
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# The bundle is ESM; nothing else from the workspace is needed at run time.
RUN echo '{"type":"module"}' > package.json
COPY --from=build --chown=node:node /repo/apps/${APP}/dist/ ./dist/
# The node image's unprivileged user (uid 1000).
USER node
# Cloud Run sets PORT; the app listens on it (packages/eventing reads PORT, default 8080).
EXPOSE 8080
CMD ["node", "--enable-source-maps", "dist/index.js"]
