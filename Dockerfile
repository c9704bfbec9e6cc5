# Dashboard image: one Streamlit replica serving a read-only database file shipped beside it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    FABRIQUE_DB=/app/data/fabrique.duckdb

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY app.py ./
COPY .streamlit ./.streamlit
COPY fabrique ./fabrique
COPY pages ./pages
COPY queries ./queries
COPY static ./static
COPY data/reference ./data/reference

# Build the demo database at image build time unless a real one is mounted at run time
# (mount it read-only: -v /srv/fabrique/fabrique.duckdb:/app/data/fabrique.duckdb:ro).
RUN python -m fabrique ensure \
    && useradd --create-home --uid 10001 fabrique \
    && chown -R fabrique /app/static \
    && chmod -R a-w /app/data

USER fabrique
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"
# One replica per container and per core; several behind deploy/nginx/fabrique.conf (sticky sessions,
# limits, security headers). The code of an image never changes: no file watcher.
CMD ["python", "-m", "fabrique.serve", "--server.port=8501", "--server.address=0.0.0.0", "--server.fileWatcherType=none"]
