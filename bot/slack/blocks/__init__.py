"""Pure Block Kit builders: plain data in, Slack JSON out, tested without Slack."""

from bot.slack.blocks.check import build_check_result, build_coach_reply, build_why, fallback_text
from bot.slack.blocks.coach import build_coach_saved, build_coach_turn, coach_fallback
from bot.slack.blocks.detail import build_kpi_detail, build_kpi_detail_modal
from bot.slack.blocks.home import build_home_view
from bot.slack.blocks.kpi import (
    build_help,
    build_kpi_list,
    build_kpi_modal,
    build_notice,
    build_saved_modal,
    read_kpi_modal,
)

__all__ = [
    "build_check_result",
    "build_coach_reply",
    "build_coach_saved",
    "build_coach_turn",
    "build_help",
    "build_home_view",
    "build_kpi_detail",
    "build_kpi_detail_modal",
    "build_kpi_list",
    "build_kpi_modal",
    "build_notice",
    "build_saved_modal",
    "build_why",
    "coach_fallback",
    "fallback_text",
    "read_kpi_modal",
]
