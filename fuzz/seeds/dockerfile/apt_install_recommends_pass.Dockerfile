FROM ubuntu:22.04
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get -o APT::Install-Recommends=false install -y curl && rm -rf /var/lib/apt/lists/*
USER 10001
