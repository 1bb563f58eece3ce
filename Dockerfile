# The twin in one small image. Build: docker build -t yardtwin . ; used by docker-compose.yml.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /yardtwin ./cmd/yardtwin && mkdir -p /data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /yardtwin /yardtwin
COPY --from=build /src/scenarios /scenarios
# /data belongs to the image's nonroot user, so that a named volume mounted there is writable.
COPY --from=build --chown=65532:65532 /data /data
EXPOSE 8080
VOLUME /data
# distroless has no shell or curl: the binary checks itself.
HEALTHCHECK --interval=5s --timeout=3s --retries=12 CMD ["/yardtwin", "health", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/yardtwin"]
# On its own the image runs the embedded twin with the demo; docker-compose.yml runs it distributed.
CMD ["serve", "--http", ":8080", "--data", "/data", "--demo", "/scenarios/tangermed/demo.yaml"]
