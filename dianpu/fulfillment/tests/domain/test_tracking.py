from datetime import UTC, datetime

import pytest

from dianpu.fulfillment.domain.shipping_file import LineProblem, ShipRow, parse_ship_rows
from dianpu.fulfillment.domain.tracking import SignatureRejected, parse_events_file, sign, verify_signature

BODY = b'{"events": []}'


def test_a_genuine_signature_passes_and_a_tampered_one_fails():
    header = sign("s3cret", BODY, 1_700_000_000)
    verify_signature("s3cret", header, BODY, now=1_700_000_100)
    for secret, body, now, code in [
        ("other", BODY, 1_700_000_100, "signature_invalid"),
        ("s3cret", BODY + b" ", 1_700_000_100, "signature_invalid"),
        ("s3cret", BODY, 1_700_000_301, "signature_expired"),
    ]:
        with pytest.raises(SignatureRejected) as exc:
            verify_signature(secret, header, body, now=now)
        assert exc.value.code == code


def test_missing_header_or_secret():
    with pytest.raises(SignatureRejected) as exc:
        verify_signature("s", "", BODY, now=0)
    assert exc.value.code == "signature_missing"
    with pytest.raises(SignatureRejected) as exc:
        verify_signature("", "t=1,v1=aa", BODY, now=1)
    assert exc.value.code == "webhook_not_configured"


def test_events_file_reports_line_and_column():
    text = (
        "tracking_number,carrier,status,occurred_at,location\n"
        "SF1234567890123,sf,in_transit,2026-11-20T10:00:00+08:00,上海\n"
        "SF1234567890123,sf,lost,2026-11-20T11:00:00+08:00,上海\n"
        "SF1234567890123,sf,delivered,yesterday,\n"
    )
    events, problems = parse_events_file(text)
    assert [(e.status, e.occurred_at.astimezone(UTC)) for e in events] == [
        ("in_transit", datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    ]
    assert [(p.line, p.column, p.code) for p in problems] == [
        (3, "status", "status_unknown"),
        (4, "occurred_at", "time_invalid"),
    ]


def test_ship_rows_accept_carrier_names_and_skip_the_header():
    rows, problems = parse_ship_rows(
        "订单号,承运商,运单号,运费\nDP1,顺丰速运,SF1234567890123,12.50\ndp2,ZTO Express,731234567890\n"
        "DP3,sf\nDP4,sf,SF1,abc\n"
    )
    assert rows[0].carrier == "sf" and str(rows[0].cost) == "12.50"
    assert rows[1] == ShipRow(3, "DP2", "zto", "731234567890", None)
    assert problems == [LineProblem(4, "", "columns_missing", "DP3,sf"), LineProblem(5, "cost", "cost_invalid", "abc")]
