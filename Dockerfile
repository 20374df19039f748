# dmzmap as a container image: a static binary on an empty base, run as
# an unprivileged user, the database in the volume /data.
#
#   podman build --format docker -t dmzmap .     (or docker build -t dmzmap .)
#   podman run -p 8080:8080 -v dmzmap-data:/data dmzmap
#
# GO_IMAGE is the toolchain image of the build stage; the tests set it to
# an image of the machine's own Go, since they reach no image registry.
ARG GO_IMAGE=docker.io/library/golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/dmzmap ./cmd/dmzmap && \
    mkdir -p /out/data

FROM scratch
COPY --from=build /out/dmzmap /dmzmap
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV DMZMAP_ADDR=:8080 DMZMAP_DB=/data/dmzmap.db DMZMAP_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/dmzmap", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/dmzmap"]
CMD ["serve"]
