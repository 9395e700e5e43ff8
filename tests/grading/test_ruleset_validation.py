"""Malformed rule files stop loading with the file, the line and the problem."""

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.grading import RuleFileError, grade_goal, load_ruleset
from bot.grading.ruleset import builtin_rules_dir

GOOD_RULE = textwrap.dedent("""\
    severity: warning
    title: {en: Title, sv: Titel, nb: Tittel}
    when:
      metric: {tags: [reach]}
    message: {en: Message, sv: Meddelande, nb: Melding}
    suggestion: {en: Do this, sv: Gör så, nb: Gjør slik}
    rationale: {en: Because, sv: Därför, nb: Derfor}
    examples:
      en: {fire: ["Reach 10,000 people in May"], pass: ["Get 40 bookings in May"]}
      sv: {fire: ["Nå 10 000 personer i maj"], pass: ["Få 40 bokningar i maj"]}
      nb: {fire: ["Nå 10 000 personer i mai"], pass: ["Få 40 bookinger i mai"]}
""")


def write_rule(tmp_path: Path, text: str, name: str = "team-rule.yml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def error_for(tmp_path: Path, text: str, name: str = "team-rule.yml") -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_ruleset([write_rule(tmp_path, text, name)])
    return info.value


def test_a_good_team_rule_loads_and_fires(tmp_path):
    rules = load_ruleset([write_rule(tmp_path, GOOD_RULE)])
    assert "team-rule" in grade_goal("Reach 10,000 people in May", rules=rules).rules
    assert "team-rule" not in grade_goal("Get 40 bookings in May", rules=rules).rules


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("severity: warning", "severity: loud", 1, "severity must be one of"),
        ("  metric: {tags: [reach]}", "  metric: {tags: [nonsense]}", 4, "tag 'nonsense'"),
        ("  metric: {tags: [reach]}", "  check: no-such-check", 4, "unknown check"),
        ("  metric: {tags: [reach]}", "  terms: {en: ['(unclosed'], sv: [a], nb: [b]}", 4, "bad phrase: unclosed"),
        (
            "message: {en: Message, sv: Meddelande, nb: Melding}",
            "message: {en: Message, sv: Meddelande}",
            5,
            "missing or empty 'nb'",
        ),
        ("message: {en: Message,", "message: {en: 'Hi {name}',", 5, "unknown placeholder"),
        ('  nb: {fire: ["Nå 10 000 personer i mai"], pass: ["Få 40 bookinger i mai"]}', "", 8, "no examples in 'nb'"),
        (
            '  en: {fire: ["Reach 10,000 people in May"], pass: ["Get 40 bookings in May"]}',
            '  en: {fire: ["Reach 10,000 people in May"], pass: []}',
            9,
            "needs at least one 'pass' example",
        ),
        ("severity: warning", "severity: warning\nsevrity: info", 2, "unknown field"),
    ],
)
def test_malformed_rule_names_file_and_line(tmp_path, old, new, line, words):
    assert old in GOOD_RULE
    err = error_for(tmp_path, GOOD_RULE.replace(old, new))
    assert err.path.endswith("team-rule.yml")
    assert err.line == line, str(err)
    assert words in str(err)
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_yaml_syntax_error_has_line(tmp_path):
    err = error_for(tmp_path, GOOD_RULE.replace("when:\n", "when: [\n"))
    assert err.line is not None and err.line >= 3
    assert "YAML syntax" in str(err)


def test_id_must_match_file_name(tmp_path):
    err = error_for(tmp_path, "id: other-name\n" + GOOD_RULE)
    assert err.line == 1 and "differs from the file name" in str(err)


def test_bad_file_name_is_refused(tmp_path):
    err = error_for(tmp_path, GOOD_RULE, name="Bad_Name.yml")
    assert "not a valid rule id" in str(err)


def test_missing_directory(tmp_path):
    with pytest.raises(RuleFileError, match="no such rules directory"):
        load_ruleset([tmp_path / "missing"])


def test_team_rule_overrides_builtin_by_id(tmp_path):
    write_rule(tmp_path, GOOD_RULE.replace("severity: warning", "severity: info"), "vanity-reach.yml")
    rules = load_ruleset([tmp_path])
    assert rules.rule("vanity-reach").severity == "info"
    assert len([r for r in rules.rules if r.id == "vanity-reach"]) == 1


def test_team_lexicon_adds_a_metric(tmp_path):
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "metrics.yml").write_text(
        textwrap.dedent("""\
        concepts:
          gift-cards:
            level: 5
            stage: activate
            conversion: macro
            tags: [value]
            label: {en: gift cards sold, sv: sålda presentkort, nb: solgte gavekort}
            terms: {en: ['gift (card|cards)'], sv: ['presentkort*'], nb: ['gavekort*']}
    """),
        encoding="utf-8",
    )
    rules = load_ruleset([tmp_path])
    a = grade_goal("200 gift cards by Christmas", rules=rules)
    assert a.metric == "gift-cards" and a.level == 5


def test_a_regular_expression_in_a_lexicon_is_refused_with_file_and_line(tmp_path):
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "metrics.yml").write_text(
        textwrap.dedent("""\
        concepts:
          gift-cards:
            level: 5
            label: {en: gift cards sold, sv: sålda presentkort, nb: solgte gavekort}
            terms:
              en: ['gift cards?']
              sv: ['presentkort*']
              nb: ['gavekort*']
    """),
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as info:
        load_ruleset([tmp_path])
    assert info.value.line == 6 and "not a word" in str(info.value)


def test_broken_builtin_copy_is_reported_with_line(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), copy)
    metrics = copy / "lexicons" / "metrics.yml"
    lines = metrics.read_text(encoding="utf-8").splitlines()
    index = next(i for i, ln in enumerate(lines) if ln.strip() == "level: 1")
    lines[index] = lines[index].replace("level: 1", "level: 9")
    metrics.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_ruleset([copy])
    assert info.value.line == index + 1
    assert "level is 1–5" in str(info.value)
