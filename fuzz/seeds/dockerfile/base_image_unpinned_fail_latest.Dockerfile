FROM node:latest
USER 1000
