FROM nginx:1.27-alpine
ADD index.html /usr/share/nginx/html/
USER 101
