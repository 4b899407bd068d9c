"""The lexical legs: BM25 over question morphemes, question-and-answer morphemes (and their adjacent pairs),
character 2-3-grams of the question and of the question-and-answer, and question-and-passage morphemes (and pairs),
an entry scoring as its best passage of the answer.

Built in memory when a collection opens, from the morphemes stored with each record (no morphological analysis
of the documents is needed at open, only of the query).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.index.bm25 import BM25Index, FloatArray
from knowledge.index.documents import IndexedEntry, document_text, question_text
from knowledge.index.kept import kept, write_npz
from knowledge.index.tokens import char_ngrams

Q_MORPH = "q_morph"
QA_MORPH = "qa_morph"
Q_CHAR = "q_char"
QA_CHAR = "qa_char"
P_MORPH = "p_morph"
LEXICAL_LEGS = (Q_MORPH, QA_MORPH, Q_CHAR, QA_CHAR, P_MORPH)
PASSAGE_WINDOW = 30
"""Answer morphemes per passage (about two sentences of a FAQ answer)."""
PASSAGE_STRIDE = 15
"""Morphemes between the starts of consecutive passages: each answer morpheme is in two passages, so a fact that
straddles one passage's end is whole in the next."""


def pairs(terms: Sequence[str]) -> list[str]:
    """Adjacent morpheme pairs ("정산_예정"): they tell "예정 금액" from "금액 ... 예정"."""
    return [f"{a}_{b}" for a, b in pairwise(terms)]


@dataclass(slots=True)
class LexicalQuery:
    """A query as term -> weight for each kind of term."""

    morphemes: dict[str, float] = field(default_factory=dict)
    """Morphemes (compounds split) for the question leg."""
    phrases: dict[str, float] = field(default_factory=dict)
    """Morphemes and adjacent pairs, for the question-and-answer leg."""
    ngrams: dict[str, float] = field(default_factory=dict)
    passage: dict[str, float] = field(default_factory=dict)
    """The phrases of the user's own words, for the passage leg: a follow-up's borrowed topic names what the
    previous question was about (a question's words), not a detail to look for in the answers."""

    def add(
        self,
        morphemes: Sequence[str],
        split: Sequence[str],
        ngrams: Sequence[str],
        weight: float,
        *,
        borrowed: bool = False,
    ) -> None:
        """Add one text's terms: ``morphemes`` in order, ``split`` the same with compounds' parts added;
        ``borrowed`` for a follow-up's previous question (left out of ``passage``)."""
        phrases = [*split, *pairs(morphemes)]
        for term in split:
            self.morphemes[term] = self.morphemes.get(term, 0.0) + weight
        for term in phrases:
            self.phrases[term] = self.phrases.get(term, 0.0) + weight
            if not borrowed:
                self.passage[term] = self.passage.get(term, 0.0) + weight
        for gram in ngrams:
            self.ngrams[gram] = self.ngrams.get(gram, 0.0) + weight

    def scale(self, terms: Collection[str], factor: float) -> None:
        """Multiply the weights of these morphemes (generic words of a follow-up, say) by ``factor``."""
        for table in (self.morphemes, self.phrases, self.passage):
            for term in terms & table.keys():
                table[term] *= factor

    def merge(self, other: LexicalQuery) -> None:
        """Add ``other``'s weights to this query's."""
        for mine, theirs in (
            (self.morphemes, other.morphemes),
            (self.phrases, other.phrases),
            (self.ngrams, other.ngrams),
            (self.passage, other.passage),
        ):
            for term, weight in theirs.items():
                mine[term] = mine.get(term, 0.0) + weight


class Decompounder:
    """Makes kiwi's compound nouns meet their spaced forms: "송장출력" also yields "송장" and "출력", and runs of
    one-syllable nouns ("출", "금") also yield their join ("출금"), whenever the parts (or the join) are words the
    collection uses on their own. Applied alike to documents and queries."""

    def __init__(self, frequencies: Mapping[str, int], *, min_count: int = 2) -> None:
        self.words = {w for w, n in frequencies.items() if n >= min_count and len(w) >= 2 and _hangul(w)}

    def __call__(self, terms: Sequence[str]) -> list[str]:
        out = list(terms)
        for term in terms:
            if len(term) >= 4 and _hangul(term):
                split = self._split(term)
                if split:
                    out.extend(split)
        run: list[str] = []
        for term in [*terms, ""]:
            if len(term) == 1 and _hangul(term):
                run.append(term)
                continue
            if len(run) >= 2:
                joined = "".join(run)
                if joined in self.words:
                    out.append(joined)
                elif "".join(run[:2]) in self.words:
                    out.append("".join(run[:2]))
            run = []
        return out

    def _split(self, term: str) -> tuple[str, str] | None:
        for i in range(2, len(term) - 1):
            head, tail = term[:i], term[i:]
            if head in self.words and tail in self.words:
                return head, tail
        return None


def _hangul(word: str) -> bool:
    return all("가" <= ch <= "힣" for ch in word)


def windows(terms: Sequence[str], window: int, stride: int) -> list[Sequence[str]]:
    """Runs of ``window`` terms, ``stride`` apart, the last one ending at the end (so every term is in one); the
    whole sequence (even empty) when it is no longer than ``window``."""
    if window < 1 or stride < 1:
        raise ValueError(f"window and stride must be positive, not {window} and {stride}")
    if len(terms) <= window:
        return [terms]
    starts = [*range(0, len(terms) - window, stride), len(terms) - window]
    return [terms[start : start + window] for start in starts]


class PassageIndex:
    """BM25 over the passages of every document; a document scores as its best passage.

    Long answers dilute a question about one fact inside them (BM25's length normalisation over the whole
    answer); a passage of two sentences with the question holds the fact at full strength.
    """

    def __init__(self, documents: Sequence[Sequence[Sequence[str]]], *, k1: float = 1.2, b: float = 0.75) -> None:
        flat = [passage for document in documents for passage in document]
        self.index = BM25Index(flat, k1=k1, b=b)
        counts = np.array([len(document) for document in documents], dtype=np.int64)
        if counts.size and counts.min() < 1:
            raise ValueError("every document needs at least one passage")
        self.size = len(documents)
        self.starts = np.zeros(self.size, dtype=np.int64)
        np.cumsum(counts[:-1], out=self.starts[1:])
        self.count = len(flat)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {**self.index.arrays("passages"), "passages.starts_of_documents": self.starts}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]]) -> PassageIndex:
        passages = cls.__new__(cls)
        passages.index = BM25Index.from_arrays(arrays, "passages")
        passages.starts = arrays["passages.starts_of_documents"]
        passages.size = len(passages.starts)
        passages.count = passages.index.size
        return passages

    def scores(self, query: Mapping[str, float]) -> FloatArray:
        """Every document's best passage score."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        best: FloatArray = np.maximum.reduceat(self.index.scores(query), self.starts)
        return best

    def self_score(self, query: Mapping[str, float]) -> float:
        return self.index.self_score(query)


class LexicalIndex:
    """Four BM25 indexes over the same documents (numbered as given) and one over their passages.

    Passages are windows of the answer's stored morphemes (no analysis at open): ``window`` morphemes each,
    ``stride`` apart, each preceded by the question's."""

    def __init__(
        self,
        entries: Sequence[IndexedEntry],
        *,
        window: int = PASSAGE_WINDOW,
        stride: int = PASSAGE_STRIDE,
    ) -> None:
        frequencies: Counter[str] = Counter()
        for entry in entries:
            frequencies.update(entry.document_terms)
        self.term_frequencies: Mapping[str, int] = dict(frequencies)
        self.decompound = Decompounder(frequencies)
        self.legs: dict[str, BM25Index] = {
            Q_MORPH: BM25Index([self.decompound(e.question_terms) for e in entries], k1=1.2, b=0.5),
            QA_MORPH: BM25Index(
                [self.decompound(e.document_terms) + pairs(e.document_terms) for e in entries], k1=1.2, b=0.75
            ),
            Q_CHAR: BM25Index([char_ngrams(question_text(e.entry)) for e in entries], k1=1.2, b=0.5),
            QA_CHAR: BM25Index([char_ngrams(document_text(e.entry)) for e in entries], k1=1.2, b=0.75),
        }
        self.passages = PassageIndex([self._passages(e, window, stride) for e in entries], k1=1.2, b=0.75)

    def save(self, path: Path) -> None:
        """Write the built index to ``path`` (numpy's npz, no pickled objects), atomically."""
        arrays: dict[str, npt.NDArray[Any]] = {}
        for leg, index in self.legs.items():
            arrays.update(index.arrays(leg))
        arrays.update(self.passages.arrays())
        arrays["frequencies.terms"] = np.array(list(self.term_frequencies), dtype=str)
        arrays["frequencies.counts"] = np.array(list(self.term_frequencies.values()), dtype=np.int64)
        write_npz(path, arrays)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        index = cls.__new__(cls)
        terms = arrays["frequencies.terms"].tolist()
        index.term_frequencies = dict(zip(terms, arrays["frequencies.counts"].tolist(), strict=True))
        index.decompound = Decompounder(index.term_frequencies)
        index.legs = {leg: BM25Index.from_arrays(arrays, leg) for leg in (Q_MORPH, QA_MORPH, Q_CHAR, QA_CHAR)}
        index.passages = PassageIndex.from_arrays(arrays)
        return index

    def _passages(self, entry: IndexedEntry, window: int, stride: int) -> list[list[str]]:
        """The entry's passages as terms: morphemes with compounds split and adjacent pairs, like ``qa_morph``.
        The answer's morphemes are the document's after the question's (the document field is the question
        field, a line break and the answer)."""
        question = entry.question_terms
        document = entry.document_terms
        answer = document[len(question) :] if document[: len(question)] == question else document
        head = self.decompound(question) + pairs(question)
        return [head + self.decompound(part) + pairs(part) for part in windows(answer, window, stride)]

    def scores(self, query: LexicalQuery) -> dict[str, tuple[FloatArray, float]]:
        """Every document's BM25 score in each leg, with the leg's reference score for the query (the score of a
        document holding each query term once, see ``BM25Index.self_score``)."""
        terms = {Q_MORPH: query.morphemes, QA_MORPH: query.phrases, Q_CHAR: query.ngrams, QA_CHAR: query.ngrams}
        found = {leg: (self.legs[leg].scores(q), self.legs[leg].self_score(q)) for leg, q in terms.items()}
        found[P_MORPH] = (self.passages.scores(query.passage), self.passages.self_score(query.passage))
        return found


LEXICAL_VERSION = 1
"""Part of a kept index's key: raise it when what ``LexicalIndex`` builds changes."""


def kept_lexical(
    folder: Path | None,
    name: str,
    entries: Sequence[IndexedEntry],
    *,
    window: int = PASSAGE_WINDOW,
    stride: int = PASSAGE_STRIDE,
) -> LexicalIndex:
    """``LexicalIndex(entries)``, kept in ``folder`` under a key of the entries' texts and stored morphemes: a start
    over an unchanged collection loads it instead of building it again (the SmartStore FAQ's five BM25 indexes take
    about two seconds to build). Other kept indexes of ``name`` are removed; without a folder, or when the kept file
    cannot be read or written, it is built as usual."""
    if folder is None:
        return LexicalIndex(entries, window=window, stride=stride)
    digest = hashlib.sha256(f"{LEXICAL_VERSION} {window} {stride}".encode())
    for item in entries:
        for part in (question_text(item.entry), document_text(item.entry), *item.question_terms, "\x1f"):
            digest.update(part.encode("utf-8") + b"\x1e")
        for part in item.document_terms:
            digest.update(part.encode("utf-8") + b"\x1e")
        digest.update(b"\x1d")
    return kept(
        folder,
        f"lexical-{name}",
        digest.hexdigest()[:24],
        load=LexicalIndex.load,
        build=lambda: LexicalIndex(entries, window=window, stride=stride),
        what="lexical index",
    )
