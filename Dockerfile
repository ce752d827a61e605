# syntax=docker/dockerfile:1

# Build stage: installs every dependency, dev tools included, and compiles src/ to dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app

# Copying the manifests alone first lets Docker reuse the installed node_modules layer
# until package.json or package-lock.json changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies from the lockfile and the compiled output, nothing else.
FROM node:22-bookworm-slim AS runtime
# The drain and grace periods add up to 9 s, inside the 10 s that `docker stop` waits before it
# kills the container.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 SHUTDOWN_DRAIN_MS=1000 SHUTDOWN_GRACE_MS=8000
WORKDIR /app

# No production dependency in package-lock.json has an install script, so none runs here.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY --from=build /app/dist ./dist

# The official image provides the unprivileged `node` user (uid 1000). The files above stay
# owned by root, so the process cannot modify its own code.
USER node
EXPOSE 4000

# Slim images have no curl, so Node's built-in fetch performs the check. It follows PORT when
# the deployment overrides it.
# NOTE: the check calls 127.0.0.1, so it fails when HOST is set to a single address that
# excludes loopback, such as the pod IP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((response) => process.exit(response.status === 200 ? 0 : 1), () => process.exit(1))"]

# Node runs as PID 1 without npm in between, so SIGTERM from `docker stop` reaches the gateway,
# which drains, lets in-flight requests finish and exits.
# NOTE: give the container a longer stop timeout when SHUTDOWN_DRAIN_MS or SHUTDOWN_GRACE_MS is
# raised, or `docker stop` kills it after 10 s.
CMD ["node", "dist/main.js"]
