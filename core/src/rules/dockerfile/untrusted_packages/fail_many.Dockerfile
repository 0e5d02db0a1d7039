FROM debian:12-slim AS build
RUN echo "deb [trusted=yes] http://repo.example.com/debian stable main" > /etc/apt/sources.list.d/example.list \
 && apt-get update && apt-get install -y --no-install-recommends --allow-unauthenticated example-tool
RUN curl -fsSLk https://downloads.example.com/tool.tgz -o /tmp/tool.tgz \
 && wget --no-check-certificate https://downloads.example.com/other.tgz
FROM python:3.12-slim
RUN pip install --no-cache-dir --trusted-host pypi.example.com example-lib
RUN npm config set strict-ssl false
USER 10001
