FROM debian:12-slim
RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.2.3/install.sh \
 && echo "4f0a3b9c1d2e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
RUN wget https://get.example.com/tool.tgz | cat
RUN curl -fsSL https://example.com/data.json | python3 -c "import json,sys; json.load(sys.stdin)" > /tmp/ok
USER 10001
