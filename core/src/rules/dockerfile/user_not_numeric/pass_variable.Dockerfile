FROM alpine:3.20
ARG APP_UID=10001
RUN adduser -u "$APP_UID" -D app
USER ${APP_UID}
