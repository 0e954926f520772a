# Académie IA Santé: one app process per container (`streamlit run asgi.py`), configured by environment.
# Build: docker build -t academie-ia-sante .   Run: see docs/deployment.md ("Containers").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MALLOC_ARENA_MAX=2

WORKDIR /app
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin academy

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=10001:10001 . .
USER 10001

EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/healthz', timeout=3)"]

# Migrations run before the server starts (concurrent replicas wait on a PostgreSQL advisory lock).
ENTRYPOINT ["deploy/docker-entrypoint.sh"]
CMD ["python", "-m", "streamlit", "run", "asgi.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
