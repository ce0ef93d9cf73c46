"""Quantity rules: which quants to move, what is left to disposition (pure python).

Everything here is computed before any stock is touched, so a refused request
never leaves a lot half moved.
"""

from .exceptions import InsufficientQuantityError

DEFAULT_DIGITS = 4


def _round(value, digits=DEFAULT_DIGITS):
    return round(float(value), digits)


def plan_quant_moves(available, requested=None, digits=DEFAULT_DIGITS, label="lot"):
    """Split ``requested`` over quants.

    :param available: list of ``(key, available_qty)`` in removal order
    :param requested: quantity to take; None takes everything available
    :return: list of ``(key, qty)`` with qty > 0 whose sum is the quantity taken
    :raise InsufficientQuantityError: when requested exceeds the total available
    """
    total = _round(sum(max(qty, 0.0) for _key, qty in available), digits)
    if requested is None:
        wanted = total
    else:
        wanted = _round(requested, digits)
        if wanted <= 0:
            raise InsufficientQuantityError(
                "The quantity must be positive (got %(qty)s).", qty=requested
            )
        if wanted > total:
            raise InsufficientQuantityError(
                "%(label)s: %(wanted)s requested but only %(total)s on hand.",
                label=label,
                wanted=wanted,
                total=total,
            )
    plan = []
    left = wanted
    for key, qty in available:
        if left <= 0:
            break
        qty = _round(qty, digits)
        if qty <= 0:
            continue
        take = min(qty, left)
        plan.append((key, take))
        left = _round(left - take, digits)
    return plan


def remaining_to_disposition(nc_quantity, dispositioned, digits=DEFAULT_DIGITS):
    """Quantity of a nonconformance not yet dispositioned (never negative)."""
    return max(_round(nc_quantity - sum(dispositioned), digits), 0.0)


def check_disposition_quantity(
    nc_quantity, dispositioned, quantity, digits=DEFAULT_DIGITS
):
    """Refuse a disposition that goes beyond the nonconformance's quantity.

    :return: the quantity left after this disposition
    """
    quantity = _round(quantity, digits)
    if quantity <= 0:
        raise InsufficientQuantityError(
            "The quantity must be positive (got %(qty)s).", qty=quantity
        )
    left = remaining_to_disposition(nc_quantity, dispositioned, digits)
    if quantity > left:
        raise InsufficientQuantityError(
            "Disposition of %(qty)s exceeds the %(left)s left to disposition "
            "(nonconformance quantity %(total)s).",
            qty=quantity,
            left=left,
            total=_round(nc_quantity, digits),
        )
    return _round(left - quantity, digits)
