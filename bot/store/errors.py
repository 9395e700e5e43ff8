"""What the store raises when asked for something that is not there (in this workspace)."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for lookups the store cannot satisfy; the services layer turns these into replies."""


class WorkspaceNotFound(StoreError, LookupError):
    """No workspace row for this Slack team: it must be created (on install or first event) before use."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"no workspace for team {team_id!r}")
        self.team_id = team_id


class KpiNotFound(StoreError, LookupError):
    """No KPI with this number in this workspace (it may exist in another one; that is not ours to touch)."""

    def __init__(self, team_id: str, number: int) -> None:
        super().__init__(f"no KPI #{number} in team {team_id!r}")
        self.team_id = team_id
        self.number = number


class ConversationNotFound(StoreError, LookupError):
    """No coaching conversation for this thread in this workspace."""

    def __init__(self, team_id: str, channel_id: str, thread_ts: str) -> None:
        super().__init__(f"no conversation in team {team_id!r}, channel {channel_id!r}, thread {thread_ts!r}")
        self.team_id = team_id
        self.channel_id = channel_id
        self.thread_ts = thread_ts


class CheckinNotFound(StoreError, LookupError):
    """No check-in with this id for a KPI of this workspace."""

    def __init__(self, team_id: str, checkin_id: int) -> None:
        super().__init__(f"no check-in {checkin_id} in team {team_id!r}")
        self.team_id = team_id
        self.checkin_id = checkin_id
