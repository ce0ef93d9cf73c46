import json
import os
import random
from datetime import datetime, timedelta

import pytest
from mfg_integration_base_core import (
    backoff,
    crypto,
    errors,
    flow_declaration,
    flows,
    hashing,
    openapi,
    ordering,
    schemas,
)


def test_backoff_grows_with_jitter_and_cap():
    delays = [
        backoff.retry_delay(n, base=10, cap=300, rng=lambda: 1.0) for n in range(1, 8)
    ]
    assert delays == [10, 20, 40, 80, 160, 300, 300]
    low = backoff.retry_delay(3, base=10, cap=300, rng=lambda: 0.0)
    assert low == 20  # half of the ceiling: full jitter keeps a floor
    rng = random.Random(1)
    assert all(
        1 <= backoff.retry_delay(n, rng=rng.random) <= 3600 for n in range(1, 30)
    )


def test_retry_after_header():
    assert backoff.parse_retry_after("120") == 120
    assert (
        backoff.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    )
    assert backoff.parse_retry_after("soon") is None
    assert backoff.parse_retry_after(None) is None


@pytest.mark.parametrize(
    "header", ["31536000", "100000000000000000", "1e17", "9" * 400, "Fri, 31 Dec 9999"]
)
def test_retry_after_is_finite_and_capped(header):
    seconds = backoff.parse_retry_after(header, now=0, cap=3600)
    assert seconds is None or 0 <= seconds <= 3600
    # What the engine adds to a datetime never overflows it.
    assert datetime(2026, 1, 1) + timedelta(seconds=seconds or 0)


def test_delivery_schedule_parsed_and_jittered():
    delays = backoff.parse_schedule(backoff.STANDARD_WEBHOOKS_SCHEDULE)
    assert delays == [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    assert backoff.schedule_delay(delays, 1, rng=lambda: 0.0) == 5
    assert backoff.schedule_delay(delays, 1, rng=lambda: 1.0) == pytest.approx(5.5)
    assert backoff.schedule_delay(delays, 10) is None
    with pytest.raises(backoff.ScheduleError, match="Step 2"):
        backoff.parse_schedule("0, soon")


def test_due_times_rounded_up_to_the_second():
    assert backoff.ceil_to_second(datetime(2026, 1, 1, 0, 0, 3, 1)) == datetime(
        2026, 1, 1, 0, 0, 4
    )
    assert backoff.ceil_to_second(datetime(2026, 1, 1, 0, 0, 3)) == datetime(
        2026, 1, 1, 0, 0, 3
    )


def test_ordering_decisions_and_gap_expiry():
    assert ordering.decide(0, 1) == ordering.APPLY
    assert ordering.decide(3, 4) == ordering.APPLY
    assert ordering.decide(3, 3) == ordering.DUPLICATE
    assert ordering.decide(3, 6) == ordering.PARK
    now = datetime(2026, 1, 1, 12)
    assert ordering.gap_expired(now - timedelta(minutes=31), now, 1800)
    assert not ordering.gap_expired(now - timedelta(minutes=29), now, 1800)


def test_claimed_keys_decide_from_what_the_batch_applied():
    claimed = ordering.ClaimedKeys()
    key = (7, "MO/001")
    claimed.add(key, 2, has_parked=False)
    assert claimed.holds(key) and not claimed.holds((8, "MO/001"))
    assert claimed.decide(key, 3) == ordering.APPLY
    saved = claimed.copy()
    # no parked message of the key: nothing to release
    assert claimed.note_applied(key, 3) is False
    assert claimed.decide(key, 3) == ordering.DUPLICATE
    assert claimed.decide(key, 5) == ordering.PARK
    claimed.note_parked(key)
    assert claimed.note_applied(key, 4) is True
    assert claimed.applied_now == {key: 4}
    # a savepoint rolled back: what the batch noted since is undone
    claimed.restore(saved)
    assert (claimed.last[key], claimed.parked, claimed.applied_now) == (2, set(), {})


def test_error_classification():
    assert errors.classify_pgcode("40001") == errors.TRANSIENT
    assert errors.classify_pgcode("23505") == errors.PERMANENT
    assert errors.classify_http_status(204) is None
    assert [errors.classify_http_status(s) for s in (408, 429, 500, 503)] == [
        errors.TRANSIENT
    ] * 4
    assert [errors.classify_http_status(s) for s in (400, 401, 404, 422)] == [
        errors.PERMANENT
    ] * 4


def test_hash_ignores_key_order():
    assert hashing.payload_hash({"a": 1, "b": [1, 2]}) == hashing.payload_hash(
        {"b": [1, 2], "a": 1}
    )
    assert hashing.payload_hash({"a": 1}) != hashing.payload_hash({"a": 2})


def test_schema_validation_points_at_field():
    good = {"schema_version": "1.3", "external_id": "X", "values": {"name": "n"}}
    assert schemas.validate(good, flows.SCHEMA_DIR, "generic.record.upsert") == 1
    with pytest.raises(schemas.SchemaError) as err:
        schemas.validate(
            {"schema_version": "1.0", "external_id": "", "values": {"a": 1}},
            flows.SCHEMA_DIR,
            "generic.record.upsert",
        )
    assert err.value.errors[0]["path"] == "external_id"
    with pytest.raises(schemas.SchemaError, match="not supported"):
        schemas.validate(
            {"schema_version": "2.0"}, flows.SCHEMA_DIR, "generic.record.upsert"
        )
    with pytest.raises(schemas.SchemaError, match="schema_version is required"):
        schemas.validate({}, flows.SCHEMA_DIR, "generic.record.upsert")
    with pytest.raises(schemas.SchemaError, match="JSON object"):
        schemas.validate([1], flows.SCHEMA_DIR, "generic.record.upsert")


def test_every_shipped_schema_is_valid_json_schema():
    import glob

    import jsonschema

    root = os.path.join(os.path.dirname(__file__), "..", "..", "addons")
    paths = glob.glob(os.path.join(root, "*", "core", "schemas", "*.json"))
    assert paths
    for path in paths:
        with open(path) as handle:
            schema = json.load(handle)
        jsonschema.validators.validator_for(schema).check_schema(schema)


def test_openapi_document_from_specs():
    doc = openapi.build(flow_declaration.declare(flows.FLOWS))
    assert doc["openapi"] == "3.1.0"
    assert "/mfg/v1/{connector_code}/generic.record.upsert" in doc["paths"]
    assert "/mfg/v1/{connector_code}/generic.record.changed" not in doc["paths"], (
        "outbound flows are not webhooks"
    )


def test_crypto_round_trip_rotation_and_clear_errors():
    from cryptography.fernet import Fernet

    k1, k2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = crypto.encrypt(crypto.make_box(k1), "secret")
    assert "secret" not in token
    assert crypto.decrypt(crypto.make_box(f"{k2},{k1}"), token) == "secret"
    with pytest.raises(crypto.SecretKeyError, match="cannot be decrypted"):
        crypto.decrypt(crypto.make_box(k2), token)
    with pytest.raises(crypto.SecretKeyError, match="mfg_secrets_key"):
        crypto.make_box("")
    with pytest.raises(crypto.SecretKeyError, match="not a valid"):
        crypto.make_box("short")


def test_log_mask_hides_secrets():
    import logging

    from mfg_integration_base_core import logmask

    line = (
        "sent Authorization: Bearer abc.def webhook-signature: v1,xyz= "
        "key whsec_QUJD X-API-Key: k123"
    )
    masked = logmask.mask_text(line)
    for secret in ("abc.def", "v1,xyz=", "QUJD", "k123"):
        assert secret not in masked
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "token %s", ("whsec_SECRET",), None
    )
    logmask.SecretMaskFilter().filter(record)
    assert "SECRET" not in record.getMessage()


def test_metrics_text_parses_as_prometheus():
    parser = pytest.importorskip("prometheus_client.parser")
    from mfg_integration_base_core import metrics

    gauge = metrics.Family("mfg_messages", "gauge", "Stored messages.")
    gauge.add({"connector": 'a"b\\c', "state": "done"}, 3)
    histogram = metrics.Family("mfg_latency_seconds", "histogram", "Latency.")
    counts = list(range(1, len(metrics.LATENCY_BUCKETS) + 1))
    histogram.add_histogram({"connector": "x"}, counts, 12.5, 20)
    families = {
        f.name: f
        for f in parser.text_string_to_metric_families(
            metrics.render([gauge, histogram])
        )
    }
    (sample,) = families["mfg_messages"].samples
    assert sample.labels == {"connector": 'a"b\\c', "state": "done"}
    assert sample.value == 3
    buckets = [
        s for s in families["mfg_latency_seconds"].samples if s.name.endswith("_bucket")
    ]
    assert buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == 20
    assert [s.value for s in buckets[:-1]] == counts


def test_durations_for_people():
    from mfg_integration_base_core import humanize

    assert humanize.duration_ms(850) == "850 ms"
    assert humanize.duration_ms(12400) == "12 s"
    assert humanize.duration_ms(1240) == "1.2 s"
    assert humanize.duration_ms(600000) == "10 min"
    assert humanize.latency_against_target(0, 60000) == "– (target 60 s)"
    assert humanize.latency_against_target(1240, 60000) == "1.2 s (target 60 s)"
