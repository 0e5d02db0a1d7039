# kubeharden ignore=dockerfile-runs-as-root reason="the entrypoint drops to uid 999 with gosu"
FROM redis:7.2-bookworm
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
