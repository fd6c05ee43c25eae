# A gamestate node from the distributable: build it first with ./gamestate dist (target/gamestate-VERSION.tar.gz,
# with its own Java runtime), then: docker build --build-arg VERSION=0.1.0-SNAPSHOT -t gamestate .
# Configure with GAMESTATE_<KEY> environment variables (deploy/compose.yaml shows a cluster).
FROM debian:bookworm-slim

ARG VERSION=0.1.0-SNAPSHOT

# The runtime in the tarball is linked against glibc; bash runs bin/gamestate. Nothing else is needed.
RUN groupadd --system --gid 10001 gamestate \
    && useradd --system --uid 10001 --gid gamestate --home-dir /opt/gamestate --shell /usr/sbin/nologin gamestate

# ADD unpacks a local tar.gz: /opt/gamestate-VERSION, owned by root and read-only to the server.
ADD target/gamestate-${VERSION}.tar.gz /opt/
RUN ln -s /opt/gamestate-${VERSION} /opt/gamestate

USER gamestate:gamestate
WORKDIR /opt/gamestate
ENV GAMESTATE_SERVER_PORT=8080
EXPOSE 8080

# Ready: etcd answers reads and would accept a write, and the node is not draining (docs/operations.md).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/opt/gamestate/bin/gamestate", "ready"]

# bin/gamestate execs the JVM: it is PID 1 and gets docker stop's SIGTERM, which drains the node.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/gamestate/bin/gamestate"]
