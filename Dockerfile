# KPI advisor: `docker build -t kpi-advisor . && docker run -p 3000:3000 --env-file .env kpi-advisor`
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=3000
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY rules ./rules
RUN pip install --no-cache-dir ".[postgres]" && useradd --system --uid 10001 kpi
USER kpi
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["kpi-advisor", "serve"]
