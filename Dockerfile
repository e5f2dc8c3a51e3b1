# Build: docker build --build-arg VERSION=$(git describe --tags --always) \
#          --build-arg REVISION=$(git rev-parse HEAD) -t handover .
# Run:   docker run --rm -e DISCORD_TOKEN -p 127.0.0.1:9090:9090 handover serve
FROM golang:1.26 AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /handover ./cmd/handover

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="handover" \
      org.opencontainers.image.description="Answers questions about the NATO handover articles, on the command line and on Discord" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /handover /handover
# /healthz and /metrics on all interfaces, so the health check and a
# scraper outside the container reach them; any HANDOVER_* variable
# overrides its config key (see config.example.yaml).
ENV HANDOVER_SERVER_ADDR=0.0.0.0:9090
EXPOSE 9090
# The image has no shell or curl: the binary probes itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/handover", "healthcheck"]
USER nonroot:nonroot
ENTRYPOINT ["/handover"]
CMD ["serve"]
