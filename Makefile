# Developer commands; every one assumes the virtualenv of the README is active.
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: test test-pg lint format migrate openapi demo ci bench

test:
	pytest

test-pg:
	DISCLOSURE_TEST_DATABASE_URL=$(PG_URL) pytest

lint:
	ruff check .
	ruff format --check .
	mypy

format:
	ruff format .
	ruff check --fix .

migrate:
	disclosure-stats migrate

openapi:
	python -m scripts.openapi

demo:
	disclosure-stats demo

ci:
	bash .ci/run

bench:
	python -m bench.run --db both
