FROM alpine:3.20 AS base
RUN adduser -D -u 10001 app
USER 10001

# built FROM the stage above: its USER is inherited
FROM base
COPY app /app
CMD ["/app"]
