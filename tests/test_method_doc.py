"""The rules name where their idea comes from: a section of docs/method.md that exists."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_points_to_a_section_of_the_method():
    method = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r"\{#([a-z0-9-]+)\}", method))
    rules = sorted((ROOT / "rules").glob("*.yml"))
    assert len(rules) >= 20
    for path in rules:
        sources = yaml.safe_load(path.read_text(encoding="utf-8")).get("sources")
        assert sources, f"{path.name} names no source"
        for source in sources:
            page, _, anchor = source.partition("#")
            assert page == "docs/method.md" and anchor in anchors, f"{path.name}: {source}"
