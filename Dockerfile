# Guestlist: a multi-stage build on Node 24 LTS (the release package.json pins). The image runs the
# compiled JavaScript as a non-root user; secrets come from mounted files (*_FILE options), never
# from the image.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are skipped: the `node` devDependency only pins Node 24 on machines whose system
# Node is older (the image is Node 24 already), and argon2 ships its binary in a platform package.
# npm install, not npm ci: the lock names only the optional binaries of the platform it was made on.
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc is called with the image's node, not through npm scripts (which would prefer node_modules/.bin/node).
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY package.json ./
COPY interactions ./interactions
COPY templates ./templates
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM reaches node directly (exec form): /readyz turns 503, in-flight requests drain.
CMD ["node", "--disable-warning=ExperimentalWarning", "dist/main.js"]
