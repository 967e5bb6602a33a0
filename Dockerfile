# Session-Buddy service image: compiled JS on Node 20, no TypeScript loader at run time.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    SESSION_BUDDY_HOST=0.0.0.0 \
    SESSION_BUDDY_PORT=8678 \
    SESSION_BUDDY_DATA_DIR=/var/lib/session-buddy
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/db/migrations ./db/migrations
COPY --from=build /app/package.json ./package.json
# The keys directory: a volume mounted here starts owned by node, so the signing key made in it is too.
RUN mkdir -p /var/lib/session-buddy /var/lib/session-buddy-keys \
  && chown node:node /var/lib/session-buddy /var/lib/session-buddy-keys \
  && chmod 700 /var/lib/session-buddy-keys
USER node
EXPOSE 8678
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8678/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/cli/session-buddy.js", "serve"]
