r"""Lexicon phrases: a small pattern language over tokens, and the matcher that finds them in a goal.

The lexicon names metrics and cue words as phrases of whole words, so the matcher works on tokens (see ``tokens``)
and looks words up in dicts instead of running regular expressions over the text. A phrase is a sequence of items
separated by spaces:

    sales            a word (also found typed without å/ä/ö/æ/ø, or with a small typo when it is long)
    booking*         a word that starts so (a stem: bookings, bookingen)
    *räckvidd*       a word that holds it (a compound: instagramräckvidden); *följare: a word that ends so
    #                a number, with its scale word if one follows (10k, 1,2 millioner)
    ~                any one word (not a number);  ~3: up to three words
    (a|b c)          one of the alternatives;  [a|b c]: the same, optional
    !(to action)     not followed by this here (matches nothing itself)
    %  /  +          the symbol itself;  \(  a symbol that is also syntax

At each token the phrases that can start there are tried (they are indexed by their possible first words); the
longest match wins, so ``cost per lead`` beats ``cost``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

ANY = "~"
NUMBER = "#"


class PhraseError(ValueError):
    """A phrase that does not parse; the message says where."""


class TokenLike(Protocol):
    kind: str
    keys: frozenset[str]


_ITEM = re.compile(
    r"\s*(?:(?P<open>[(\[])|(?P<close>[)\]])|(?P<bar>\|)|(?P<not>!)|(?P<gap>~[0-9]?)|(?P<atom>\\.|[^\s()\[\]|!~]+))"
)
_WORD = re.compile(r"[^\W_]+(?:['.-][^\W_]+)*\.?")
_SYMBOLS = {"%", "/", "+", "-", ":", "$", "€", "£", "&", ".", ",", ">", "<", "=", "->", "→", "≥", "≤", "#"}


class Node(NamedTuple):
    """A parsed item: kind is atom, seq, alt, opt, not or gap; ``value`` a key, a gap length or child nodes."""

    kind: str
    value: object

    @property
    def children(self) -> tuple[Node, ...]:
        if isinstance(self.value, Node):
            return (self.value,)
        return self.value if isinstance(self.value, tuple) else ()


def atom_key(spelling: str) -> str:
    """The key a written atom stands for: w:word, p:stem, s:tail, c:part, or the number mark."""
    if spelling == NUMBER:
        return NUMBER
    if len(spelling) > 2 and spelling.startswith("*") and spelling.endswith("*"):
        return "c:" + spelling[1:-1]
    if len(spelling) > 1 and spelling.startswith("*"):
        return "s:" + spelling[1:]
    if len(spelling) > 1 and spelling.endswith("*"):
        return "p:" + spelling[:-1]
    return "w:" + spelling


def _atom(spelling: str) -> Node:
    """A written word; hyphens inside it split it as the tokeniser does ("e-mail" is e, mail)."""
    word = spelling.strip("*")
    if "*" in word:
        raise PhraseError(f"'*' only at the start or end of a word: {spelling!r}")
    if not word and spelling != NUMBER:
        raise PhraseError(f"a word is missing around {spelling!r}")
    if spelling not in _SYMBOLS and not _WORD.fullmatch(word):
        raise PhraseError(
            f"{spelling!r} is not a word: phrases are words, not regular expressions "
            "(write (card|cards) for cards?, card* for card\\w*)"
        )
    parts = spelling.split("-") if re.search(r"\w-\w", spelling) else [spelling]
    if len(parts) == 1:
        return Node("atom", atom_key(spelling))
    return Node("seq", tuple(Node("atom", atom_key(p)) for p in parts))


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items = [m for m in _ITEM.finditer(source) if m.lastgroup]
        end = self.items[-1].end() if self.items else 0
        if source[end:].strip():
            raise PhraseError(f"cannot read {source[end:].strip()!r} in {source!r}")
        self.at = 0

    def peek(self) -> str | None:
        return self.items[self.at].lastgroup if self.at < len(self.items) else None

    def take(self) -> re.Match[str]:
        item = self.items[self.at]
        self.at += 1
        return item

    def alternatives(self) -> Node:
        options = [self.sequence()]
        while self.peek() == "bar":
            self.take()
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Node("alt", tuple(options))

    def sequence(self) -> Node:
        parts: list[Node] = []
        while self.peek() not in (None, "close", "bar"):
            parts.append(self.item())
        if not parts:
            raise PhraseError(f"an empty alternative in {self.source!r}")
        return parts[0] if len(parts) == 1 else Node("seq", tuple(parts))

    def item(self) -> Node:
        m = self.take()
        kind = m.lastgroup
        if kind == "open":
            inner = self.alternatives()
            if self.peek() != "close":
                raise PhraseError(f"unclosed {m.group('open')!r} in {self.source!r}")
            close = self.take().group("close")
            if (m.group("open"), close) not in (("(", ")"), ("[", "]")):
                raise PhraseError(f"{m.group('open')!r} closed by {close!r} in {self.source!r}")
            return Node("opt", inner) if close == "]" else inner
        if kind == "not":
            if self.peek() in (None, "close", "bar"):
                raise PhraseError(f"'!' needs an item after it in {self.source!r}")
            return Node("not", self.item())
        if kind == "gap":
            text = m.group("gap")
            return Node("gap", int(text[1:]) if len(text) > 1 else 0)
        if kind == "atom":
            spelling = m.group("atom")
            return Node("atom", "w:" + spelling[1]) if spelling.startswith("\\") else _atom(spelling)
        raise PhraseError(f"unexpected {m.group(0).strip()!r} in {self.source!r}")


def parse(source: str) -> Node:
    """The phrase as a tree; PhraseError with the reason when it is malformed."""
    parser = _Parser(source.strip().lower())
    if not parser.items:
        raise PhraseError("an empty phrase")
    node = parser.alternatives()
    if parser.at != len(parser.items):
        raise PhraseError(f"unbalanced ')' or ']' in {source!r}")
    if nullable(node):
        raise PhraseError(f"the phrase can match nothing at all: {source!r}")
    if node.kind == "not" or (node.kind == "seq" and node.children[0].kind == "not"):
        raise PhraseError(f"a phrase cannot start with '!': {source!r}")
    if ANY in first_keys(node):
        raise PhraseError(f"a phrase cannot start with '~' (it would be tried at every word): {source!r}")
    return node


def nullable(node: Node) -> bool:
    if node.kind in ("opt", "not"):
        return True
    if node.kind == "gap":
        return node.value != 0
    if node.kind == "seq":
        return all(nullable(c) for c in node.children)
    if node.kind == "alt":
        return any(nullable(c) for c in node.children)
    return False


def first_keys(node: Node) -> set[str]:
    """Keys a match can start with; ANY when it can start with any word."""
    if node.kind == "atom":
        return {str(node.value)}
    if node.kind == "gap":
        return {ANY}
    if node.kind in ("opt", "not"):
        return first_keys(node.children[0]) if node.kind == "opt" else set()
    if node.kind == "alt":
        return set().union(*(first_keys(c) for c in node.children))
    keys: set[str] = set()
    for child in node.children:
        keys |= first_keys(child)
        if not nullable(child):
            break
    return keys


def atom_keys(node: Node) -> Iterable[str]:
    """Every key the phrase mentions, to build the word index and check the lexicon."""
    if node.kind == "atom":
        yield str(node.value)
    for child in node.children:
        yield from atom_keys(child)


# How firmly a kind of word pins down what was written: a whole word more than the start of one (a stem), the start
# more than the end, the end more than a part anywhere inside ("avbestillingene" is a cancellation, not an order).
_ANCHORED = {"w": 4, "p": 3, "s": 1, "c": 0}


def literal_weight(node: Node) -> int:
    """How much the phrase spells out: more literal, more anchored text means a more specific phrase (breaks
    ties between phrases that match the same words)."""
    if node.kind == "atom":
        kind, _, text = str(node.value).partition(":")
        return len(text) + _ANCHORED[kind] if text else 1
    if node.kind == "alt":
        return min(literal_weight(c) for c in node.children)
    if node.kind == "seq":
        return sum(literal_weight(c) for c in node.children)
    return 0


class Phrase(NamedTuple):
    """One lexicon phrase: what it names (a concept or list name), in which language, how specific."""

    label: str
    language: str
    weight: int
    order: int
    metric: bool  # a metric concept's phrase (else a cue list's)


class Found(NamedTuple):
    """A phrase found in the tokens: tokens[start:end] matched it. (A tuple: a text yields dozens of these.)"""

    start: int
    end: int
    phrase: Phrase

    @property
    def label(self) -> str:
        return self.phrase.label


class _Automaton:
    """All phrases as one automaton over tokens: states with edges by key, for a number and for any word, epsilon
    moves, and guarded moves (``!x``: taken only when x does not match there). ``finish`` closes every edge over
    the epsilon moves once, so reading a token is a dict lookup per key."""

    def __init__(self, scale_keys: frozenset[str]) -> None:
        self.keys: list[dict[str, list[int]]] = []
        self.number: list[list[int]] = []
        self.word: list[list[int]] = []
        self.eps: list[list[int]] = []
        self.guards: list[list[tuple[int, int, int]]] = []  # (start and end of what must not match, target)
        self.accepts: list[list[int]] = []
        self.scale_keys = scale_keys

    def state(self) -> int:
        for table in (self.number, self.word, self.eps, self.guards, self.accepts):
            table.append([])
        self.keys.append({})
        return len(self.keys) - 1

    def build(self, node: Node, start: int) -> int:
        """States for ``node`` from ``start``; returns the state a match of it ends in."""
        kind = node.kind
        if kind == "atom":
            end = self.state()
            key = str(node.value)
            if key == NUMBER:
                scaled = self.state()
                self.number[start].append(scaled)
                for scale in self.scale_keys:
                    self.keys[scaled].setdefault(scale, []).append(end)
                self.eps[scaled].append(end)
            else:
                self.keys[start].setdefault(key, []).append(end)
            return end
        if kind == "gap":
            end = self.state()
            most, least = (int(node.value), 0) if node.value else (1, 1)  # type: ignore[call-overload]
            at = start
            for step in range(most):
                if step >= least:
                    self.eps[at].append(end)
                following = self.state()
                self.word[at].append(following)
                at = following
            self.eps[at].append(end)
            return end
        if kind == "opt":
            end = self.build(node.children[0], start)
            self.eps[start].append(end)
            return end
        if kind == "not":
            guard = self.state()
            guard_end = self.build(node.children[0], guard)
            end = self.state()
            self.guards[start].append((guard, guard_end, end))
            return end
        if kind == "alt":
            end = self.state()
            for child in node.children:
                self.eps[self.build(child, start)].append(end)
            return end
        at = start
        for child in node.children:
            at = self.build(child, at)
        return at

    def finish(self) -> None:
        """Merge every state's moves over its epsilon moves: a state then stands for everything it reaches without
        reading a token, and a move names only the states it moves to."""
        closed: list[tuple[int, ...]] = []
        for s in range(len(self.keys)):
            seen = {s}
            stack = [s]
            while stack:
                for t in self.eps[stack.pop()]:
                    if t not in seen:
                        seen.add(t)
                        stack.append(t)
            closed.append(tuple(seen))

        def close(targets: list[int]) -> tuple[int, ...]:
            # A state's own tables below already cover what its epsilon moves reach, so a target list names only
            # the states moved to, not their closures: smaller sets, fewer steps.
            return tuple(dict.fromkeys(targets))

        edges: dict[int, dict[str, tuple[int, ...]]] = {}
        on_number: dict[int, tuple[int, ...]] = {}
        on_word: dict[int, tuple[int, ...]] = {}
        for s in range(len(self.keys)):
            merged: dict[str, list[int]] = {}
            for u in closed[s]:
                for key, targets in self.keys[u].items():
                    merged.setdefault(key, []).extend(targets)
            if merged:
                edges[s] = {key: close(targets) for key, targets in merged.items()}
            number = close([t for u in closed[s] for t in self.number[u]])
            word = close([t for u in closed[s] for t in self.word[u]])
            if number:
                on_number[s] = number
            if word:
                on_word[s] = word
        # Kept sparse (most states have no moves of a kind) and without the building tables: this is what a
        # cached rule set holds, and what loading it costs.
        self.edges, self.on_number, self.on_word = edges, on_number, on_word
        self.accepting = {
            s: a for s in range(len(closed)) if (a := tuple(p for u in closed[s] for p in self.accepts[u]))
        }
        self.live = frozenset(edges) | frozenset(on_number) | frozenset(on_word)
        self.guard_moves = {u: tuple(g) for u, g in enumerate(self.guards) if g}
        self.guarded = frozenset(s for s in range(len(closed)) if any(u in self.guard_moves for u in closed[s]))
        self.closed = {s: c for s, c in enumerate(closed) if len(c) > 1}
        del self.keys, self.number, self.word, self.eps, self.accepts, self.guards

    def closure(self, state: int) -> tuple[int, ...]:
        return self.closed.get(state, (state,))

    def step(self, state: int, token: TokenLike) -> tuple[int, ...]:
        edges = self.edges.get(state)
        out: tuple[int, ...] = ()
        if edges:
            for key in token.keys:
                targets = edges.get(key)
                if targets:
                    out += targets
        if token.kind == "num":
            out += self.on_number.get(state, ())
        elif token.kind == "word":
            out += self.on_word.get(state, ())
        return out

    def unguard(self, state: int, tokens: Sequence[TokenLike], j: int) -> tuple[int, ...]:
        """The states a guarded state also stands for at token ``j``: its guards' targets when the guarded phrase
        does not match there."""
        out: tuple[int, ...] = ()
        for u in self.closure(state):
            for guard, guard_end, target in self.guard_moves.get(u, ()):
                if not self.matches_at(guard, guard_end, tokens, j):
                    out += (
                        (target, *self.unguard(target, tokens, j)) if target in self.guarded else self.closure(target)
                    )
        return out

    def matches_at(self, start: int, end: int, tokens: Sequence[TokenLike], j: int) -> bool:
        """Whether what is built from ``start`` to ``end`` matches at token ``j`` (for a guard)."""
        states: tuple[int, ...] = self.closure(start)
        while states:
            if any(end in self.closure(s) for s in states):
                return True
            if j >= len(tokens):
                return False
            states = tuple(t for s in states for t in self.step(s, tokens[j]))
            j += 1
        return False


class _Deterministic:
    """The automaton made deterministic as it is used: a state here is a set of the automaton's states, and the
    move from it on a token's keys is worked out once and remembered (a lazy subset construction). Texts reuse a
    small vocabulary, so nearly every move is a dict lookup. State 0 is the dead state."""

    _LIMIT = 200_000  # remembered moves: arbitrary text must not grow memory without bound (the sets of states
    # themselves are bounded by the automaton)

    def __init__(self, auto: _Automaton, root: int) -> None:
        self.auto = auto
        self.lock = threading.Lock()
        self.sets: list[frozenset[int]] = [frozenset()]
        self.ids: dict[frozenset[int], int] = {frozenset(): 0}
        self.accepts: list[tuple[int, ...]] = [()]
        self.live: list[bool] = [False]
        self.guarded: list[bool] = [False]
        self.moves: dict[tuple[int, frozenset[str], str], int] = {}
        self.root = self._intern(frozenset({root}))  # the root's tables merge every phrase's first moves

    def _intern(self, states: frozenset[int]) -> int:
        known = self.ids.get(states)
        if known is not None:
            return known
        auto = self.auto
        with self.lock:
            self.sets.append(states)
            self.accepts.append(tuple(dict.fromkeys(p for s in states for p in auto.accepting.get(s, ()))))
            self.live.append(any(s in auto.live for s in states))
            self.guarded.append(any(s in auto.guarded for s in states))
            self.ids[states] = number = len(self.sets) - 1
        return number

    def move(self, state: int, token: TokenLike) -> int:
        key = (state, token.keys, token.kind)
        known = self.moves.get(key)
        if known is None:
            known = self._intern(frozenset(t for s in self.sets[state] for t in self.auto.step(s, token)))
            if len(self.moves) < self._LIMIT:
                self.moves[key] = known
        return known

    def unguard(self, state: int, tokens: Sequence[TokenLike], j: int) -> int:
        """The state with the moves its guards allow at token ``j`` added (not remembered: it depends on what
        follows)."""
        auto = self.auto
        extra = frozenset(t for s in self.sets[state] if s in auto.guarded for t in auto.unguard(s, tokens, j))
        return self._intern(self.sets[state] | extra) if extra else state


class PhraseIndex:
    """Every phrase in one automaton: a left-to-right pass over the tokens finds every match of every phrase, at a
    cost that depends on the words of the text, not on the size of the lexicon."""

    def __init__(self, phrases: Iterable[tuple[str, str, bool, Node]], scale_keys: frozenset[str]) -> None:
        auto = self._auto = _Automaton(scale_keys)
        self.phrases: list[Phrase] = []
        root = auto.state()
        for order, (label, language, metric, node) in enumerate(phrases):
            start = auto.state()
            auto.eps[root].append(start)  # phrases never start with a guard (parse refuses it)
            auto.accepts[auto.build(node, start)].append(order)
            self.phrases.append(Phrase(label, language, literal_weight(node), order, metric))
        auto.finish()
        self._root = root
        self._dfa = _Deterministic(auto, root)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_dfa"] = None  # rebuilt on load: it only memoises moves
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._dfa = _Deterministic(self._auto, self._root)

    def _longest_ends(self, tokens: Sequence[TokenLike]) -> dict[tuple[int, int], int]:
        """(start, phrase) -> the end of the longest match: one automaton state per start that is still alive,
        moved by each token."""
        dfa = self._dfa
        found: dict[tuple[int, int], int] = {}  # later ends overwrite earlier ones: the longest stays
        active: list[tuple[int, int]] = []  # (state, start token) of partial matches that can go on
        root = dfa.root
        for j, token in enumerate(tokens):
            moved = [(dfa.move(root, token), j)]
            moved += [(dfa.move(state, token), start) for state, start in active]
            active = []
            for state, start in moved:
                if not state:
                    continue
                if dfa.guarded[state]:
                    state = dfa.unguard(state, tokens, j + 1)
                for phrase in dfa.accepts[state]:
                    found[(start, phrase)] = j + 1
                if dfa.live[state]:
                    active.append((state, start))
        return found

    def find(self, tokens: Sequence[TokenLike]) -> Matches:
        """Per start token, the longest match of each phrase."""
        out: dict[int, list[Found]] = {}
        phrases = self.phrases
        for (start, phrase), end in self._longest_ends(tokens).items():
            out.setdefault(start, []).append(Found(start, end, phrases[phrase]))
        return Matches(out, len(tokens))


@dataclass(frozen=True)
class Matches:
    """What the phrases found in one text: per start token, the longest match of each phrase."""

    at: dict[int, list[Found]]
    size: int

    def metrics(self, *, prefer: str | None = None, only: str | None = None) -> list[Found]:
        """Metric phrases left to right without overlaps: at each token the longest (then the preferred language,
        then the more literal phrase, then the one listed first); scanning resumes after it. ``only`` keeps to the
        phrases of one language."""
        out: list[Found] = []
        i = 0
        while i < self.size:
            here = [f for f in self.at.get(i, ()) if f.phrase.metric and (only is None or f.phrase.language == only)]
            if here:
                pick = min(here, key=lambda f: (-f.end, f.phrase.language != prefer, -f.phrase.weight, f.phrase.order))
                out.append(pick)
                i = pick.end
            else:
                i += 1
        return out

    def cues(self) -> dict[str, list[Found]]:
        """Every cue list's longest match at every token, overlaps between lists allowed (yes/no questions)."""
        out: dict[str, dict[int, Found]] = {}
        for start in sorted(self.at):
            for found in self.at[start]:
                if found.phrase.metric:
                    continue
                kept = out.setdefault(found.label, {}).get(start)
                if kept is None or found.end > kept.end:
                    out[found.label][start] = found
        return {label: list(by_start.values()) for label, by_start in out.items()}
