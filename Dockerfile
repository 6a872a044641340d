# CodeTuneStudio for a Hugging Face Space (Docker SDK, app_port 7860) or any container host.
# Two stages: the first installs everything and builds; the second carries only the built app,
# production dependencies and the migrations, and runs as a non-root user (uid 1000, as Spaces ask).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
# The prisma-client generator needs no schema engine: any existing file stands in for the binary.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate \
 && npx svelte-kit sync \
 && npx vite build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=7860 \
    HOST=0.0.0.0 \
    DATA_DIR=/home/node/data
# No forwarded address is trusted by default: run without a proxy, the client address is the
# socket's and plain-HTTP forms work; behind a TLS proxy (a Hugging Face Space) X-Forwarded-Proto
# still makes pages https (server.js). With the container reachable only through a proxy that sets
# X-Forwarded-For/-Host, set TRUST_PROXY=1 so that rate limits count the client's address.
WORKDIR /home/node/app
COPY --from=build --chown=node:node /app/package.json /app/server.js ./
COPY --from=build --chown=node:node /app/build ./build
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/prisma ./prisma
# The embedded stand-in model (models/codetune-tiny-code), for a model with no endpoint; not its training scripts.
COPY --from=build --chown=node:node /app/models/codetune-tiny-code ./models/codetune-tiny-code
# HumanEval (MIT, its licence beside it), so that evaluations work with nothing configured.
COPY --from=build --chown=node:node /app/datasets ./datasets
RUN mkdir -p /home/node/data && chown node:node /home/node/data
USER node
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
