# KPI advisor. SQLite on a volume:   docker build -t kpi-advisor . && docker run -p 3000:3000 --env-file .env \
#                                      -v kpi-data:/data kpi-advisor
# With PostgreSQL: docker compose up (compose.yaml).
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PORT=3000 \
    DATABASE_URL=sqlite:////data/kpi-advisor.db \
    KPI_ADVISOR_CACHE_DIR=/tmp/kpi-advisor
WORKDIR /app
COPY pyproject.toml README.md manifest.yml ./
COPY bot ./bot
COPY rules ./rules
# The code stays root-owned and read-only for the bot; its data lives on /data, owned by the bot's own user.
RUN pip install --no-cache-dir ".[postgres]" \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin kpi \
    && mkdir -p /data && chown kpi:kpi /data
VOLUME ["/data"]
USER kpi
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"
CMD ["kpi-advisor", "serve"]
