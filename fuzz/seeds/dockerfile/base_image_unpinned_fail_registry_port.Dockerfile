FROM localhost:5000/team/base
USER 10001
