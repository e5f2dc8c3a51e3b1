# Build: docker build -t handover .
# Run:   docker run --rm -e DISCORD_TOKEN handover serve
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /handover ./cmd/handover

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /handover /handover
USER nonroot:nonroot
ENTRYPOINT ["/handover"]
CMD ["serve"]
