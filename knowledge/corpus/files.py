"""FAQ files into entries: a question -> answer pickle, JSON Lines or CSV, told apart by their content.

Whatever the format, rows go through the same cleaning (``knowledge.corpus.clean``). A file that cannot be read as a
whole raises ``FaqFormatError``; single bad rows are skipped and reported with their line and reason, and so are
rows whose id (the question, exactly as written) repeats an earlier one.

- JSONL: one object per line with string "question" and "answer"; optional "tags" and "related" (lists of strings:
  tags without brackets; titles or ids of other questions in the file). Blank lines are skipped.
- CSV: UTF-8 with or without BOM, a header naming the question and answer columns ("question"/"answer" or
  "질문"/"답변", any case); optional "tags"/"태그" and "related"/"관련" columns whose cells list values separated by "|".
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge.corpus.clean import CleanedFaq, RawFaq, clean_entry, link_related
from knowledge.corpus.errors import FaqFormatError
from knowledge.corpus.pickle_loader import DEFAULT_MAX_BYTES, loads_faq_pickle, read_bounded
from knowledge.types import FaqEntry

logger = logging.getLogger(__name__)

FaqFormat = Literal["pickle", "jsonl", "csv"]

_COLUMNS = {
    "question": ("question", "질문"),
    "answer": ("answer", "답변"),
    "tags": ("tags", "태그"),
    "related": ("related", "관련"),
}
_LIST_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out: ``line`` is its 1-based line in the file (its position for a pickle)."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class FaqLoad:
    """What a FAQ file gave: the entries, in file order, and the rows that were left out and why."""

    format: FaqFormat
    entries: list[FaqEntry]
    rejected: tuple[RejectedRow, ...] = ()
    duplicates: tuple[RejectedRow, ...] = ()
    """Rows whose id an earlier row already had; the first one is kept."""


def load_faq(path: str | Path, collection: str) -> list[FaqEntry]:
    """The cleaned entries of the FAQ file at ``path`` for ``collection``; left-out rows are logged as warnings.

    Use ``read_faq`` to see the report itself. Raises ``FaqFormatError`` for a file unreadable as a whole.
    """
    result = read_faq(path, collection)
    for row in (*result.rejected, *result.duplicates):
        logger.warning("%s line %d left out: %s", path, row.line, row.reason)
    return result.entries


def read_faq(path: str | Path, collection: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FaqLoad:
    """The cleaned entries of the FAQ file at ``path`` and the report of the rows left out.

    The format comes from the content: a pickle by its opcodes, JSON Lines when the text starts with "{", CSV
    otherwise. Files over ``max_bytes`` are refused before they are read.
    """
    path = Path(path)
    data = read_bounded(path, max_bytes, "a FAQ file")
    try:
        return parse_faq(data, collection)
    except FaqFormatError as error:
        raise FaqFormatError(f"{path}: {error}") from error.__cause__


def parse_faq(data: bytes, collection: str) -> FaqLoad:
    """``read_faq`` for the bytes of a file."""
    kind = detect_format(data)
    rejected: list[RejectedRow] = []
    if kind == "pickle":
        rows = [
            (line, RawFaq(question, answer))
            for line, (question, answer) in enumerate(loads_faq_pickle(data).items(), 1)
        ]
    else:
        text = _decode(data)
        rows = _jsonl_rows(text, rejected) if kind == "jsonl" else _csv_rows(text, rejected)
    cleaned: list[CleanedFaq] = []
    seen: dict[str, int] = {}
    duplicates: list[RejectedRow] = []
    for line, row in rows:
        if row.question in seen:
            duplicates.append(RejectedRow(line, f"the question repeats line {seen[row.question]}: {row.question!r}"))
            continue
        item = clean_entry(row, collection)
        if not item.entry.question:
            rejected.append(RejectedRow(line, "the question is empty"))
        elif not item.entry.answer:
            rejected.append(RejectedRow(line, f"the answer to {row.question!r} is empty after cleaning"))
        else:
            seen[row.question] = line
            cleaned.append(item)
    rejected.sort(key=lambda row: row.line)
    return FaqLoad(kind, link_related(cleaned), tuple(rejected), tuple(duplicates))


def detect_format(data: bytes) -> FaqFormat:
    """The format of a FAQ file's bytes: "pickle" (protocol 2+ header, or a protocol 0/1 dict), "jsonl" (text
    starting with "{"), else "csv". A JSON array is refused with a ``FaqFormatError`` that says so."""
    if data.startswith(b"\x80") or data.startswith((b"(dp", b"}q", b"}(")):
        return "pickle"
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"["):
        raise FaqFormatError("the file is a JSON array; write one JSON object per line (JSON Lines) instead")
    return "jsonl" if head.startswith(b"{") else "csv"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FaqFormatError(
            f"the file is not UTF-8 (byte {error.start:,}); save it as UTF-8 (CP949/EUC-KR is not read)"
        ) from error


def _jsonl_rows(text: str, rejected: list[RejectedRow]) -> list[tuple[int, RawFaq]]:
    rows = []
    # Split on "\n" only: JSON strings may hold U+2028 and other characters that str.splitlines breaks at.
    for line_number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            rejected.append(RejectedRow(line_number, f"not JSON: {error.msg} at column {error.colno}"))
            continue
        if not isinstance(value, dict):
            rejected.append(RejectedRow(line_number, f"a JSON {type(value).__name__}, expected an object"))
            continue
        row = _row(value, rejected, line_number)
        if row is not None:
            rows.append((line_number, row))
    return rows


def _csv_rows(text: str, rejected: list[RejectedRow]) -> list[tuple[int, RawFaq]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FaqFormatError("the file is empty") from None
    except csv.Error as error:
        raise FaqFormatError(f"the CSV header is unreadable: {error}") from error
    columns = _columns(header)
    rows = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rejected.append(RejectedRow(reader.line_num, f"unreadable CSV: {error}"))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header) or any(cell.strip() for cell in cells[len(header) :]):
            rejected.append(RejectedRow(reader.line_num, f"{len(cells)} cells, the header has {len(header)}"))
            continue
        value: dict[str, object] = {name: cells[index] for name, index in columns.items()}
        for name in ("tags", "related"):
            if name in value:
                value[name] = [item for item in str(value[name]).split(_LIST_SEPARATOR) if item.strip()]
        row = _row(value, rejected, reader.line_num)
        if row is not None:
            rows.append((reader.line_num, row))
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    columns: dict[str, int] = {}
    for field_name, accepted in _COLUMNS.items():
        found = [index for index, name in enumerate(names) if name in accepted]
        if len(found) > 1:
            raise FaqFormatError(f"the CSV header names the {field_name} column twice: {header!r}")
        if found:
            columns[field_name] = found[0]
    missing = ["/".join(_COLUMNS[name]) for name in ("question", "answer") if name not in columns]
    if missing:
        raise FaqFormatError(f"the CSV header {header!r} lacks the column(s) {', '.join(missing)}")
    return columns


def _row(value: dict[str, object], rejected: list[RejectedRow], line: int) -> RawFaq | None:
    """A row from a JSON object or CSV record, or None after reporting why not."""
    question, answer = value.get("question"), value.get("answer")
    if not isinstance(question, str) or not isinstance(answer, str):
        name, bad = ("question", question) if not isinstance(question, str) else ("answer", answer)
        what = "missing" if bad is None else f"a {type(bad).__name__}, expected a string"
        rejected.append(RejectedRow(line, f'"{name}" is {what}'))
        return None
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("tags", "related"):
        items = value.get(name)
        if items is None:
            items = []
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            rejected.append(RejectedRow(line, f'"{name}" must be a list of strings'))
            return None
        lists[name] = tuple(items)
    return RawFaq(question, answer, tags=lists["tags"], related=lists["related"])
