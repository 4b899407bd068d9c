"""Cleaning FAQ text: invisible characters, page boilerplate, related-help links, question tags, glued sentences.

Every loader sends its rows through ``clean_entry`` and the whole file through ``link_related`` (``clean_corpus`` does
both), so a pickle, a JSONL and a CSV file of the same FAQ give the same entries. The original question string is
kept as the entry's id; everything else is derived from it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from knowledge.types import Chunk, FaqEntry

# Format characters and controls that render as nothing: zero-width spaces and joiners, BOMs, bidi marks, soft
# hyphens. \t, \n, \r and the form feeds are whitespace and handled below.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]"
)
_LINE_BREAK = re.compile("\r\n|[\r\u2028\u2029\x85]")
_SPACES = re.compile("[^\\S\n]+")  # any whitespace but the newline (\xa0, \u3000, \t, ...)
_BLANK_LINES = re.compile(" ?\n[ \n]*")

# The gap the boilerplate pattern tolerates between any two of its characters, raw text included.
_GAP = "[\\s\u200b-\u200d\u2060\ufeff]*"


def _flex(literal: str) -> str:
    """A pattern for ``literal`` that matches with any whitespace (or none) between its characters."""
    return _GAP.join(re.escape(char) for char in literal if not char.isspace())


_RATING = _flex("별점") + _GAP + "[1-5]" + _GAP + _flex("점")
_FEEDBACK_PIECE = (
    f"(?:{_flex('위 도움말이 도움이 되었나요')}{_GAP}\\??|{_RATING}"
    f"|{_flex('소중한 의견을 남겨주시면 보완하도록 노력하겠습니다')}{_GAP}\\.?)"
)
_BOILERPLATE = re.compile(
    f"{_FEEDBACK_PIECE}{_GAP}(?:(?:{_FEEDBACK_PIECE}|{_flex('보내기')}){_GAP})*"
    f"(?:{_flex('관련 도움말/키워드')}(?P<related>.*?))?(?:{_flex('도움말 닫기')})?{_GAP}\\Z",
    re.DOTALL,
)
"""The SmartStore help page's footer, only at the very end of an answer: the rating widget, the feedback line, the
send button, an optional "관련 도움말/키워드" block and "도움말 닫기". It must start with the question, a rating or the
feedback line, so that an answer merely ending in "보내기" keeps it."""

_TRAILING_GAP = re.compile(_GAP + "\\Z")

_TAGS = re.compile(r"\A(?:★ ?)?\[(?P<first>[^\[\]\n]{1,40})\] ?(?:\[(?P<second>[^\[\]\n]{1,40})\] ?)?")
_STAR = re.compile(r"\A★ ?")

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A sentence end (after a Hangul syllable) glued to what follows; not before closing marks, which end the sentence.
_GLUED = re.compile("(?<=[가-힣])[.?!]+(?=[^\\s.,;:!?)\\]}'\"’”》≫」』〉>…~])")

_SENTENCE_END = re.compile("[.?!]+[)\\]'\"’”》≫」』]*[ \t]+|\n")
# The word before a mark that does not end a sentence: a number or a short Latin abbreviation ending in ".".
_NOT_AN_END = re.compile("(?:^|\\s)(?:[\\d.]+|(?:[A-Za-z]{1,3}\\.)+)\\Z")


@dataclass(frozen=True, slots=True)
class RawFaq:
    """One row as a source gives it. ``related`` holds titles or ids of other rows, resolved by ``link_related``."""

    question: str
    answer: str
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CleanedFaq:
    """An entry whose related links are still titles, as they appeared in the source."""

    entry: FaqEntry
    related_titles: tuple[str, ...] = field(default=())


def normalize_text(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` in NFC with invisible characters removed, every kind of space made " " and whitespace folded.

    With ``keep_newlines`` line breaks survive (one per run of lines, blank lines dropped); otherwise the text is
    folded onto one line.
    """
    text = _LINE_BREAK.sub("\n", unicodedata.normalize("NFC", text))
    text = _INVISIBLE.sub("", text)
    if not keep_newlines:
        return " ".join(text.split())
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip(" \n")


def match_key(text: str) -> str:
    """A key under which titles match questions despite spacing, width, case and invisible characters."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(text.casefold().split())


def strip_boilerplate(answer: str) -> tuple[str, tuple[str, ...]]:
    """``answer`` without the help page's footer, and the lines of its "관련 도움말/키워드" block (titles of
    related questions, or "#keywords"), stripped, in order. An answer without the footer comes back unchanged."""
    titles: list[str] = []
    while (match := _BOILERPLATE.search(answer)) is not None:
        block = match.group("related") or ""
        found = [line for line in (normalize_text(raw) for raw in block.splitlines()) if line]
        titles[:0] = found
        answer = _TRAILING_GAP.sub("", answer[: match.start()])
    return answer, tuple(titles)


def split_tags(question: str) -> tuple[tuple[str, ...], str]:
    """The one or two bracketed tags at the start of a normalised question (after an optional "★") and the
    question without them and without a leading "★". Brackets later in the question are text, not tags."""
    match = _TAGS.match(question)
    if match is None:
        return (), _STAR.sub("", question)
    tags = tuple(tag.strip() for tag in match.group("first", "second") if tag is not None and tag.strip())
    rest = question[match.end() :].strip()
    return (tags, rest) if rest else (tags, _STAR.sub("", question))


def separate_sentences(text: str) -> str:
    """``text`` with a space after each sentence end glued to the next sentence ("합니다.사업자" -> "합니다. 사업자").

    Only ends after a Hangul syllable count, so decimals ("1.5"), abbreviations ("e.g.", "No.", "Q.") and dotted
    names stay whole; URLs are left untouched.
    """
    urls = [match.span() for match in _URL.finditer(text)]

    def spaced(match: re.Match[str]) -> str:
        if any(start <= match.start() < end for start, end in urls):
            return match.group()
        return match.group() + " "

    return _GLUED.sub(spaced, text)


def clean_question(question: str) -> tuple[tuple[str, ...], str]:
    """The tags and the display text of a raw question."""
    tags, text = split_tags(normalize_text(question, keep_newlines=False))
    return tags, separate_sentences(text)


def clean_answer(answer: str) -> tuple[str, tuple[str, ...]]:
    """The display text of a raw answer and the related titles its footer listed."""
    body, titles = strip_boilerplate(answer)
    return separate_sentences(normalize_text(body)), titles


def clean_entry(raw: RawFaq, collection: str) -> CleanedFaq:
    """One row cleaned; the id is ``raw.question`` unchanged. Tags given by the source follow the parsed ones."""
    tags, question = clean_question(raw.question)
    answer, titles = clean_answer(raw.answer)
    extra_tags = (normalize_text(tag, keep_newlines=False) for tag in raw.tags)
    all_tags = tuple(dict.fromkeys(tag for tag in (*tags, *extra_tags) if tag))
    entry = FaqEntry(id=raw.question, question=question, answer=answer, tags=all_tags, collection=collection)
    return CleanedFaq(entry=entry, related_titles=(*titles, *raw.related))


def link_related(cleaned: Sequence[CleanedFaq]) -> list[FaqEntry]:
    """The entries with related titles turned into ids of entries in ``cleaned``.

    A title links to the id it equals; failing that, to the one id it equals once both are normalised
    (``normalize_text``, folded); failing that, to the one id with the same ``match_key`` (spacing ignored). Titles
    that link nowhere ("#keywords", retired questions) or to more than one id, links to the entry itself and
    repeats are dropped. Ids are expected to be unique.
    """
    ids = [item.entry.id for item in cleaned]
    exact = {entry_id: entry_id for entry_id in ids}
    folded = _unique_index(ids, _fold)
    by_key = _unique_index(ids, match_key)
    entries = []
    for item in cleaned:
        related: dict[str, None] = {}
        for title in item.related_titles:
            target = exact.get(title) or folded.get(_fold(title)) or by_key.get(match_key(title))
            if target is not None and target != item.entry.id:
                related[target] = None
        entries.append(replace(item.entry, related=tuple(related)))
    return entries


def clean_corpus(rows: Iterable[RawFaq], collection: str) -> list[FaqEntry]:
    """All ``rows`` cleaned and linked, in order; see ``clean_entry`` and ``link_related``."""
    return link_related([clean_entry(row, collection) for row in rows])


def chunk(entry: FaqEntry, max_chars: int = 500) -> list[Chunk]:
    """``entry.answer`` in parts of at most ``max_chars`` characters, cut between sentences where possible.

    Sentences (and lines) are packed greedily; one longer than ``max_chars`` is cut at its last space before the
    limit, or at the limit. Together the parts hold all of the answer's text (a line break between two sentences
    packed into one part becomes a space). An empty answer has no chunks.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    parts: list[str] = []
    current = ""
    for sentence in sentences(entry.answer):
        if current and len(current) + 1 + len(sentence) <= max_chars:
            current = f"{current} {sentence}"
            continue
        if current:
            parts.append(current)
        current = ""
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 1, max_chars + 1)
            cut = cut if cut > 0 else max_chars
            parts.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        current = sentence
    if current:
        parts.append(current)
    return [Chunk(entry_id=entry.id, index=index, text=text) for index, text in enumerate(parts)]


def sentences(text: str) -> list[str]:
    """The sentences and lines of a cleaned ``text``, stripped and without empties.

    A sentence ends at "." "?" "!" (and closing quotes or brackets after it) followed by whitespace, unless the word
    before the mark is a number ("1.", "2020.") or a short Latin abbreviation ("Q.", "No.", "e.g.").
    """
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[max(0, match.start() - 40) : match.start() + 1]
        if match.group() == "\n" or not _NOT_AN_END.search(before):
            found.append(text[start : match.start() + len(match.group().rstrip())].strip())
            start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def _fold(text: str) -> str:
    return normalize_text(text, keep_newlines=False)


def _unique_index(ids: Iterable[str], key: Callable[[str], str]) -> dict[str, str]:
    """``key(id) -> id`` for the keys that exactly one id has."""
    found: dict[str, str | None] = {}
    for entry_id in ids:
        value = key(entry_id)
        found[value] = entry_id if found.get(value, entry_id) == entry_id else None
    return {value: entry_id for value, entry_id in found.items() if entry_id is not None}
