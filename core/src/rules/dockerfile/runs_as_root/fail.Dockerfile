# The bad Ubuntu image of the checklist: single stage, no USER.
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
COPY . /app
CMD ["python3", "/app/main.py"]
