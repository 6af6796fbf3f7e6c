"""Consistency rules as pure functions (domain.md §3)."""

from __future__ import annotations

from decimal import Decimal

from app import rules


def d(**values: int) -> dict[str, Decimal]:
    return {key.replace("__", "."): Decimal(v) for key, v in values.items()}


def test_staff_sum_reports_expected_parts_and_actual_total() -> None:
    found = rules.check_report(d(staff__total=53, staff__full_time=8, staff__part_time=44))
    assert [(f.rule, f.expected, f.actual) for f in found] == [("staff.sum", 52, 53)]


def test_a_rule_with_a_missing_part_stays_silent() -> None:
    assert rules.check_report(d(staff__total=53, staff__full_time=8)) == []


def test_fee_and_content_sums_that_hold_find_nothing() -> None:
    values = {
        "fees.total": Decimal("1500.50"),
        "fees.cost_recovery": Decimal("1500.50"),
        "fees.other": Decimal(0),
    }
    assert rules.check_report(values) == []


def test_channel_sum_against_new_requests() -> None:
    values = d(
        requests__new__total=10,
        requests__channel__in_person=4,
        requests__channel__fax=0,
        requests__channel__email=1,
        requests__channel__online=3,
        requests__channel__letter=1,
        requests__channel__other=0,
    )
    [finding] = rules.check_report(values)
    assert (finding.rule, finding.expected, finding.actual) == ("requests.channel_sum", 9, 10)


def test_electronic_reading_points_cannot_exceed_all_reading_points() -> None:
    [finding] = rules.check_report(d(reading_points__total=38, reading_points__electronic=1400))
    assert finding.rule == "reading_points.electronic_le_total"
    assert (finding.expected, finding.actual) == (38, 1400)
    assert rules.check_report(d(reading_points__total=38, reading_points__electronic=38)) == []


def test_outcomes_sum_uses_the_group_rows() -> None:
    values = d(
        requests__total_handled__total=10,
        requests__granted__total=5,
        requests__partial__total=1,
        requests__denied__total=1,
        requests__unable__total=2,
        requests__not_processed__total=0,
        requests__other__total=0,
    )
    [finding] = rules.check_report(values)
    assert (finding.rule, finding.expected, finding.actual) == ("requests.outcomes_sum", 9, 10)


def test_applicants_sum_skips_rows_derived_in_the_format() -> None:
    columns = [
        "natural_person",
        "commercial",
        "research",
        "social_org",
        "legal_service",
        "other_org",
    ]
    values = {f"requests.denied.{c}": Decimal(1) for c in columns}
    values["requests.denied.total"] = Decimal(5)
    [finding] = rules.check_report(values)
    assert (finding.rule, finding.expected, finding.actual) == ("requests.applicants_sum", 6, 5)
    assert rules.check_report(values, frozenset({"requests.denied.total"})) == []


def test_cross_year_rules() -> None:
    previous = d(requests__carried_out__total=4, proactive__normative_docs__in_force=100)
    current = d(
        requests__carried_in__total=4,
        proactive__normative_docs__in_force=103,
        proactive__normative_docs__issued=5,
        proactive__normative_docs__repealed=2,
    )
    assert rules.check_against_previous(current, previous) == []
    current["requests.carried_in.total"] = Decimal(6)
    current["proactive.normative_docs.in_force"] = Decimal(110)
    found = rules.check_against_previous(current, previous)
    assert [(f.rule, f.severity, f.expected, f.actual) for f in found] == [
        ("requests.carry_over_cross_year", "warning", 4, 6),
        ("proactive.stock_flow", "warning", 103, 110),
    ]
