FROM ubuntu:24.04
# installing the sudo package, or naming it, is not running it
RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*
RUN echo "sudo is not used" > /etc/motd
USER 10001
