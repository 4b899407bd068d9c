"""One JSON schema per tool, from its pydantic arguments model, in the subset every provider accepts.

Pydantic writes ``$defs``/``$ref`` for nested models and enums, ``title`` everywhere and ``anyOf [X, null]`` for
optional fields. OpenAI, Anthropic and Gemini's ``parametersJsonSchema`` read all of that, but smaller models follow
a flat schema better, and a schema with no references is the same text for every provider: so references are
inlined, titles dropped and ``X | None`` written as X (optional is already said by ``required``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_DROP = frozenset({"title", "$defs", "definitions"})


def arguments_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` with references inlined, titles dropped and nullable unions flattened."""
    raw = model.model_json_schema()
    defs: dict[str, Any] = raw.get("$defs", {})
    schema = _clean(raw, defs)
    schema.pop("description", None)  # the model's docstring is for developers; the tool has its own description
    schema.setdefault("properties", {})
    schema["type"] = "object"
    return schema


def _clean(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_clean(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
        return _clean(merged, defs)
    options = node.get("anyOf")
    if isinstance(options, list):
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) == 1 and len(kept) < len(options):
            rest = {key: value for key, value in node.items() if key not in ("anyOf", "default")}
            return _clean({**kept[0], **rest}, defs)
    cleaned = {key: _clean(value, defs) for key, value in node.items() if key not in _DROP}
    if cleaned.get("default", 0) is None:
        del cleaned["default"]
    return cleaned
