"""FAQ collections stored in chromadb: tokenisation (``tokens``), BM25 (``bm25``), embedders (``lsa`` offline,
``embeddings`` protocol and OpenAI), the store (``store``) and the ``KnowledgeBase`` (``registry``) that ingests
entries and opens searchers. Import from the modules: ``registry`` sits above ``knowledge.retrieval``, which uses
the modules below it, so this package re-exports nothing."""
