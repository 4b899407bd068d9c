"""FAQ corpora: reading FAQ files (pickle, JSONL, CSV) safely, cleaning them into entries and chunks, and kkini's
own meal-card FAQ."""

from knowledge.corpus.clean import RawFaq, chunk, clean_corpus
from knowledge.corpus.errors import FaqFormatError
from knowledge.corpus.files import FaqLoad, RejectedRow, load_faq, read_faq
from knowledge.corpus.meal_faq import MEAL_COLLECTION, meal_faq
from knowledge.corpus.pickle_loader import load_faq_pickle

__all__ = [
    "MEAL_COLLECTION",
    "FaqFormatError",
    "FaqLoad",
    "RawFaq",
    "RejectedRow",
    "chunk",
    "clean_corpus",
    "load_faq",
    "load_faq_pickle",
    "meal_faq",
    "read_faq",
]
