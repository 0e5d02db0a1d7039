# Build stage
FROM golang:1.22 AS builder
WORKDIR /app
COPY . .
RUN go build -o app

# Runtime stage
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=builder /app/app /
USER nonroot:nonroot
CMD ["/app"]
