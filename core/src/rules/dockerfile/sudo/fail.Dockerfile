FROM ubuntu:24.04 AS build
RUN useradd -m builder
USER builder
RUN cd /src && sudo make install
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo
USER 10001
RUN env DEBIAN_FRONTEND=noninteractive sudo apt-get install -y --no-install-recommends curl
