"""Who owns the goal: reading an owner out of a reply, and finding a named person among the workspace's members.

An owner is a person in the workspace, so the dialogue never stores a word as one: a Slack mention is taken as it
is, "me"/"jag"/"meg" is the writer, and a plain name ("Anna äger det", "ansvarig blir Kari") is only a name to look
up in the workspace's member list, which the Slack layer fetches (``users.list``) and hands in as a ``Directory``.
"Vet inte", "skip" and the like are never an owner. The words that mark an owner are lexicon lists
(``coach-owner-before``, ``coach-owner-after``, ``coach-me``, ``coach-unknown`` in terms.yml).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from bot.grading.readers import TextReader
from bot.grading.tokens import Token, fold

NAME_WORDS_MAX = 2  # "Anna", "Anna Berg": a name is a word or two next to the words that mark it
CANDIDATES_SHOWN = 5
_BEFORE_NAME = frozenset({"@", ":", "-"})  # "owner: @anna" typed without Slack's mention picker


class Person(NamedTuple):
    """A workspace member as ``users.list`` describes them."""

    id: str
    handle: str = ""
    real_name: str = ""
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.real_name or self.display_name or self.handle or self.id


def _key(text: str) -> str:
    return fold(" ".join(text.lower().replace("@", " ").split()))


class Directory:
    """The members of one workspace, searchable by the name people call them."""

    def __init__(self, people: Iterable[Person], *, available: bool = True) -> None:
        self.people = tuple(people)
        self.available = available  # False: the list could not be fetched, so nobody can be found by name

    def find(self, name: str) -> list[Person]:
        """Everyone ``name`` could mean: a whole name first ("anna berg", the handle "anna.b"), then everyone
        whose name starts with it ("anna" for Anna Berg and Anna Lind)."""
        key = _key(name)
        if not key:
            return []
        whole, starts = [], []
        for p in self.people:
            names = {_key(n) for n in (p.real_name, p.display_name, p.handle) if n}
            if key in names:
                whole.append(p)
            elif any(n.startswith(key + " ") or n.startswith(key + ".") for n in names):
                starts.append(p)
        return whole + sorted(starts, key=lambda p: p.label.lower())


@dataclass(frozen=True)
class OwnerSaid:
    """What a reply says about the owner: a user id, names to look up (longest first), or that there is none."""

    user: str | None = None
    names: tuple[str, ...] = ()
    none: bool = False
    cued: bool = False  # words that mark an owner were there ("ansvarig", "har ansvaret")
    spans: tuple[tuple[int, int], ...] = ()


def _names(words: Sequence[Token], *, near_end: bool) -> tuple[str, ...]:
    """The names consecutive words could be, longest first, always keeping the word next to the cue ("ja kari"
    before "har ansvaret" is "ja kari" or "kari")."""
    return tuple(" ".join(t.text for t in (words[-n:] if near_end else words[:n])) for n in range(len(words), 0, -1))


def _run(tokens: Sequence[Token], indexes: Iterable[int]) -> list[Token]:
    """The word tokens at ``indexes`` up to the first one that is not a word."""
    out: list[Token] = []
    for i in indexes:
        if not 0 <= i < len(tokens) or tokens[i].kind != "word":
            break
        out.append(tokens[i])
        if len(out) == NAME_WORDS_MAX:
            break
    return out


def read_owner(
    reader: TextReader, mentions: Sequence[str], *, asked: bool, sender: str | None, plan: tuple[int, int] | None
) -> OwnerSaid:
    """The owner a reply names. ``asked``: the owner question was the one asked, so a bare name or "me" answers it;
    ``plan``: the characters of a plan in the reply, where names are people doing the plan, not owning the goal."""
    tokens = reader.tokens

    def outside_plan(span: tuple[int, int]) -> bool:
        return plan is None or not plan[0] <= span[0] < plan[1]

    if asked and any(reader.whole(name) for name in ("coach-unknown", "coach-skip", "coach-no")):
        return OwnerSaid(none=True, cued=True)
    before = [s for s in reader.spans("coach-owner-before") if outside_plan(s)]
    after = [s for s in reader.spans("coach-owner-after") if outside_plan(s)]
    me = reader.spans("coach-me")
    cued = bool(before or after)
    if mentions and (cued or asked or plan is None):
        return OwnerSaid(user=mentions[0], cued=cued)
    if asked and sender and reader.whole("coach-me"):
        return OwnerSaid(user=sender, cued=True)
    for start, end in before:  # "ansvarig är Anna", "owner: me"
        following = next(
            (i for i, t in enumerate(tokens) if t.start >= end and t.text not in _BEFORE_NAME), len(tokens)
        )
        if sender and following < len(tokens) and any(s == tokens[following].start for s, _ in me):
            return OwnerSaid(user=sender, cued=True)
        words = _run(tokens, range(following, len(tokens)))
        if words:
            return OwnerSaid(names=_names(words, near_end=False), cued=True, spans=((start, words[-1].end),))
    for start, end in after:  # "Anna äger det", "jag har ansvaret"
        preceding = max((i for i, t in enumerate(tokens) if t.end <= start), default=-1)
        if sender and preceding >= 0 and any(e == tokens[preceding].end for _, e in me):
            return OwnerSaid(user=sender, cued=True)
        words = _run(tokens, range(preceding, -1, -1))[::-1]
        if words:
            return OwnerSaid(names=_names(words, near_end=True), cued=True, spans=((words[0].start, end),))
    words = [t for t in tokens if t.kind == "word"]
    bare = all(t.kind == "word" or t.text in ("@", ".", "!") for t in tokens)
    if asked and bare and 0 < len(words) <= NAME_WORDS_MAX + 1:
        return OwnerSaid(names=_names(words, near_end=False), spans=((0, len(reader.plain)),))
    return OwnerSaid(cued=cued)


def known_words(reader: TextReader, name: str) -> bool:
    """Whether every word of ``name`` is a word the lexicons know ("vi", "det", "bra"): such words that match
    nobody in the workspace were no name, so nobody is told we could not find them."""
    words = name.split()
    found = {t.text: bool(t.keys) for t in reader.tokens if t.kind == "word"}
    return all(found.get(w, False) for w in words)
