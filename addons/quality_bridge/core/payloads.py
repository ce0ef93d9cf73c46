"""Outbound payload builders (pure python): plain values in, canonical dict out."""

SCHEMA_VERSION = "1.0"


def _clean(payload):
    """Drop keys whose value is None or empty: the schemas never require nulls."""
    return {k: v for k, v in payload.items() if v is not None and v != "" and v != []}


def inspection_requested(
    request_id,
    product,
    quantity,
    origin_type,
    origin_ref,
    lot=None,
    uom=None,
    product_name=None,
    purchase_order=None,
    vendor=None,
    requested_at=None,
):
    return _clean(
        {
            "schema_version": SCHEMA_VERSION,
            "request_id": request_id,
            "product": product,
            "product_name": product_name,
            "lot": lot,
            "quantity": quantity,
            "uom": uom,
            "origin": {"type": origin_type, "reference": origin_ref},
            "purchase_order": purchase_order,
            "vendor": vendor,
            "requested_at": requested_at,
        }
    )


def nonconformance_changed(
    nonconformance,
    state,
    source,
    severity,
    quantity,
    quantity_dispositioned,
    previous_state=None,
    product=None,
    lot=None,
    inspection_id=None,
    production=None,
    receipt=None,
    purchase_order=None,
    vendor=None,
    equipment=None,
    dispositions=None,
    changed_at=None,
):
    return _clean(
        {
            "schema_version": SCHEMA_VERSION,
            "nonconformance": nonconformance,
            "state": state,
            "previous_state": previous_state,
            "source": source,
            "severity": severity,
            "product": product,
            "lot": lot,
            "quantity": quantity,
            "quantity_dispositioned": quantity_dispositioned,
            "inspection_id": inspection_id,
            "production": production,
            "receipt": receipt,
            "purchase_order": purchase_order,
            "vendor": vendor,
            "equipment": equipment,
            "dispositions": [_clean(d) for d in dispositions or []],
            "changed_at": changed_at,
        }
    )


def maintenance_done(
    alert_id,
    request,
    request_name=None,
    equipment=None,
    done_at=None,
    duration_hours=None,
):
    """``request``: the request's unique reference; ``request_name`` its title,
    a label only (two requests may have the same)."""
    return _clean(
        {
            "schema_version": SCHEMA_VERSION,
            "alert_id": alert_id,
            "request": request,
            "request_name": request_name,
            "equipment": equipment,
            "done_at": done_at,
            "duration_hours": duration_hours,
        }
    )
