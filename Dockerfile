# council-modbot: a small image for a 1 GB VPS.
# Build:  docker build -t council-modbot .
# Run:    docker compose up -d   (see docker-compose.yml and docs/install.md)
#
# Stage 1 builds the virtual environment; stage 2 copies it onto a clean slim base, so
# pip caches, wheels and any build tools never reach the image that runs.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY migrations ./migrations
RUN python -m venv /opt/modbot \
    && /opt/modbot/bin/pip install --upgrade pip wheel \
    && /opt/modbot/bin/pip install . \
    && /opt/modbot/bin/pip uninstall --yes pip wheel

FROM python:3.11-slim-bookworm
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="council-modbot" \
      org.opencontainers.image.description="Moderation bot for the Mastodon and Bluesky accounts of UK town and parish councils" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.documentation="docs/install.md"
# Runtime libraries only (WeasyPrint's Pango and HarfBuzz for the monthly PDF, and its font).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/modbot/bin:$PATH \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    MODBOT_CONFIG=/etc/modbot/modbot.yaml MODBOT_PORT=8080 \
    MPLCONFIGDIR=/tmp/matplotlib XDG_CACHE_HOME=/tmp/cache
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/modbot --shell /usr/sbin/nologin modbot \
    && mkdir -p /var/lib/modbot /etc/modbot && chown modbot:modbot /var/lib/modbot && chmod 700 /var/lib/modbot
COPY --from=build /opt/modbot /opt/modbot
COPY config/rules.yaml /etc/modbot/rules.yaml
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER modbot
WORKDIR /var/lib/modbot
VOLUME ["/var/lib/modbot"]
EXPOSE 8080
# /healthz answers 200 when polls, scheduler and database are healthy, 503 otherwise.
HEALTHCHECK --interval=60s --timeout=10s --start-period=90s --retries=3 \
  CMD ["python", "-c", "import os,sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MODBOT_PORT','8080'), timeout=8).status == 200 else 1)"]
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["run"]
