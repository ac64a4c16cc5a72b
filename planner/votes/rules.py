"""The result of a vote: pure arithmetic, no session.

The rules, as written:
- "More than half" (quá nửa): Quy chế bầu cử trong Đảng (Quyết định 190-QĐ/TW, 10/10/2024), Điều 2: the
  Party decides "theo nguyên tắc tập trung dân chủ; bình đẳng, trực tiếp, đa số quá bán"; votes on
  resolutions and other matters pass with more than half of the base unless a rule asks for more
  (DOMAIN.md, "Votes and elections"). Strictly more: ``yes * 2 > base`` (exactly half is rejected).
- "Two thirds" is read as AT LEAST two thirds (ít nhất hai phần ba), the wording Vietnamese rules use
  where they ask for more than a simple majority (Hiến pháp 2013, Điều 120 khoản 5: "có ít nhất hai
  phần ba tổng số đại biểu Quốc hội biểu quyết tán thành"): ``yes * 3 >= base * 2``, in whole numbers so
  that 20 of 30 passes exactly.
- The base is those present when the vote opened, or those convened (190-QĐ/TW, Điều 30, for elections
  at a delegate congress: the official delegates convened); the vote says which.
- ``not_voting = base - yes - no - abstain``: everyone of the base who did not choose (absent, or present
  and silent). Totals above the base, or above those present (nobody absent votes), are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MORE_THAN_HALF = "more_than_half"
TWO_THIRDS = "two_thirds"


class CountError(ValueError):
    """Counts that cannot be: negative, or adding up to more than the base or than those present."""

    def __init__(self, kind: str, total: int = 0, limit: int = 0):
        super().__init__(kind)
        self.kind = kind            # "negative", "above_base", "above_present"
        self.total = total
        self.limit = limit


@dataclass(frozen=True)
class Outcome:
    base: int
    yes: int
    no: int
    abstain: int
    not_voting: int
    adopted: bool
    percent: Decimal       # yes as a percentage of the base, two decimals (0 when the base is 0)


def passes(majority: str, yes: int, base: int) -> bool:
    """Whether ``yes`` of ``base`` meets the majority (see the module's docstring for the rules)."""
    if base <= 0:
        return False
    if majority == TWO_THIRDS:
        return yes * 3 >= base * 2
    if majority == MORE_THAN_HALF:
        return yes * 2 > base
    raise ValueError(f"unknown majority {majority!r}")


def percent(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_counts(yes: int, no: int, abstain: int, *, base: int, present: int) -> None:
    """Raise CountError for counts that cannot be."""
    if min(yes, no, abstain) < 0:
        raise CountError("negative")
    total = yes + no + abstain
    if total > base:
        raise CountError("above_base", total, base)
    if total > present:
        raise CountError("above_present", total, present)


def outcome(majority: str, *, base: int, present: int, yes: int, no: int, abstain: int) -> Outcome:
    check_counts(yes, no, abstain, base=base, present=present)
    return Outcome(base=base, yes=yes, no=no, abstain=abstain, not_voting=base - yes - no - abstain,
                   adopted=passes(majority, yes, base), percent=percent(yes, base))
