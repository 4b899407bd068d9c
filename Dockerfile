# A slim image installing exactly the locked dependencies, running as a non-root user.
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY bots ./bots
COPY dialogue ./dialogue
COPY knowledge ./knowledge
COPY storage ./storage
COPY jobs ./jobs
RUN uv sync --locked --no-dev --no-editable

FROM python:3.11-slim
RUN groupadd --system kkini && useradd --system --gid kkini --home-dir /app --shell /usr/sbin/nologin kkini
WORKDIR /app
COPY --from=build --chown=kkini:kkini /app/.venv /app/.venv
RUN mkdir -p /app/var && chown kkini:kkini /app/var
ENV PATH="/app/.venv/bin:$PATH" KKINI_DATA_DIR=/app/var KKINI_SERVER__HOST=0.0.0.0
USER kkini
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]
CMD ["kkini", "serve"]
