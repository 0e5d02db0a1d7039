FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && curl -fsSL --proto '=https' https://downloads.example.com/tool.tgz -o /tmp/tool.tgz \
 && rm -rf /var/lib/apt/lists/*
RUN echo "strict-ssl stays on; -k is only a word here"
USER 10001
