# Multi-stage build of the chainmatch API (explorer assets included).
# Build: docker build -t chainmatch .   Run: see docker-compose.yml.

FROM node:20-bookworm-slim AS web
WORKDIR /src
# The lockfile is written by npm 11; Vite 8 needs it (node:20 ships npm 10).
RUN npm install -g npm@11 --no-audit --no-fund
COPY web/package.json web/package-lock.json ./web/
RUN cd web && npm ci --no-audit --no-fund
COPY web ./web
COPY internal/httpserver/explorer ./internal/httpserver/explorer
RUN cd web && npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/internal/httpserver/explorer/dist ./internal/httpserver/explorer/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/chainmatch ./cmd/chainmatch

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chainmatch /chainmatch
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/chainmatch"]
CMD ["serve"]
