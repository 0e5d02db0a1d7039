FROM ubuntu:22.04 AS builder
# caches in a builder stage never reach the image
RUN apt-get update && apt-get install -y --no-install-recommends gcc
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements.txt
RUN python -m pip install --no-cache-dir flask
RUN --mount=type=cache,target=/root/.cache/pip pip3 install gunicorn
USER 10001
