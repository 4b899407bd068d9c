"""``KnowledgeBase``: the one entry point to FAQ collections: ingest entries, open a collection for search.

Each collection lives in chromadb with its vectors; the lexical indexes are rebuilt in memory at open from the
morphemes stored with the records (about a second for the 2,717-entry seller FAQ, no morphological analysis).
The embedder follows the settings for a new collection and must match the recorded one for an existing one.
A local chromadb folder is held for reading by every process that opens it and written by one at a time, when no
other process has it open (`knowledge.index.folder_lock`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from chromadb.api import ClientAPI
from pydantic import SecretStr

from knowledge.index.documents import IndexedEntry, document_text, question_text, unit_texts
from knowledge.index.e5 import E5_NAME, E5Embedder
from knowledge.index.embeddings import Embedder, EmbeddingMismatch, EmbeddingUnavailable, OpenAIEmbedder
from knowledge.index.folder_lock import FolderLock
from knowledge.index.lsa import OfflineEmbedder
from knowledge.index.progress import IngestProgress, as_progress
from knowledge.index.store import VECTORS_SUFFIX, ChromaStore, IngestReport, StoredCollection, check_name, connect
from knowledge.index.tokens import TOKENIZER_VERSION, Analyzer
from knowledge.retrieval.dense import DenseIndex
from knowledge.retrieval.hybrid import DEFAULT_WEIGHTS, E5_WEIGHTS, Gate, HybridSearcher
from knowledge.retrieval.lexical import kept_lexical
from knowledge.settings import KnowledgeSettings
from knowledge.types import FaqEntry

logger = logging.getLogger(__name__)

OPENAI_PREFIX = "openai:"


class OpenAIAccess(Protocol):
    """What the knowledge base reads of ``dialogue.settings.OpenAISettings`` (typed structurally, so that
    knowledge does not import dialogue)."""

    @property
    def api_key(self) -> SecretStr | None: ...

    @property
    def base_url(self) -> str: ...


class CollectionMissing(LookupError):
    """The collection has not been ingested yet."""


class KnowledgeBase:
    """FAQ collections under one chromadb (a folder in the data dir, or a server).

    ``analyzer`` wraps the process's one Kiwi; ``client`` overrides the chromadb client (tests). `close` lets go of
    the folder, so that another process may write it.
    """

    def __init__(
        self,
        settings: KnowledgeSettings,
        *,
        data_dir: Path,
        openai: OpenAIAccess,
        analyzer: Analyzer,
        client: ClientAPI | None = None,
    ) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.openai = openai
        self.analyzer = analyzer
        self.lock: FolderLock | None = None
        if client is None and not settings.chroma_url:
            self.lock = FolderLock(settings.chroma_path(data_dir))
            self.lock.open()
        try:
            self.store = ChromaStore(client if client is not None else connect(settings, data_dir))
        except BaseException:
            self.close()
            raise
        self._openai_embedder: OpenAIEmbedder | None = None
        self._e5_embedder: E5Embedder | None = None

    def close(self) -> None:
        if self.lock is not None:
            self.lock.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The folder held exclusively (`KnowledgeBusy` when another process has it open); a server needs none."""
        if self.lock is None:
            yield
            return
        with self.lock.writing():
            yield

    # -- embedders ----------------------------------------------------------------------------------------

    def state_path(self, collection: str) -> Path:
        """The fitted offline embedder of ``collection``."""
        return self.settings.state_dir(self.data_dir) / f"{check_name(collection)}.offline.npz"

    def _openai(self, model: str) -> OpenAIEmbedder:
        if self.openai.api_key is None:
            raise EmbeddingUnavailable("embedding=openai needs KKINI_OPENAI__API_KEY")
        if self._openai_embedder is None or self._openai_embedder.model != model:
            self._openai_embedder = OpenAIEmbedder.from_settings(
                self.openai.api_key.get_secret_value(),
                self.openai.base_url,
                model,
                timeout_s=self.settings.openai_timeout_s,
                batch_size=self.settings.openai_batch_size,
                cache_size=self.settings.query_cache_size,
            )
        return self._openai_embedder

    def _e5(self) -> E5Embedder:
        if self._e5_embedder is None:
            self._e5_embedder = E5Embedder(cache_size=self.settings.query_cache_size)
        return self._e5_embedder

    def _new_embedder(self, collection: str, entries: Sequence[FaqEntry]) -> Embedder:
        """The embedder the settings ask for, fitted on ``entries`` when it is lsa."""
        if self.settings.embedding == "openai":
            return self._openai(self.settings.openai_embedding_model)
        if self.settings.embedding == "e5":
            return self._e5()
        started = time.perf_counter()
        embedder = OfflineEmbedder.fit(
            self.analyzer, [document_text(e) for e in entries], dimension=self.settings.offline_dimensions
        )
        embedder.save(self.state_path(collection))
        logger.info("%s: offline embedder fitted in %.1f s", collection, time.perf_counter() - started)
        return embedder

    def _recorded_embedder(self, collection: str, recorded: str, stored: StoredCollection | None) -> Embedder:
        """The embedder a collection was built with; EmbeddingMismatch when the settings ask for another kind."""
        wanted = self.settings.embedding
        if recorded == E5_NAME:
            if wanted != "e5":
                raise EmbeddingMismatch(self._mismatch(collection, recorded))
            return self._e5()
        if recorded.startswith(OPENAI_PREFIX):
            if wanted != "openai" or recorded != OPENAI_PREFIX + self.settings.openai_embedding_model:
                raise EmbeddingMismatch(self._mismatch(collection, recorded))
            return self._openai(recorded.removeprefix(OPENAI_PREFIX))
        if wanted != "lsa":
            raise EmbeddingMismatch(self._mismatch(collection, recorded))
        path = self.state_path(collection)
        try:
            embedder = OfflineEmbedder.load(self.analyzer, path)
        except FileNotFoundError:
            embedder = self._refit(collection, recorded, stored, path)
        if embedder.name != recorded:
            raise EmbeddingMismatch(self._mismatch(collection, recorded, embedder.name))
        return embedder

    def _refit(self, collection: str, recorded: str, stored: StoredCollection | None, path: Path) -> OfflineEmbedder:
        """Rebuild a missing offline state from the stored documents (another replica's data dir, a lost file):
        fitting is deterministic, so it matches whenever the documents are those it was first fitted on."""
        stored = stored if stored is not None else self.store.load(collection)
        texts = [document_text(item.entry) for item in stored.entries] if stored else []  # what lsa is fitted on
        dimension = stored.dimension if stored else self.settings.offline_dimensions
        if not texts or "offline-" + OfflineEmbedder.fingerprint(texts, dimension) != recorded:
            raise EmbeddingMismatch(
                f"collection {collection!r} needs its offline embedder state at {path}, which is missing and "
                "cannot be refitted (entries changed since); re-ingest with --rebuild"
            )
        logger.warning("%s: offline embedder state missing, refitting from the stored documents", collection)
        embedder = OfflineEmbedder.fit(self.analyzer, texts, dimension=dimension)
        embedder.save(path)
        return embedder

    def _mismatch(self, collection: str, recorded: str, offered: str | None = None) -> str:
        wanted = self.settings.embedding
        offered = offered or {"openai": OPENAI_PREFIX + self.settings.openai_embedding_model, "e5": E5_NAME}.get(
            wanted, "lsa"
        )
        kind = "e5" if recorded == E5_NAME else "openai" if recorded.startswith(OPENAI_PREFIX) else "lsa"
        return (
            f"collection {collection!r} was built with {recorded!r}, the settings give {offered!r}; rebuild it "
            f"with this embedding: kkini knowledge ingest --collection {collection} --rebuild PATH, or keep it "
            f"with KKINI_KNOWLEDGE__EMBEDDING={kind}"
        )

    # -- ingest and open ----------------------------------------------------------------------------------

    def ingest(
        self,
        collection: str,
        entries: Sequence[FaqEntry],
        *,
        rebuild: bool = False,
        progress: IngestProgress | Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Create or update ``collection`` to hold exactly ``entries`` (incremental by content hash, resumable: what
        an interrupted run embedded is kept); the report's seconds cover everything (analysis, fitting lsa,
        embedding, writing).

        ``rebuild`` deletes the collection first and, for lsa, refits the embedder on these entries. ``progress``
        hears what the ingest is doing: an ``IngestProgress`` (a bar), or a callable that gets a line per step.
        Raises `KnowledgeBusy` when another process has the folder open.
        """
        check_name(collection)
        report = as_progress(progress)
        started = time.perf_counter()
        with self._writing():
            if rebuild:
                self.store.delete(collection)
                self.state_path(collection).unlink(missing_ok=True)
            meta = self.store.metadata(collection)
            if meta is None:
                report.step(f"{collection}: analysing {len(entries):,} entries")
                # Every entry's text will be analysed (to fit and to index): do it in one multi-threaded batch.
                self.analyzer.morphemes_many([document_text(e) for e in entries] + [question_text(e) for e in entries])
                if self.settings.embedding == "lsa":
                    report.step(f"{collection}: fitting the lsa embedding")
                embedder = self._new_embedder(collection, entries)
            else:
                embedder = self._recorded_embedder(collection, str(meta.get("embedder", "")), None)
            result = self.store.sync(collection, entries, embedder, self._terms, self.units, report)
        return replace(result, seconds=time.perf_counter() - started)

    def units(self, entry: FaqEntry) -> list[str]:
        """The texts the dense leg embeds for ``entry``: its question, then its first answer passages."""
        return unit_texts(entry, self.settings.passage_chars, self.settings.passages_per_entry)

    def _terms(self, entry: FaqEntry) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.analyzer.morphemes(question_text(entry)), self.analyzer.morphemes(document_text(entry))

    def open(self, collection: str, *, gate: Gate | None = None) -> HybridSearcher:
        """A searcher over ``collection``; CollectionMissing when it was never ingested, EmbeddingMismatch when
        the settings' embedder differs from the one that built it."""
        started = time.perf_counter()
        stored = self.store.load(collection)
        if stored is None:
            raise CollectionMissing(
                f"no collection {collection!r}; run: kkini knowledge ingest --collection {collection} PATH"
            )
        embedder = self._recorded_embedder(collection, stored.embedder, stored)
        entries = stored.entries
        if stored.tokenizer != TOKENIZER_VERSION:
            logger.warning("%s: stored morphemes are from %s; re-tokenising in memory", collection, stored.tokenizer)
            entries = [IndexedEntry(item.entry, *self._terms(item.entry)) for item in stored.entries]
        searcher = HybridSearcher(
            entries,
            DenseIndex(stored.vectors, stored.owners, len(entries)),
            embedder,
            self.analyzer,
            gate=gate,
            weights=E5_WEIGHTS if embedder.name == E5_NAME else DEFAULT_WEIGHTS,
            passage_chars=self.settings.passage_chars,
            lexical=kept_lexical(self.settings.state_dir(self.data_dir), check_name(collection), entries),
        )
        logger.info("%s: %d entries opened in %.2f s", collection, len(entries), time.perf_counter() - started)
        return searcher

    def collections(self) -> list[str]:
        """Names of the collections in this chromadb."""
        names = (collection.name for collection in self.store.client.list_collections())
        return sorted(name for name in names if not name.endswith(VECTORS_SUFFIX))
