# The aap binary: `aap api`, `aap worker`, `aap migrate` (and `aap dev`).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go: the SQLite driver is modernc.org/sqlite, time zones are embedded.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/aap ./cmd/aap

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/aap /usr/local/bin/aap
ENV AAP_HTTP_ADDR=0.0.0.0:8080 AAP_LOG_FORMAT=json AAP_DATA_DIR=/tmp/aap
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/aap"]
CMD ["api"]
