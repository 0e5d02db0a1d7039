# syntax=docker/dockerfile:1
FROM debian:trixie-slim
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends ca-certificates
apt-get dist-clean
EOF
USER 10001
