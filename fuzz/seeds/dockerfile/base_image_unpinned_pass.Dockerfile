ARG GO_VERSION=1.22
ARG DISTROLESS=gcr.io/distroless/static-debian12:nonroot
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS builder
RUN go build -o /app .
FROM builder AS tested
RUN go test ./...
FROM localhost:5000/team/base:2.1@sha256:2222222222222222222222222222222222222222222222222222222222222222 AS base
FROM scratch AS empty
FROM ${DISTROLESS}
COPY --from=tested /app /app
USER 65532
