"""The Docker image and compose file, read as files (no Docker engine runs in CI): non-root, data on a volume the
bot's user owns, a health check, the serve command, and PostgreSQL with the bot waiting for it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_the_image_runs_as_its_own_user_and_keeps_its_data_on_a_volume_it_owns():
    assert instructions("USER") == ["kpi"]
    assert '"/data"' in instructions("VOLUME")[0]
    run = " ".join(instructions("RUN"))
    assert "useradd" in run and "chown kpi:kpi /data" in run
    env = " ".join(instructions("ENV"))
    assert "DATABASE_URL=sqlite:////data/" in env
    assert DOCKERFILE.index("USER kpi") > DOCKERFILE.index("chown kpi:kpi /data")


def test_the_image_checks_its_health_and_serves():
    (healthcheck,) = instructions("HEALTHCHECK")
    assert "/healthz" in healthcheck and "timeout" in healthcheck
    assert instructions("CMD") == ['["kpi-advisor", "serve"]']


def test_compose_runs_the_bot_on_postgresql_once_it_is_healthy():
    db, bot = COMPOSE["services"]["db"], COMPOSE["services"]["bot"]
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert re.match(r"postgresql\+psycopg://\w+:\w+@db:5432/\w+", bot["environment"]["DATABASE_URL"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["command"] == ["kpi-advisor", "serve"] and "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert "db-data" in COMPOSE["volumes"]
