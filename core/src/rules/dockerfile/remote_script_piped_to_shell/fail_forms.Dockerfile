FROM debian:12-slim
RUN wget -qO- https://get.example.com/install.sh | sudo -E bash -
RUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"
RUN curl -sSL https://install.example.com/get-pip.py | python3 - --user && echo done
USER 10001
