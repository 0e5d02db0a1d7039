FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip
COPY . /app
RUN pip install -r /app/requirements.txt
USER 10001
