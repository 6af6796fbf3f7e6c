"""The metric catalog against domain.md §2."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app import catalog

APPLICANT_COLUMNS = 7
TABLE3_ROWS_2019 = 21 + 2  # printed rows incl. （六）其他处理, plus total_handled, carried_out
TABLE3_ROWS_2021 = 23 + 2  # （六） split into three reasons


def test_every_table3_row_has_seven_applicant_columns() -> None:
    keys = catalog.metrics()
    for row in (
        "new",
        "carried_in",
        "granted",
        "partial",
        "denied.state_secret",
        "unable.not_held",
        "not_processed.confirm_existing",
        "other",
        "other.no_correction",
        "total_handled",
        "carried_out",
        "denied",
    ):
        for column in (
            "natural_person",
            "commercial",
            "research",
            "social_org",
            "legal_service",
            "other_org",
            "total",
        ):
            assert f"requests.{row}.{column}" in keys


def test_formats_carry_the_rows_of_their_tables() -> None:
    stored_2019 = {
        k
        for k, m in catalog.metrics().items()
        if k.startswith("requests.") and m.is_stored_in("2019")
    }
    stored_2021 = {
        k
        for k, m in catalog.metrics().items()
        if k.startswith("requests.") and m.is_stored_in("2021")
    }
    assert len(stored_2019) == TABLE3_ROWS_2019 * APPLICANT_COLUMNS
    assert len(stored_2021) == TABLE3_ROWS_2021 * APPLICANT_COLUMNS
    assert "requests.other.total" in stored_2019
    assert "requests.other.total" not in stored_2021
    assert "requests.other.other.total" in stored_2021


def test_derived_group_rows_sum_their_reasons() -> None:
    denied = catalog.get("requests.denied.total")
    assert denied is not None
    assert len(denied.terms) == 8
    assert set(denied.terms) == {
        f"requests.denied.{r}.total"
        for r in (
            "state_secret",
            "law_forbidden",
            "three_safety",
            "third_party",
            "internal_affairs",
            "process_info",
            "enforcement_file",
            "admin_query",
        )
    }
    litigation = catalog.get("litigation.pending")
    assert litigation is not None
    assert litigation.terms == {
        "litigation_direct.pending": 1,
        "litigation_after_review.pending": 1,
    }
    # Printed in narrative reports, derived in the table formats.
    litigation_total = catalog.get("litigation.total")
    assert litigation_total is not None
    assert litigation_total.is_stored_in("pre2019")
    assert not litigation_total.is_stored_in("2021")


def test_ratios_are_recomputed_from_parts() -> None:
    rate = catalog.get("review.correction_rate")
    assert rate is not None
    assert rate.aggregation == "ratio"
    assert rate.numerator == {"review.corrected": 1}
    assert rate.denominator == {"review.total": 1, "review.pending": -1}
    assert rate.formula == "(review.corrected) / (review.total - review.pending)"
    assert {k for k, m in catalog.metrics().items() if m.aggregation == "ratio"} == {
        "requests.grant_rate",
        "requests.disclosure_rate",
        "requests.carry_over_rate",
        "review.correction_rate",
        "litigation.correction_rate",
    }


def test_narrative_items_of_section_2_4_are_all_there() -> None:
    narrative = [
        "proactive.total",
        "proactive.by_level.county",
        "proactive.by_level.township",
        "proactive.by_content.normative_docs",
        "proactive.by_content.plans",
        "proactive.by_content.public_interest",
        "proactive.by_content.public_funds",
        "proactive.by_content.organization",
        "proactive.by_content.other",
        "proactive.online.items",
        "proactive.online.visits",
        "proactive.within_20_workdays",
        "reading_points.total",
        "reading_points.electronic",
        "reading_points.visitors",
        "reading_points.files",
        "staff.total",
        "staff.full_time",
        "staff.part_time",
        "training.sessions",
        "training.attendances",
        "requests.new.total",
        "requests.channel.in_person",
        "requests.channel.fax",
        "requests.channel.email",
        "requests.channel.online",
        "requests.channel.letter",
        "requests.channel.other",
        "requests.granted.total",
        "requests.partial.total",
        "requests.legacy_refused.total",
        "review.total",
        "litigation.total",
        "complaints.total",
        "fees.total",
        "fees.cost_recovery",
        "fees.other",
        "fees.information_processing",
    ]
    for key in narrative:
        metric = catalog.get(key)
        assert metric is not None, key
        assert metric.label_zh and metric.label_en and metric.unit


def test_table2_keys_of_both_formats() -> None:
    keys = catalog.metrics()
    for key in (
        "proactive.rules.in_force",
        "proactive.normative_docs.repealed",
        "proactive.admin_fees.amount",
        "proactive.procurement.amount",
        "proactive.other_services.items_change",
        "proactive.compulsory.decisions",
    ):
        assert key in keys
    change = keys["proactive.licensing.items_change"]
    assert change.signed and change.formats == ("2019",)
    assert keys["proactive.admin_fees.amount"].unit == "元"
    assert keys["proactive.licensing.decisions"].formats == ("2019", "2021")


def test_metrics_endpoint_filters_by_format_and_section(client: TestClient) -> None:
    everything = client.get("/v1/metrics").json()["items"]
    assert len(everything) == len(catalog.metrics())
    fees = client.get("/v1/metrics", params={"section": "fees"}).json()["items"]
    assert [m["key"] for m in fees] == [
        "fees.total",
        "fees.cost_recovery",
        "fees.other",
        "fees.information_processing",
    ]
    pre2019_fees = client.get("/v1/metrics", params={"section": "fees", "format": "pre2019"})
    assert [m["key"] for m in pre2019_fees.json()["items"]] == [
        "fees.total",
        "fees.cost_recovery",
        "fees.other",
    ]
    one = client.get("/v1/metrics/requests.denied.total").json()
    assert one["unit"] == "件"
    assert one["derived_in"] == ["2019", "2021"]
    assert one["formula"].startswith("requests.denied.state_secret.total + ")
    assert client.get("/v1/metrics/no.such.key").status_code == 404
