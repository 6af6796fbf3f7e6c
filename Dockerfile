# The service image: the README's install step (`pip install .`), then `disclosure-stats serve`.
FROM python:3.11-slim

WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir .

# SQLite in a volume by default; set DISCLOSURE_DATABASE_URL to use PostgreSQL.
ENV DISCLOSURE_DATABASE_URL=sqlite:////data/disclosure-stats.db
VOLUME /data
EXPOSE 8000
USER nobody
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["disclosure-stats", "serve", "--host", "0.0.0.0", "--port", "8000"]
