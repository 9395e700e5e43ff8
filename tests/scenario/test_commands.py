"""Every `/kpi` subcommand through the real app: signed request in, Block Kit answer out, register changed."""

from __future__ import annotations

import json

from bot.store import repository as repo
from bot.store import session_scope
from scenario.conftest import Harness, rendered

TEAM = "T0AAA"


def _kpi(slack: Harness, number: int, team: str = TEAM):
    with session_scope(slack.engine) as session:
        return repo.get_kpi(session, team, number)


def test_help_in_english_and_by_swedish_alias(slack: Harness) -> None:
    english = slack.command_json("help")
    assert english["response_type"] == "ephemeral"
    assert "/kpi check" in rendered(english)
    swedish = slack.command_json("hjälp")
    assert "/kpi kolla" in rendered(swedish) and "registret" in rendered(swedish)
    assert "/kpi check" in rendered(slack.command_json(""))  # empty text gets the help


def test_check_answers_in_the_ack_with_grade_ladder_smart_findings_and_buttons(slack: Harness) -> None:
    answer = slack.command_json("check Get 500 likes on our Instagram posts by the end of March")
    shown = rendered(answer)
    assert answer["response_type"] == "ephemeral"
    assert "/100" in shown and "3/5" in shown and "SMART" in shown and "A better goal" in shown
    assert "Main goal too far from the sale" in shown
    actions = next(b for b in answer["blocks"] if b["type"] == "actions")["elements"]
    assert [a["action_id"] for a in actions] == ["check_share", "check_save", "check_why"]
    assert slack.fake.of("chat.postMessage") == []  # the answer travelled in the ack, no Web API call


def test_check_answers_in_the_goals_language(slack: Harness) -> None:
    shown = rendered(slack.command_json("kolla Öka räckvidden med 20 %"))
    assert "Ett bättre mål" in shown and "Nivå" in shown


def test_check_without_a_goal_explains_how(slack: Harness) -> None:
    assert "/kpi check" in rendered(slack.command_json("check   "))


def test_echoed_broadcasts_and_mentions_never_ping(slack: Harness) -> None:
    answer = slack.command_json("check <!channel> <!here> <!everyone> Get 40 leads a month <@U0BOSS|boss> by June")
    shown = rendered(answer)
    for markup in ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS"):
        assert markup not in shown
    assert "@channel" in shown and "@boss" in shown  # shown as the person typed it, harmlessly


def test_a_45000_character_goal_is_answered_within_slack_limits(slack: Harness) -> None:
    goal = ("Increase enquiries from the website by 20 % before June <!channel> " * 700)[:45_000]
    answer = slack.command_json(f"check {goal}")
    assert len(answer["blocks"]) <= 50
    assert all(len(text) <= 3000 for text in rendered(answer).split("\n\n"))
    assert len(json.dumps(answer["blocks"], ensure_ascii=False)) < 12_000
    assert "45000" in rendered(answer).replace("\u00a0", "").replace(",", "") and "<!channel>" not in rendered(answer)


def test_add_with_text_stores_a_parsed_kpi_and_answers_its_number(slack: Harness) -> None:
    text = slack.command_json("add <@U0BOB|bob> Grow online sales from 120 to 150 orders per month by Q3 2027")
    assert "#1" in rendered(text) and "<@U0BOB>" in rendered(text)
    kpi = _kpi(slack, 1)
    assert (kpi.target, kpi.baseline, kpi.owner_user_id, kpi.creator_user_id) == (150.0, 120.0, "U0BOB", "U0ANN")
    assert kpi.channel_id == "C0GENERAL" and kpi.level == 5 and kpi.grade and kpi.deadline is not None
    assert "<@" not in kpi.name
    assert "#2" in rendered(slack.command_json("add Get 40 enquiries a month by June"))
    assert _kpi(slack, 2).owner_user_id == "U0ANN"  # no mention: the caller owns it


def test_add_alone_opens_the_modal(slack: Harness) -> None:
    response = slack.command("add")
    assert response.status_code == 200 and response.text == ""
    opened = slack.fake.wait_for("views.open")[0].args
    assert opened["trigger_id"].startswith("trigger.")
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    assert view["callback_id"] == "kpi_add"
    block_ids = [b["block_id"] for b in view["blocks"]]
    for field in ("name", "owner", "target", "unit", "baseline", "deadline", "benchmark", "benchmark_source"):
        assert field in block_ids
    assert "cadence" in block_ids and "channel" in block_ids


def test_list_mine_all_and_by_user(slack: Harness) -> None:
    slack.command_json("add Get 40 enquiries a month by June")
    slack.command_json("add <@U0BOB> Grow online sales from 120 to 150 orders per month", user_id="U0ANN")
    mine = rendered(slack.command_json("list"))
    assert "#1" in mine and "#2" not in mine
    everyone = rendered(slack.command_json("list all"))
    assert "#1" in everyone and "#2" in everyone
    bobs = rendered(slack.command_json("list <@U0BOB|bob>"))
    assert "#2" in bobs and "#1" not in bobs
    assert "/kpi list" in rendered(slack.command_json("list whatever"))
    assert "No KPIs" in rendered(slack.command_json("list", user_id="U0NOBODY"))


def test_show_accepts_n_and_hash_n_and_says_when_there_is_none(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month by Q3 2027")
    for ref in ("1", "#1"):
        shown = rendered(slack.command_json(f"show {ref}"))
        assert "#1" in shown and "Target" in shown and "150" in shown and "Latest values" in shown
    assert "no KPI #9" in rendered(slack.command_json("show 9"))
    assert "Which KPI" in rendered(slack.command_json("show"))


def test_update_records_values_written_as_people_write_them(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month")
    assert "Recorded" in rendered(slack.command_json("update 1 1 200 good week"))
    assert "Registrerade" in rendered(slack.command_json("uppdatera #1 1,5"))
    slack.command_json("update 1 12 %")
    with session_scope(slack.engine) as session:
        history = repo.value_history(session, TEAM, 1)
    assert [(v.value, v.note) for v in history] == [(1200.0, "good week"), (1.5, None), (12.0, None)]
    assert "not a number" in rendered(slack.command_json("update 1 lots"))
    assert "new value" in rendered(slack.command_json("update 1"))
    assert "no KPI #7" in rendered(slack.command_json("update 7 5"))
    shown = rendered(slack.command_json("show 1"))
    assert "1,200" in shown and "good week" in shown


def test_archive_only_by_owner_or_creator(slack: Harness) -> None:
    slack.command_json("add Get 40 enquiries a month by June")
    refused = rendered(slack.command_json("archive 1", user_id="U0EVE"))
    assert "Only the owner" in refused and _kpi(slack, 1).status == "active"
    assert "archived" in rendered(slack.command_json("archive #1"))
    assert _kpi(slack, 1).status == "archived"


def test_edit_opens_a_prefilled_modal_for_the_owner_only(slack: Harness) -> None:
    slack.command_json("add Grow online sales from 120 to 150 orders per month")
    assert "Only the owner" in rendered(slack.command_json("edit 1", user_id="U0EVE"))
    assert "no KPI #4" in rendered(slack.command_json("edit 4"))
    assert slack.fake.of("views.open") == []
    assert slack.command("edit 1").status_code == 200
    view = slack.fake.wait_for("views.open")[0].args["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["callback_id"] == "kpi_edit" and json.loads(view["private_metadata"])["number"] == 1
    target = next(b for b in view["blocks"] if b["block_id"] == "target")
    assert target["element"]["initial_value"] == "150"


def test_unknown_subcommand_gets_a_short_helpful_answer(slack: Harness) -> None:
    answer = rendered(slack.command_json("frobnicate 3"))
    assert "frobnicate" in answer and "/kpi help" in answer
    swedish = rendered(slack.command_json("öka försäljningen i butiken med tio procent"))
    assert "/kpi hjälp" in swedish


def test_the_users_slack_locale_is_used_once_known(slack: Harness) -> None:
    slack.fake.locales["U0SVEN"] = "sv-SE"
    slack.command_json("list", user_id="U0SVEN")
    slack.fake.wait_for("users.info")
    for _ in range(50):
        answer = rendered(slack.command_json("list", user_id="U0SVEN"))
        if "Dina KPI:er" in answer:
            break
    assert "Dina KPI:er" in answer
