# The twin in one small image. Build: docker build -t yardtwin . ; used by docker-compose.yml.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /yardtwin ./cmd/yardtwin

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /yardtwin /yardtwin
COPY --from=build /src/scenarios /scenarios
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/yardtwin"]
CMD ["serve", "--http", ":8080", "--data", "/data", "--demo", "/scenarios/tangermed/demo.yaml"]
