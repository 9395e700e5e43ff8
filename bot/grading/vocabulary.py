"""The word index: what a written word stands for in the lexicon, as people actually type it.

A word is found as written; a word typed without å/ä/ö/æ/ø is found through its folded spelling (only when it is not
a word of its own as typed: "for" stays English, "fran" becomes "från"); stems and compounds are found by their
declared parts; a long word that is none of these and no known word is compared with the lexicon's words (one edit,
two in very long words, same first letter) with rapidfuzz. What a word stands for is worked out once per spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .tokens import fold

FUZZY_MIN_LENGTH = 5  # five-letter words only for two swapped letters ("qoute"); longer ones for any one edit
_CACHE_LIMIT = 50_000
_VARIANTS = {"å": ("a", "aa"), "æ": ("a", "ae"), "ø": ("o", "oe")}


class WordInfo(NamedTuple):
    keys: frozenset[str]
    read: str  # the word as the lexicon spells it (with its diacritics, typo corrected), else as written
    languages: dict[str, float]
    corrected: bool = False
    folded: bool = False  # found only through its spelling without diacritics


def _ascii_spellings(word: str) -> set[str]:
    """How a word is typed without diacritics: "måned" as maned or maaned, "færre" as farre or faerre."""
    spellings = {fold(word)}
    for char, ways in _VARIANTS.items():
        if char in word:
            spellings |= {fold(word.replace(char, way)) for way in ways}
    return spellings


def _merge(into: dict[str, float], weights: dict[str, float]) -> None:
    for lang, weight in weights.items():
        if weight > into.get(lang, 0.0):
            into[lang] = weight


@dataclass
class Vocabulary:
    """Lexicon words by kind. ``add`` collects them; ``word`` answers for a written word."""

    words: dict[str, dict[str, float]] = field(default_factory=dict)
    stems: dict[str, dict[str, float]] = field(default_factory=dict)
    tails: dict[str, dict[str, float]] = field(default_factory=dict)
    parts: dict[str, dict[str, float]] = field(default_factory=dict)
    _folded_words: dict[str, list[str]] = field(default_factory=dict)
    _folded_stems: dict[str, list[str]] = field(default_factory=dict)
    _folded_affixes: list[tuple[str, str, str]] = field(default_factory=list)
    _cache: dict[str, WordInfo] = field(default_factory=dict)
    _fuzzy: dict[str, tuple[list[str], dict[int, list[str]]]] | None = None
    _long_parts: list[str] = field(default_factory=list)
    literal_numbers: frozenset[str] = frozenset()  # numbers a phrase spells out

    def add(self, key: str, language: str | None, weight: float) -> None:
        """Record a lexicon key (w:word, p:stem, s:tail, c:part) and the language it is evidence of."""
        kind, _, text = key.partition(":")
        table = {"w": self.words, "p": self.stems, "s": self.tails, "c": self.parts}.get(kind)
        if table is None or not text:
            return
        weights = table.setdefault(text, {})
        if language and weight > weights.get(language, 0.0):
            weights[language] = weight

    def finish(self) -> None:
        """Build the folded spellings once every word is in."""
        self._folded_words.clear()
        self._folded_stems.clear()
        for word in self.words:
            for spelling in _ascii_spellings(word) - {word}:
                self._folded_words.setdefault(spelling, []).append(word)
        for stem in self.stems:
            for spelling in _ascii_spellings(stem) - {stem}:
                self._folded_stems.setdefault(spelling, []).append(stem)
        self._folded_affixes = [("s", tail, fold(tail)) for tail in self.tails] + [
            ("c", part, fold(part)) for part in self.parts
        ]
        self._min_stem = min((len(s) for s in [*self.stems, *self._folded_stems]), default=1)
        self.literal_numbers = frozenset(w for w in self.words if w.isdigit())
        self._cache.clear()
        self._fuzzy = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_cache"], state["_fuzzy"] = {}, None  # worked out again as words come
        return state

    def known(self, text: str) -> bool:
        return text in self.words or text in self._folded_words

    def word(self, text: str) -> WordInfo:
        info = self._cache.get(text)
        if info is None:
            info = self._lookup(text)
            if not info.keys and len(text) >= FUZZY_MIN_LENGTH and text.isalpha() and not self.known(text):
                info = self._corrected(text) or info
            if len(self._cache) >= _CACHE_LIMIT:  # arbitrary text must not grow it without bound
                self._cache.clear()
            self._cache[text] = info
        return info

    def _lookup(self, text: str) -> WordInfo:
        keys: set[str] = set()
        weights: dict[str, float] = {}
        plain = text.isascii()
        folded = False
        read = text
        exact = [text] if text in self.words else (self._folded_words.get(text, []) if plain else [])
        if exact and exact[0] != text:
            folded, read = True, exact[0]
        for word in exact:
            keys.add("w:" + word)
            _merge(weights, self.words[word])
        for n in range(self._min_stem, len(text) + 1):
            prefix = text[:n]
            stems = [prefix] if prefix in self.stems else []
            if plain and not stems and prefix in self._folded_stems:
                stems = self._folded_stems[prefix]
                folded = True
                if read == text:
                    read = stems[0] + text[n:]
            for stem in stems:
                keys.add("p:" + stem)
                _merge(weights, self.stems[stem])
        for kind, affix, spelled in self._folded_affixes:
            if kind == "s":
                hit, fold_hit = text.endswith(affix), plain and text.endswith(spelled)
                table = self.tails
            else:
                hit, fold_hit = affix in text, plain and spelled in text
                table = self.parts
            if hit or fold_hit:
                if not hit:
                    folded = True
                    if read == text:
                        at = text.find(spelled) if kind == "c" else len(text) - len(spelled)
                        read = text[:at] + affix + text[at + len(spelled) :]
                keys.add(f"{kind}:{affix}")
                _merge(weights, table[affix])
        if weights:
            share = 1.0 / len(weights)
            weights = {lang: weight * share for lang, weight in weights.items()}
        return WordInfo(frozenset(keys), read, weights, folded=folded and bool(keys))

    def _fuzzy_index(self) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
        """Long words and stems by first letter (folded), stems also by length: the candidates a typo is held to."""
        if self._fuzzy is None:
            index: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
            for word in self.words:
                if len(word) >= FUZZY_MIN_LENGTH - 1 and word.isalpha():
                    index.setdefault(fold(word)[0], ([], {}))[0].append(word)
            for stem in self.stems:
                if len(stem) >= 7:  # a shorter stem with one letter changed is too often another word (optici…)
                    index.setdefault(fold(stem)[0], ([], {}))[1].setdefault(len(stem), []).append(stem)
            self._fuzzy = index
            self._long_parts = [p for p in self.parts if len(p) >= 6 and p.isalpha()]
        return self._fuzzy

    def _corrected(self, text: str) -> WordInfo | None:
        """The lexicon word a long unknown word is most likely a typo of, or None. Five-letter words only count
        two swapped letters; up to nine letters one edit (a swap counts as one); longer words two."""
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        folded = fold(text)
        words, stems = self._fuzzy_index().get(folded[0], ([], {}))
        limit = 1 if len(text) < 10 else 2
        best = process.extractOne(folded, [fold(w) for w in words], scorer=OSA.distance, score_cutoff=limit)
        if best is not None and (len(text) > FUZZY_MIN_LENGTH or sorted(best[0]) == sorted(folded)):
            return self._as_corrected(words[best[2]])
        if len(text) == FUZZY_MIN_LENGTH:
            return None
        for length, group in sorted(stems.items(), reverse=True):
            for cut in (length, length + 1, length - 1):
                if cut > len(folded):
                    continue
                hit = process.extractOne(folded[:cut], [fold(s) for s in group], scorer=OSA.distance, score_cutoff=1)
                if hit is not None:
                    corrected = self._as_corrected(group[hit[2]] + text[cut:])
                    if corrected.keys:
                        return corrected
        for part, _, _ in process.extract(folded, self._long_parts, scorer=fuzz.partial_ratio, score_cutoff=80):
            if len(folded) < len(part) - 1:
                continue
            where = fuzz.partial_ratio_alignment(fold(part), folded)
            if where is None:
                continue
            start, end = where.dest_start, where.dest_end
            for a, b in ((start, end), (start, end + 1), (max(0, start - 1), end)):
                if OSA.distance(folded[a:b], fold(part)) <= 1:
                    corrected = self._as_corrected(text[:a] + part + text[b:])
                    if corrected.keys:
                        return corrected
        return None

    def _as_corrected(self, word: str) -> WordInfo:
        found = self._lookup(word)
        return WordInfo(found.keys, found.read, found.languages, corrected=True)
