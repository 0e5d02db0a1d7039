FROM golang:1.22 AS builder
USER 10001
WORKDIR /src
COPY . .
RUN go build -o /tmp/app

# the USER above does not carry over: this stage starts from its own base image
FROM debian:12-slim
COPY --from=builder /tmp/app /app
CMD ["/app"]
