# Beseda in a container: a static binary on a small base, run as a non-root
# user, its files (the SQLite database, the secret key file, attachments)
# in the /data volume.
#
#   docker build --build-arg VERSION="$(git describe --tags --always --dirty)" --build-arg COMMIT="$(git rev-parse HEAD)" -t beseda .
#   docker run -p 8080:8080 -v beseda-data:/data beseda serve --demo
#
# The build steps live in scripts/build-release, which CI runs too
# (scripts/test), so that the image's build is proven without an engine.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The context has no .git (.dockerignore): the version and commit come as
# build arguments, for beseda --version; the build date is the build's.
ARG VERSION COMMIT BUILD_DATE
RUN VERSION="$VERSION" COMMIT="$COMMIT" BUILD_DATE="$BUILD_DATE" scripts/build-release /out

FROM alpine:3.22
# wget (busybox) is for the health check; nothing else is added.
RUN adduser -D -H -u 10001 -s /sbin/nologin beseda \
 && mkdir -p /data && chown beseda:beseda /data && chmod 0700 /data
COPY --from=build /out/beseda /usr/local/bin/beseda
USER beseda
WORKDIR /data
VOLUME /data
# Inside a container the server listens on every interface.
ENV BESEDA_ADDR=0.0.0.0:8080 \
    BESEDA_DB=sqlite:/data/beseda.db \
    BESEDA_DATA_DIR=/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["beseda"]
CMD ["serve"]
