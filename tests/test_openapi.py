"""The committed OpenAPI document is the app's own."""

from __future__ import annotations

from scripts.openapi import PATH, generate


def test_committed_openapi_document_is_current() -> None:
    assert PATH.read_text(encoding="utf-8") == generate(), (
        "openapi/openapi.json is stale: run `python -m scripts.openapi`"
    )


def test_operation_ids_are_the_route_function_names() -> None:
    import json

    document = json.loads(generate())
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {
        "create_report",
        "create_reports_batch",
        "list_values",
        "get_report",
        "list_findings",
        "upsert_jurisdictions",
    } <= ids
