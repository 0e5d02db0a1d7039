FROM alpine:3.20
ADD https://example.com/tool-linux-amd64 /usr/local/bin/tool
USER 10001
