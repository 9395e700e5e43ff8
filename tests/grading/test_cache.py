"""The compiled rule set cached between runs: the same verdicts, rebuilt when anything it depends on changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.grading import cache, grade_goal
from bot.grading.ruleset import builtin_rules_dir, load_ruleset

GOALS = ["Reduce customer churn from 8% to 5% by the end of Q2 2027", "Få 100k views på TikTok i december", "hmm"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.CACHE_OFF_ENV, raising=False)
    return tmp_path / "cache"


def build(dirs: list[Path]):
    return load_ruleset(dirs[1:])


def test_a_cached_rule_set_grades_like_a_fresh_one(cache_dir):
    first = cache.load_or_build([builtin_rules_dir()], build)
    files = list(cache_dir.glob("rules-*.pickle"))
    assert len(files) == 1
    again = cache.load_or_build([builtin_rules_dir()], build)
    assert again is not first
    for goal in GOALS:
        assert grade_goal(goal, rules=again).to_dict() == grade_goal(goal, rules=first).to_dict()


def test_a_changed_lexicon_gets_a_new_cache_file(cache_dir, tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), copy)
    cache.load_or_build([copy], lambda dirs: load_ruleset())
    metrics = copy / "lexicons" / "metrics.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.digest([copy]) not in {p.stem.removeprefix("rules-") for p in cache_dir.glob("rules-*.pickle")}
    cache.load_or_build([copy], lambda dirs: load_ruleset())
    assert len(list(cache_dir.glob("rules-*.pickle"))) == 1  # the old one is gone


def test_a_damaged_cache_file_is_rebuilt(cache_dir):
    cache.load_or_build([builtin_rules_dir()], build)
    (path,) = cache_dir.glob("rules-*.pickle")
    path.write_bytes(b"not a pickle")
    rules = cache.load_or_build([builtin_rules_dir()], build)
    assert grade_goal(GOALS[0], rules=rules).metric == "churn"


def test_the_cache_can_be_switched_off(cache_dir, monkeypatch):
    monkeypatch.setenv(cache.CACHE_OFF_ENV, "1")
    cache.load_or_build([builtin_rules_dir()], build)
    assert not cache_dir.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to hand the file to another user")
def test_a_cache_file_someone_else_wrote_is_not_loaded(cache_dir):
    cache.load_or_build([builtin_rules_dir()], build)
    (path,) = cache_dir.glob("rules-*.pickle")
    os.chown(path, 12345, 12345)
    calls = []
    cache.load_or_build([builtin_rules_dir()], lambda dirs: calls.append(1) or build(dirs))
    assert calls == [1]
