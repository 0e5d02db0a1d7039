FROM alpine:3.20
RUN apk add --no-cache curl ca-certificates
RUN set -eux; apk add --no-cache --virtual .build-deps gcc; apk add --no-network --virtual .rundeps libc; apk del --no-network .build-deps
USER 10001
