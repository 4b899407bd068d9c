"""Text into index terms: normalised Korean morphemes (kiwipiepy) and character n-grams.

Both kinds of term come from the same normalised text (NFC, lower case, invisible characters removed, runs of
white space folded), so that a query and a document written with different spacing or letter case meet.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from kiwipiepy import Kiwi, Token

TOKENIZER_VERSION = "kiwi-content-v1"
"""Recorded with stored morphemes; a change of the rules below makes open re-tokenise stored documents."""

_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")
# Content morphemes: nouns, numerals, verb and adjective stems, roots, foreign words, numbers, hanja.
_CONTENT_TAGS = ("NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH")
# Dependent nouns and light stems that every FAQ sentence has; they only add noise to matching.
_STOP_MORPHEMES = frozenset({"하", "되", "있", "않", "이", "것", "수", "등", "때", "경우", "어떻", "어떡"})


def normalize(text: str) -> str:
    """NFC, lower case, invisible characters removed, white space folded to single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    text = _INVISIBLE.sub("", text).lower()
    return _SPACES.sub(" ", text).strip()


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> list[str]:
    """Character n-grams of the normalised text with spaces and punctuation removed ("배송 비" -> "배송", "송비", ...)."""
    compact = _NOT_WORD.sub("", normalize(text)).replace("_", "")
    grams: list[str] = []
    for size in sizes:
        grams.extend(compact[i : i + size] for i in range(len(compact) - size + 1))
    if not grams and compact:
        grams.append(compact)
    return grams


class Analyzer:
    """Content morphemes of a text with the process's one ``Kiwi`` (loading one takes seconds: pass it in).

    Tokenising a long answer costs milliseconds, so recent results are remembered: an ingest asks for the same
    document text for its lexical fields and for its embedding. Safe to share between threads (searches run in
    worker threads when the embedder is remote).
    """

    def __init__(self, kiwi: Kiwi, *, cache_size: int = 8192) -> None:
        self.kiwi = kiwi
        self._cache: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def morphemes(self, text: str) -> tuple[str, ...]:
        """Content morphemes of ``text`` in order, normalised ("배송비를 바꿨어요" -> ("배송비", "바꾸"))."""
        key = normalize(text)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        terms = tuple(_content(self.kiwi.tokenize(key))) if key else ()
        self._remember(key, terms)
        return terms

    def morphemes_many(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """``morphemes`` of each text; the ones not cached are analysed in one batch (kiwi spreads a batch over
        its worker threads)."""
        keys = [normalize(text) for text in texts]
        with self._lock:
            missing = list(dict.fromkeys(key for key in keys if key and key not in self._cache))
        if missing:
            for key, tokens in zip(missing, self.kiwi.tokenize(missing), strict=True):
                self._remember(key, tuple(_content(tokens)))
        return [self.morphemes(text) for text in texts]

    def _remember(self, key: str, terms: tuple[str, ...]) -> None:
        with self._lock:
            self._cache[key] = terms
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def pronoun_like(self, text: str) -> list[str]:
        """Pronouns and determiners of ``text`` (그것, 그, 이거 ...), for spotting follow-up questions."""
        return [t.form for t in self.kiwi.tokenize(normalize(text)) if t.tag in ("NP", "MM")]


def _content(tokens: Iterable[Token]) -> Iterable[str]:
    for token in tokens:
        if token.tag.startswith(_CONTENT_TAGS):
            form = token.form.lower()
            if form not in _STOP_MORPHEMES:
                yield form
