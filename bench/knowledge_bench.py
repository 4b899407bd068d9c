"""Knowledge benchmark: ingest the SmartStore FAQ into a fresh chromadb folder (first time, then an incremental
no-op), open it, score both FAQ dev sets per kind (with the scope gate), and time ``HybridSearcher.search`` (query
encoding included) over the dev questions and perturbed corpus questions; prints tables.

    uv run python -m bench.knowledge_bench [--queries 1000] [--shared ../shared] [--seed 7] [--data-dir DIR]

``--data-dir`` keeps the collection in DIR (a first run builds it, later runs time the no-op re-ingest and the
search): the first ingest with the e5 default takes minutes.

The queries are the corpus's own questions made harder the way users write: spaces removed, a word swapped for a
user's synonym, a typo, eojeol order shuffled, the tail cut, or a follow-up leaning on the previous question.
Each query remembers the entry it came from, so the table also shows how often that entry is still found (for a
follow-up, the entry of the question it follows; "다른 방법은 없어?" deliberately answers with another one).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from kiwipiepy import Kiwi

from bench.common import median, percentile, print_table
from dialogue.settings import OpenAISettings
from knowledge.assistants import gate_for
from knowledge.corpus.files import load_faq
from knowledge.index.registry import KnowledgeBase
from knowledge.index.tokens import Analyzer
from knowledge.retrieval.evaluate import evaluate, load_cases
from knowledge.retrieval.synonyms import SYNONYM_GROUPS
from knowledge.settings import KnowledgeSettings
from knowledge.types import FaqEntry

FAQ = Path("data/smartstore_faq/final_result.pkl")
DEV_SETS = ("faq_dev", "faq_paraphrase_dev")
FOLLOWUPS = ("다른 방법은 없어?", "그건 얼마나 걸려?", "그럼 수수료는?", "그거 취소도 돼?")


def _typo(text: str, rng: random.Random) -> str:
    """Change the vowel of one Hangul syllable (스토어 -> 스토워)."""
    positions = [i for i, ch in enumerate(text) if "가" <= ch <= "힣"]
    if not positions:
        return text
    i = rng.choice(positions)
    code = ord(text[i]) - 0xAC00
    lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
    vowel = (vowel + rng.choice((1, 2, 20))) % 21
    return text[:i] + chr(0xAC00 + lead * 588 + vowel * 28 + tail) + text[i + 1 :]


def _synonym(text: str, rng: random.Random) -> str:
    groups = [group for group in SYNONYM_GROUPS if group[0] in text]
    if not groups:
        return text
    group = rng.choice(groups)
    return text.replace(group[0], rng.choice(group[1:]), 1)


def perturb(question: str, rng: random.Random) -> tuple[str, str]:
    """(kind, query) for one corpus question."""
    words = question.split()
    kind = rng.choice(("nospace", "synonym", "typo", "order", "cut"))
    if kind == "nospace":
        return kind, question.replace(" ", "")
    if kind == "synonym":
        swapped = _synonym(question, rng)
        return ("synonym", swapped) if swapped != question else ("typo", _typo(question, rng))
    if kind == "typo":
        return kind, _typo(question, rng)
    if kind == "order" and len(words) > 2:
        rng.shuffle(words)
        return kind, " ".join(words)
    return "cut", " ".join(words[: max(2, len(words) * 2 // 3)])


def make_queries(
    entries: list[FaqEntry], count: int, rng: random.Random
) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(kind, query, history, source entry id); one in ten is a follow-up with its source as history."""
    queries: list[tuple[str, str, tuple[str, ...], str]] = []
    for _ in range(count):
        entry = rng.choice(entries)
        if rng.random() < 0.1:
            queries.append(("followup", rng.choice(FOLLOWUPS), (entry.question,), entry.id))
            continue
        kind, text = perturb(entry.question, rng)
        queries.append((kind, text, (), entry.id))
    return queries


def folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file()) if path.exists() else 0


def rss_mib() -> float:
    """This process's resident memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the collection here between runs")
    args = parser.parse_args()
    if args.data_dir is not None:
        run(args, args.data_dir)
        return
    with TemporaryDirectory() as folder:
        run(args, Path(folder))


def run(args: argparse.Namespace, data_dir: Path) -> None:
    rng = random.Random(args.seed)
    started = time.perf_counter()
    analyzer = Analyzer(Kiwi())
    analyzer.morphemes("정산은 언제 되나요")
    kiwi_s = time.perf_counter() - started
    entries = load_faq(args.shared / FAQ, "seller")

    settings = KnowledgeSettings()
    base = KnowledgeBase(settings, data_dir=data_dir, openai=OpenAISettings(), analyzer=analyzer)
    first = base.ingest("seller", entries)
    base.close()
    fresh = Analyzer(analyzer.kiwi)  # an empty morpheme cache, as in a new process
    again = KnowledgeBase(settings, data_dir=data_dir, openai=OpenAISettings(), analyzer=fresh)
    noop = again.ingest("seller", entries)
    before = rss_mib()
    opened = time.perf_counter()
    searcher = again.open("seller")
    open_s = time.perf_counter() - opened
    kept = settings.state_dir(data_dir)
    for old in kept.glob("gate-seller-*.npz"):
        old.unlink()  # time the training itself first
    gate_started = time.perf_counter()
    searcher.gate = gate_for("seller", searcher, kept)
    gate_s = time.perf_counter() - gate_started
    gate_started = time.perf_counter()
    searcher.gate = gate_for("seller", searcher, kept)
    kept_gate_s = time.perf_counter() - gate_started
    index_mib = rss_mib() - before
    dense_mib = searcher.dense.vectors.nbytes / 2**20 if searcher.dense is not None else 0.0
    chroma_bytes = folder_size(settings.chroma_path(data_dir))

    print_table(
        f"Ingest of {len(entries):,} entries (kiwi load {kiwi_s:.1f} s, not included)",
        ("run", "seconds", "added", "unchanged", "texts embedded"),
        [
            (
                "first (or resumed, with --data-dir)",
                round(first.seconds, 2),
                first.added,
                first.unchanged,
                first.embedded,
            ),
            ("again, nothing changed", round(noop.seconds, 2), noop.added, noop.unchanged, noop.embedded),
        ],
    )
    print_table(
        "Index",
        ("what", "value"),
        [
            ("open (read chromadb, build lexical indexes)", f"{open_s:.2f} s"),
            ("scope gate, trained (first start)", f"{gate_s:.2f} s"),
            ("scope gate, kept from an earlier start", f"{kept_gate_s:.2f} s"),
            ("memory of the open index (RSS growth)", f"{index_mib:.0f} MiB"),
            ("of which dense vectors", f"{dense_mib:.1f} MiB ({len(searcher.dense or ())} rows)"),
            ("chromadb folder", f"{chroma_bytes / 2**20:.1f} MiB"),
            ("embedder", first.embedder),
        ],
    )
    latencies: dict[str, list[float]] = {}
    score_rows: list[tuple[Any, ...]] = []
    for name in DEV_SETS:
        report = evaluate(searcher, load_cases(args.shared / "eval" / f"{name}.jsonl"))
        latencies[name] = report.latencies_ms
        for kind, part in [("all", report), *sorted(report.kinds.items())]:
            found = part.as_dict()
            score_rows.append(
                (
                    name if kind == "all" else "",
                    kind,
                    part.cases,
                    *("" if found[key] is None else f"{found[key]:.3f}" for key in _SCORES),
                )
            )
    print_table(
        "FAQ dev sets with the scope gate (R@k: expected entry in the first k; rejection: off-topic refused)",
        ("set", "kind", "n", "R@1", "R@5", "MRR", "rejection", "false refusals"),
        score_rows,
    )

    queries = make_queries(entries, args.queries, rng)
    timings: dict[str, list[float]] = defaultdict(list)
    found_at: dict[str, list[int]] = defaultdict(list)
    fresh._cache.clear()  # time the queries with their morphological analysis
    for kind, text, history, source in queries:
        begin = time.perf_counter()
        result = searcher.search(text, k=5, history=history)
        elapsed = (time.perf_counter() - begin) * 1000
        for key in (kind, "all perturbed"):
            timings[key].append(elapsed)
            ids = [hit.entry_id for hit in result.hits]
            found_at[key].append(1 if ids[:1] == [source] else 5 if source in ids else 0)
    encode: list[float] = []
    if searcher.embedder is not None:
        for _, text, _, _ in queries[:200]:
            begin = time.perf_counter()
            searcher.embedder.query(text + " ")  # past the query cache
            encode.append((time.perf_counter() - begin) * 1000)
    rows = [(f"{name} (search with gate)", len(values), *_spread(values), "", "") for name, values in latencies.items()]
    for kind in sorted(timings, key=lambda k: (k == "all perturbed", k)):
        values, hits = timings[kind], found_at[kind]
        rows.append(
            (
                kind,
                len(values),
                *_spread(values),
                f"{sum(h == 1 for h in hits) / len(hits):.0%}",
                f"{sum(h > 0 for h in hits) / len(hits):.0%}",
            )
        )
    if encode:
        rows.append(("query encoding alone (e5)", len(encode), *_spread(encode), "", ""))
    print_table(
        "Search latency in ms, query encoding included (and the source entry found: first / in top 5)",
        ("queries", "n", "p50", "p95", "p99", "max", "top-1", "top-5"),
        rows,
    )


_SCORES = ("recall_at_1", "recall_at_5", "mrr", "off_topic_rejection", "false_refusals")


def _spread(values: list[float]) -> tuple[float, float, float, float]:
    return (
        round(median(values), 2),
        round(percentile(values, 95), 2),
        round(percentile(values, 99), 2),
        round(max(values), 2),
    )


if __name__ == "__main__":
    main()
