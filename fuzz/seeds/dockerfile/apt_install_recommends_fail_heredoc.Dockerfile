# syntax=docker/dockerfile:1
FROM debian:12-slim
RUN <<-SCRIPT
	apt-get update
	apt-get install -y curl
	rm -rf /var/lib/apt/lists/*
	SCRIPT
USER 10001
