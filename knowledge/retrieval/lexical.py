"""The lexical legs: BM25 over question morphemes, question-and-answer morphemes (and their adjacent pairs), and
character 2-3-grams of the question and of the question-and-answer.

Built in memory when a collection opens, from the morphemes stored with each record (no morphological analysis
of the documents is needed at open, only of the query).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from knowledge.index.bm25 import BM25Index, FloatArray
from knowledge.index.documents import IndexedEntry, document_text, question_text
from knowledge.index.tokens import char_ngrams

Q_MORPH = "q_morph"
QA_MORPH = "qa_morph"
Q_CHAR = "q_char"
QA_CHAR = "qa_char"
DENSE = "dense"
LEXICAL_LEGS = (Q_MORPH, QA_MORPH, Q_CHAR, QA_CHAR)


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

    def add(self, morphemes: Sequence[str], split: Sequence[str], ngrams: Sequence[str], weight: float) -> None:
        """Add one text's terms: ``morphemes`` in order, ``split`` the same with compounds' parts added."""
        for term in split:
            self.morphemes[term] = self.morphemes.get(term, 0.0) + weight
            self.phrases[term] = self.phrases.get(term, 0.0) + weight
        for pair in pairs(morphemes):
            self.phrases[pair] = self.phrases.get(pair, 0.0) + weight
        for gram in ngrams:
            self.ngrams[gram] = self.ngrams.get(gram, 0.0) + weight

    def scale(self, terms: Collection[str], factor: float) -> None:
        """Multiply the weights of these morphemes (generic words of a follow-up, say) by ``factor``."""
        for table in (self.morphemes, self.phrases):
            for term in terms & table.keys():
                table[term] *= factor

    def merge(self, other: LexicalQuery) -> None:
        """Add ``other``'s weights to this query's."""
        for mine, theirs in (
            (self.morphemes, other.morphemes),
            (self.phrases, other.phrases),
            (self.ngrams, other.ngrams),
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


class LexicalIndex:
    """Three BM25 indexes over the same documents (numbered as given)."""

    def __init__(self, entries: Sequence[IndexedEntry]) -> None:
        frequencies: Counter[str] = Counter()
        for entry in entries:
            frequencies.update(entry.document_terms)
        self.term_frequencies: Mapping[str, int] = frequencies
        self.decompound = Decompounder(frequencies)
        self.legs: dict[str, BM25Index] = {
            Q_MORPH: BM25Index([self.decompound(e.question_terms) for e in entries], k1=1.2, b=0.5),
            QA_MORPH: BM25Index(
                [self.decompound(e.document_terms) + pairs(e.document_terms) for e in entries], k1=1.2, b=0.75
            ),
            Q_CHAR: BM25Index([char_ngrams(question_text(e.entry)) for e in entries], k1=1.2, b=0.5),
            QA_CHAR: BM25Index([char_ngrams(document_text(e.entry)) for e in entries], k1=1.2, b=0.75),
        }

    def scores(self, query: LexicalQuery) -> dict[str, tuple[FloatArray, float]]:
        """Every document's BM25 score in each leg, with the leg's reference score for the query (the score of a
        document holding each query term once, see ``BM25Index.self_score``)."""
        terms = {Q_MORPH: query.morphemes, QA_MORPH: query.phrases, Q_CHAR: query.ngrams, QA_CHAR: query.ngrams}
        return {leg: (self.legs[leg].scores(q), self.legs[leg].self_score(q)) for leg, q in terms.items()}
