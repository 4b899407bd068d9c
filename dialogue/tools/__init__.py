"""The engine's tools: each described once (name, purpose, a pydantic model of its arguments) and run with the
turn's context, so the offline path and every language-model provider call the same code."""
