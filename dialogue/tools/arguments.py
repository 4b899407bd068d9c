"""The base of every tool's arguments model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ToolArguments(BaseModel):
    """Unknown fields are refused, so a model that tries to pass a user, card or shop id is told so and corrects
    itself; the schema says ``additionalProperties: false`` to every provider."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NoArguments(ToolArguments):
    """For tools that take nothing from the model: the user, card and cart are the turn's own."""
