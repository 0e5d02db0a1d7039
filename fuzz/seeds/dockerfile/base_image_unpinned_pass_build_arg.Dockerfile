# the image comes from --build-arg at build time: nothing to judge here
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER 10001
