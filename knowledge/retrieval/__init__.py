"""Searching a collection: the hybrid searcher (lexical and dense legs, fused), query expansion, follow-ups, and
scoring a searcher on labelled questions."""

from knowledge.retrieval.fusion import FusionWeights
from knowledge.retrieval.hybrid import DEFAULT_WEIGHTS, Gate, HybridSearcher

__all__ = ["DEFAULT_WEIGHTS", "FusionWeights", "Gate", "HybridSearcher"]
