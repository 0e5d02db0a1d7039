FROM alpine:3.20
ARG GITHUB_TOKEN
ENV DB_PASSWORD_FILE=/run/secrets/db-password \
    TOKEN_URL=https://auth.example.com/token \
    SECRET_KEY=${SECRET_KEY} \
    USE_SECRETS=true \
    GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
USER 10001
