# Radar: build a virtualenv in one stage, run it as a non-root user in a slim second stage.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
# The wheel ships the top-level Alembic migrations inside the package (radar/migrations); the
# build fails here if the installed package cannot find them.
COPY migrations ./migrations
RUN python -m venv /opt/radar && /opt/radar/bin/pip install . \
    && /opt/radar/bin/python -c "from radar.db import migrations_directory; print(migrations_directory())"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin radar \
    && mkdir /data && chown radar:radar /data
COPY --from=build /opt/radar /opt/radar
ENV PATH=/opt/radar/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RADAR_HOST=0.0.0.0 \
    RADAR_PORT=8000 \
    RADAR_DATA_DIR=/data
# For PostgreSQL set RADAR_DATABASE_URL=postgresql+psycopg://user:password@host:5432/radar
USER radar
WORKDIR /home/radar
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"RADAR_PORT\", \"8000\")}/health', timeout=4)"
# `radar serve` upgrades the database to the newest schema, then serves.
CMD ["radar", "serve"]
