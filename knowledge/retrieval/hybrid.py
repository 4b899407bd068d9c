"""``HybridSearcher``: lexical and dense legs fused into one ranking, with query expansion and follow-up handling.

Legs, whose own scores every ``Hit.legs`` carries (higher is better): ``q_morph`` BM25 on question morphemes,
``qa_morph`` BM25 on question-and-answer morphemes and their adjacent pairs, ``q_char`` and ``qa_char`` BM25 on
character 2-3-grams of the question and of the question-and-answer, ``p_morph`` BM25 on the question with one
passage of the answer (about two sentences; an entry scores as its best passage), and ``dense`` the cosine of the
embeddings (absent when the collection has no usable embedder). See ``knowledge.retrieval.fusion`` for how they are fused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.corpus.clean import chunk
from knowledge.index.documents import IndexedEntry
from knowledge.index.embeddings import Embedder, EmbeddingMismatch, EmbeddingUnavailable
from knowledge.index.tokens import Analyzer, char_ngrams, normalize
from knowledge.retrieval.dense import (
    DENSE,
    DENSE_P,
    DENSE_P_COS,
    DENSE_Q,
    DENSE_Q_COS,
    DenseIndex,
    DenseScores,
    fusion_scores,
)
from knowledge.retrieval.fusion import FusionWeights, fuse, top_k
from knowledge.retrieval.history import GENERIC_MORPHEMES, FollowUpDetector, Rewrite
from knowledge.retrieval.lexical import P_MORPH, QA_MORPH, LexicalIndex, LexicalQuery
from knowledge.retrieval.synonyms import QueryExpander, TypoCorrector
from knowledge.settings import KnowledgeSettings
from knowledge.types import FaqEntry, Hit, SearchResult

logger = logging.getLogger(__name__)

PASSAGE_CHARS = KnowledgeSettings.model_fields["passage_chars"].default

FloatArray = npt.NDArray[np.float32]
Gate = Callable[[str, Sequence[Hit]], tuple[bool, float]]
"""(searched query, hits best first) -> (in scope, confidence in [0, 1])."""

DEFAULT_WEIGHTS = FusionWeights(
    legs={"q_morph": 0.25, "qa_morph": 0.25, "q_char": 0.25, "qa_char": 2.0, P_MORPH: 1.0, DENSE: 0.25},
    title_bonus={"q_morph": 1.0, "q_char": 0.5},
)
"""For lsa and openai collections. Users ask about what the answers say more often than they repeat a help page's
title, so the legs over the whole entry (character n-grams: robust to spacing and endings) and over answer passages
(a fact deep in a long answer at full strength) carry most of the weight. The question legs count in full only
through the title bonus: with a plain high weight, an entry whose title shares one or two query words outranks the
entry whose answer holds the whole question.

Chosen on kkini's own questions, three kinds weighted alike: paraphrased titles and answer-detail questions
(tests/knowledge/retrieval/data/own_cases.jsonl) and 1,200 questions generated from the corpus. Against the earlier
question-heavy weights, first place: paraphrased titles 73% -> 68%, answer details 63% -> 67%, generated questions
60% -> 72%; in the first five 93% -> 91%, 90% -> 95%, 82% -> 90%. The title bonus: a query that restates an entry's
title ("N페이 주문관리 수수료가 뭐예요") still finds that entry first, while a title that shares only a word or two
with the query adds nothing."""
E5_WEIGHTS = FusionWeights(
    legs={
        "q_morph": 0.25,
        "qa_morph": 0.25,
        "q_char": 0.25,
        "qa_char": 2.0,
        P_MORPH: 1.0,
        DENSE_Q: 0.42,
        DENSE_P: 0.85,
    },
    title_bonus={"q_morph": 0.1, "q_char": 0.05},
    dense_expansions=False,
)
"""For e5 collections: the lexical legs as above, and e5's question and passage legs (each entry's score relative to
the query's 10th best, see ``knowledge.retrieval.dense``). Chosen by coordinate search of the dense weights, the
title bonus and the relative floor, five-fold cross-validated over faq_dev and faq_paraphrase_dev together: R@1 /
R@5 0.645 / 0.904 (faq_dev) and 0.738 / 0.933 (paraphrases) held out; refitting the lexical weights as well gained
nothing held out. With e5 the title bonus all but goes: e5 reads a restated title as such."""
TITLE_THRESHOLD = 0.6
"""Where the title bonus starts, as a share of the query's best possible score in the leg."""
PREVIOUS_TOPIC_WEIGHT = 0.7
"""Weight of the borrowed previous question's terms in a follow-up's query."""
_PRIOR_BONUS = (0.10, 0.20, 0.15, 0.10, 0.08)
"""Share of the best possible score added to the previous question's first five entries, in a follow-up. The first
gets less: it answered the previous question already, and a follow-up asks for something beyond it."""
_NEIGHBOUR_BONUS = 0.12
"""Added to the entries the previous top entry links as related help."""
_SAME_TAG_BONUS = 0.08
"""Added to the entries that share the previous top entry's first tag ([가입절차] ...): the same help section."""
_EXACT_BONUS = 0.5
"""Share of the best possible score added to an entry whose question is exactly the query (spacing and
punctuation aside): a user who pastes a question from the help page gets that entry first."""
_ALTERNATIVE_GENERIC_WEIGHT = 0.3
"""Weight of the generic words of a request for another way ("다른 방법은 없어?"): they name no topic, and every
"방법" in the corpus would otherwise compete with the borrowed one."""


@dataclass(slots=True)
class _Ranking:
    scores: dict[str, tuple[FloatArray, float]]
    """Every document's score in each leg, with the leg's reference score for the query (0 for cosines)."""
    fused: FloatArray
    """Every document's fused score."""
    dense: DenseScores | None = None


class HybridSearcher:
    """Implements ``knowledge.types.Searcher`` over one collection held in memory."""

    def __init__(
        self,
        entries: Sequence[IndexedEntry],
        dense: DenseIndex | None,
        embedder: Embedder | None,
        analyzer: Analyzer,
        *,
        gate: Gate | None = None,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        passage_chars: int = PASSAGE_CHARS,
        lexical: LexicalIndex | None = None,
    ) -> None:
        """``lexical``: the entries' lexical index when it was built already (``kept_lexical``)."""
        self.entries = list(entries)
        self.passage_chars = passage_chars
        self.analyzer = analyzer
        self.lexical = lexical if lexical is not None else LexicalIndex(self.entries)
        self.dense = dense if dense is not None and len(dense) and dense.size == len(self.entries) else None
        self.embedder = embedder if self.dense is not None else None
        self.gate = gate
        self.weights = weights
        self._position = {item.entry.id: number for number, item in enumerate(self.entries)}
        self._by_tag: dict[str, list[int]] = {}
        for number, item in enumerate(self.entries):
            if item.entry.tags:
                self._by_tag.setdefault(item.entry.tags[0], []).append(number)
        self._exact: dict[str, list[int]] = {}
        for number, item in enumerate(self.entries):
            self._exact.setdefault(_compact(item.entry.question), []).append(number)
        corpus = " ".join(f"{e.entry.question} {e.entry.answer}" for e in self.entries)
        self.expander = QueryExpander(corpus, TypoCorrector(self.lexical.term_frequencies))
        known = self.lexical.legs[QA_MORPH]
        self.detector = FollowUpDetector(
            lambda text: [(term, known.known(term)) for term in self.analyzer.morphemes(text)]
        )

    def similar(self, entry_id: str, k: int) -> list[str]:
        """Ids of the ``k`` entries whose questions mean most nearly what ``entry_id``'s does (the dense leg;
        empty without one)."""
        number = self._position.get(entry_id)
        if number is None or self.dense is None:
            return []
        return [self.entries[other].entry.id for other in self.dense.similar(number, k)]

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The entry with this id (the original question), if the collection has it."""
        number = self._position.get(entry_id)
        return self.entries[number].entry if number is not None else None

    def search(self, query: str, *, k: int = 5, history: Sequence[str] = ()) -> SearchResult:
        """The best ``k`` entries for ``query``; ``history`` holds the user's earlier questions, oldest first."""
        rewrite = self.detector.rewrite(query, history)
        ranking = self._rank(rewrite)
        if rewrite.previous is not None:
            self._prefer_previous_topic(ranking, rewrite)
        hits = self._hits(ranking, k)
        if self.gate is not None:
            in_scope, confidence = self.gate(rewrite.text, hits)
        else:
            in_scope, confidence = True, self._default_confidence(hits)
        return SearchResult(hits=tuple(hits), in_scope=in_scope, scope_score=confidence, query=rewrite.text)

    # -- ranking ------------------------------------------------------------------------------------------

    def _lexical_query(self, rewrite: Rewrite) -> tuple[LexicalQuery, list[str]]:
        """The weighted terms of the query (typos fixed, synonyms added, a follow-up's borrowed topic at a lower
        weight) and the text to embed of each part: the borrowed previous question's first, the query's last."""
        query = LexicalQuery()
        dense_parts: list[str] = []
        parts = [(rewrite.previous, PREVIOUS_TOPIC_WEIGHT)] if rewrite.previous else []
        parts.append((rewrite.query, 1.0))
        for text, weight in parts:
            assert text is not None
            expansion = self.expander.expand(text, self.analyzer.morphemes(text))
            alternative = rewrite.previous is not None and rewrite.wants_alternative and text is rewrite.query
            generic = _ALTERNATIVE_GENERIC_WEIGHT if alternative else 1.0
            borrowed = text is not rewrite.query
            self._add(query, expansion.text, weight, generic, borrowed=borrowed)
            for phrase, extra_weight in expansion.extra:
                self._add(query, phrase, weight * extra_weight, borrowed=borrowed)
            if self.weights.dense_expansions:
                dense_parts.append(" ".join([expansion.text, *(phrase for phrase, _ in expansion.extra)]))
            else:  # paraphrases R@5 0.925 -> 0.933 with e5 reading the question as written
                dense_parts.append(text)
        return query, dense_parts

    def _add(
        self, query: LexicalQuery, text: str, weight: float, generic: float = 1.0, *, borrowed: bool = False
    ) -> None:
        """Add ``text``'s terms at ``weight``, its generic question words at ``weight * generic``; ``borrowed``
        for the previous question's (see ``LexicalQuery.passage``), whose character n-grams come from its content
        morphemes only: its topic is what a follow-up borrows, not its question frame ("어떻게 해"), which would
        otherwise pull in every entry asked the same way."""
        part = LexicalQuery()
        morphemes = self.analyzer.morphemes(text)
        ngrams = char_ngrams(" ".join(morphemes) if borrowed else text)
        part.add(morphemes, self.lexical.decompound(morphemes), ngrams, weight, borrowed=borrowed)
        if generic != 1.0:
            # A request for another way is all question frame: its character n-grams ("없어") name no topic either.
            part.scale(GENERIC_MORPHEMES, generic)
            part.ngrams = {gram: value * generic for gram, value in part.ngrams.items()}
        query.merge(part)

    def leg_scores(self, rewrite: Rewrite) -> tuple[dict[str, tuple[FloatArray, float]], DenseScores | None]:
        """Every entry's score in each leg, with the leg's reference score (0 for raw cosines), and the dense
        leg's cosines (None without it)."""
        lexical_query, dense_parts = self._lexical_query(rewrite)
        scores = self.lexical.scores(lexical_query)
        dense = self._dense_scores(" ".join(dense_parts))
        if dense is not None and rewrite.previous is not None and self.detector.topical(rewrite.query)[0]:
            # A follow-up that names a topic of its own ("그럼 남은 돈은 어떻게 돼?" after a lost card) is as much
            # about that topic as about the previous one: e5 read the two together as the previous topic alone.
            alone = self._dense_scores(dense_parts[-1])
            if alone is not None:
                dense = dense.blend(alone)
        if dense is not None:
            scores[DENSE] = (dense.best, 0.0)
            scores[DENSE_Q] = (fusion_scores(dense.question), 1.0)
            scores[DENSE_P] = (fusion_scores(dense.passage), 1.0)
            scores[DENSE_Q_COS] = (dense.question, 0.0)
            scores[DENSE_P_COS] = (dense.passage, 0.0)
        return scores, dense

    def _rank(self, rewrite: Rewrite) -> _Ranking:
        scores, dense = self.leg_scores(rewrite)
        ranking = self.combine(scores, rewrite.query, self.weights)
        ranking.dense = dense
        return ranking

    def combine(self, scores: dict[str, tuple[FloatArray, float]], query: str, weights: FusionWeights) -> _Ranking:
        """The fused ranking of ``scores`` under ``weights``, with the title and exact-question bonuses."""
        fused = fuse(scores, weights)
        for leg, bonus in weights.title_bonus.items():
            values, reference = scores[leg]
            if reference > 0:
                strength = (values / np.float32(reference) - TITLE_THRESHOLD) / (1 - TITLE_THRESHOLD)
                fused += np.float32(bonus) * np.clip(strength, 0, None)
        for number in self._exact.get(_compact(query), ()):
            fused[number] += _EXACT_BONUS * weights.best_possible(scores)
        return _Ranking(scores, fused)

    def _dense_scores(self, text: str) -> DenseScores | None:
        if self.embedder is None or self.dense is None or not text.strip():
            return None
        try:
            vector = self.embedder.query(text)
        except EmbeddingUnavailable as error:
            logger.warning("dense leg skipped: %s", error)
            return None
        if vector.shape[0] != self.dense.dimension:
            raise EmbeddingMismatch(
                f"query vector has {vector.shape[0]} dimensions, the collection {self.dense.dimension}"
            )
        return self.dense.scores(vector)

    def _prefer_previous_topic(self, ranking: _Ranking, rewrite: Rewrite) -> None:
        """Lift the entries the previous question found, and the top one's neighbours (its related entries, its
        help section); for "another way", drop the previous top entry so that a different one answers."""
        assert rewrite.previous is not None
        prior = top_k(self._rank(Rewrite(rewrite.previous, None, False)).fused, len(_PRIOR_BONUS))
        best = np.float32(self.weights.best_possible(ranking.scores))
        fused = ranking.fused
        for bonus, doc in zip(_PRIOR_BONUS, prior, strict=False):
            fused[doc] += bonus * best
        if prior:
            top = self.entries[prior[0]].entry
            for related in top.related:
                number = self._position.get(related)
                if number is not None:
                    fused[number] += _NEIGHBOUR_BONUS * best
            if top.tags:
                section = self._by_tag.get(top.tags[0], [])
                fused[section] += np.float32(_SAME_TAG_BONUS) * best
            if rewrite.wants_alternative:
                fused[prior[0]] = 0.0

    # -- results ------------------------------------------------------------------------------------------

    def _hits(self, ranking: _Ranking, k: int) -> list[Hit]:
        hits = []
        for doc in top_k(ranking.fused, k):
            entry = self.entries[doc].entry
            legs = {leg: float(values[doc]) for leg, (values, _) in ranking.scores.items()}
            passage = ""
            if self.dense is not None and ranking.dense is not None:
                parts = chunk(entry, self.passage_chars)
                number = self.dense.best_passage(ranking.dense, doc)
                passage = parts[number].text if number < len(parts) else ""
            hits.append(Hit(entry.id, entry.question, float(ranking.fused[doc]), legs=legs, passage=passage))
        return hits

    def _default_confidence(self, hits: Sequence[Hit]) -> float:
        """Without a gate: the first hit's fused score over the best possible one, in [0, 1]."""
        if not hits:
            return 0.0
        best = self.weights.best_possible(hits[0].legs)
        return max(0.0, min(1.0, hits[0].score / best)) if best > 0 else 0.0


def _compact(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isalnum())
