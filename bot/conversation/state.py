"""What the coach remembers between turns, as plain JSON for ``Conversation.state``.

The draft is kept as fields (metric, numbers, deadline, owner, plan…) rather than as text, because answers change one
field at a time and the goal sentence is rewritten from all of them (see ``phrasing``); what is saved as the KPI is
these fields, not a new reading of the sentence. The text the person first wrote is kept as it was until an answer
changes something. Fields added later default to empty, so a stored conversation of an older version carries on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

STATE_VERSION = 1


@dataclass(frozen=True)
class Draft:
    """The goal being worked on, field by field. ``text`` is the sentence shown and graded; ``subject`` is the
    person's own words (without their deadline), the sentence's subject while no metric is recognised; ``keep``
    holds clauses of the first text the grader relies on ("compared with last year") that have no field;
    ``metric_words`` is the metric as the person said it ("stamkunder", "abonnenter"), written instead of the
    lexicon's label so the sentence never swaps their word for a near one."""

    text: str = ""
    subject: str = ""
    metric: str | None = None
    metric_words: str | None = None
    direction: str = "increase"
    target: float | None = None
    baseline: float | None = None
    unit: str | None = None
    relative_pct: float | None = None
    deadline: date | None = None
    period: str | None = None
    platform: str | None = None
    owner: str | None = None
    owner_name: str | None = None  # the owner's name when we found them by it ("Anna Lind"), for showing only
    plan: str | None = None
    scope: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        data["scope"], data["keep"] = list(self.scope), list(self.keep)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("deadline"):
            values["deadline"] = date.fromisoformat(values["deadline"])
        values["scope"] = tuple(values.get("scope") or ())
        values["keep"] = tuple(values.get("keep") or ())
        return cls(**values)

    def with_changes(self, **changes: Any) -> Draft:
        return replace(self, **changes)


@dataclass(frozen=True)
class CoachState:
    """One thread's dialogue: the draft, its language, the last grade and the question we are waiting on.

    ``skipped`` are questions the person chose to leave open (they are not asked again, and saving names them);
    ``misses`` counts replies in a row we could not read; ``candidates`` are the people a name could mean, as
    (user id, name), while we wait for the person to say which."""

    language: str | None = None
    draft: Draft | None = None
    score: int | None = None
    findings: tuple[str, ...] = ()
    pending: str | None = None
    focus: str | None = None
    turns: int = 0
    saved_as: int | None = None
    history: tuple[int, ...] = field(default_factory=tuple)
    skipped: tuple[str, ...] = ()
    misses: int = 0
    candidates: tuple[tuple[str, str], ...] = ()

    @property
    def started(self) -> bool:
        return self.draft is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "language": self.language,
            "draft": self.draft.to_dict() if self.draft else None,
            "score": self.score,
            "findings": list(self.findings),
            "pending": self.pending,
            "focus": self.focus,
            "turns": self.turns,
            "saved_as": self.saved_as,
            "history": list(self.history),
            "skipped": list(self.skipped),
            "misses": self.misses,
            "candidates": [list(c) for c in self.candidates],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CoachState:
        """The state stored in a conversation row; an empty or unknown-version dict starts afresh."""
        if not data or data.get("version") != STATE_VERSION:
            return cls()
        draft = data.get("draft")
        return cls(
            language=data.get("language"),
            draft=Draft.from_dict(draft) if draft else None,
            score=data.get("score"),
            findings=tuple(data.get("findings") or ()),
            pending=data.get("pending"),
            focus=data.get("focus"),
            turns=int(data.get("turns") or 0),
            saved_as=data.get("saved_as"),
            history=tuple(data.get("history") or ()),
            skipped=tuple(data.get("skipped") or ()),
            misses=int(data.get("misses") or 0),
            candidates=tuple((str(c[0]), str(c[1])) for c in data.get("candidates") or () if len(c) == 2),
        )

    def with_changes(self, **changes: Any) -> CoachState:
        return replace(self, **changes)
