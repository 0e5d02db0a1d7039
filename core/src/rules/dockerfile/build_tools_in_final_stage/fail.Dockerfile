FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o app
USER 10001
CMD ["./app"]
