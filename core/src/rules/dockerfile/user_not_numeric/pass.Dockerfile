FROM alpine:3.20
RUN adduser -u 1001 --disabled-password appuser
USER 1001:1001
