FROM golang:1.22 AS builder
RUN go build -o /app .
FROM gcr.io/distroless/base
COPY --from=builder /app /app
USER 65532
