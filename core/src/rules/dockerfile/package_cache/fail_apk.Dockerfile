FROM alpine:3.20
RUN apk update && apk add curl
USER 10001
