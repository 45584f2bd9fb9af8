"""Scottish STV: the count of the Scottish Local Government Elections Order 2007.

Source: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules
45-52, as made (legislation.gov.uk/ssi/2007/42/schedule/1).  The same counting rules, renumbered
46-53, are in the Scottish Local Government Elections Order 2011 (SSI 2011/399) under which the
2012, 2017 and 2022 council elections were run; SSI 2021/437 changed only rule 53(2) so that an
electronic count may show a transfer after the last vacancies are filled.  Rule numbers cited
in brackets below are those of the 2007 Order.

45. First stage: sort the valid papers by first preference, credit one vote each.
46. Quota: valid papers / (councillors + 1), ignoring decimals, plus one.
47. A candidate whose votes equal or exceed the quota at any stage is deemed elected.
48. (1) Where a candidate's votes exceed the quota and vacancies remain, sort ALL the papers
    received by that candidate by next available preference; papers with none are
    non-transferable.  (3) Each transferred paper carries the transfer value
    (surplus x value of the paper when received) / (candidate's total votes), "the
    calculation being made to five decimal places (any remainder being ignored)".  (4) A
    first-preference paper's value is one; any other paper's is its transfer value when
    received.
49. (1) With two or more surpluses, the highest is transferred first.  (2) Equal surpluses:
    first the candidate with more votes at the most recent preceding stage at which they were
    unequal; (3) equal at every stage: by lot.
50. When no surplus remains to transfer, exclude the continuing candidate with the fewest
    votes; transfer all their papers at the value each was received at (one for first
    preferences) to the next available preference.
51. Equal lowest: exclude the one with fewest votes at the most recent preceding stage at which
    they were unequal; equal at every stage: by lot.
52. (1) Where the continuing candidates are as many as the vacancies left, they are deemed
    elected; (2) then no further transfer is made.

Readings (confirmed against the 2022 official sheets, see docs/verification/scotland-2022.md):
each surplus or exclusion is one stage; values are integers scaled by 10**5, so totals are exact
sums of truncated per-paper values; the fraction lost to truncation is recorded separately from
non-transferable papers; a candidate exactly at the quota has no surplus and no stage
(48(1): "exceeds the quota").  The count is the Gregory loop of ``gregory.py``, whose default
hooks are this rule and quote its clauses, exactly, at the lines that implement them (the
summary above is a paraphrase); this module only names the rule's choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..arithmetic import FixedArithmetic
from ..model import Election, Result
from ._ties import ListedOrder
from .gregory import GregoryCount
from .options import TIES, DecimalOptions, listed_order, option

__all__ = ["ScottishCount", "ScottishOptions", "count", "count_reference"]

PLACES = 5  # [48(3)] "to five decimal places"


class ScottishCount(GregoryCount):
    """SSI 2007/42 rules 45-52 on the Gregory loop.

    The loop's defaults are this rule's: [45] first preferences at value one; [46] quota
    floor(valid / (seats + 1)) + 1; [47] elected at or over the quota; [48] every paper of the
    candidate carries the surplus at surplus x value / total, truncated to five places; [49]
    largest surplus first, equal ones by the most recent unequal stage, then lot; [50] the lowest
    excluded and all their papers moved at the value received, in one stage; [51] ties as [49];
    [52] continuing candidates deemed elected once no more than the vacancies.
    """

    method: ClassVar[str] = "scottish-stv"
    quota_reason: ClassVar[str] = "reached the quota [47]"
    exclusion_reason: ClassVar[str] = "fewest votes [50]"
    deemed_reason: ClassVar[str] = "deemed elected: as many continuing as vacancies [52]"


_SSI = "SSI 2007/42 Sch. 1"


@dataclass(frozen=True)
class ScottishOptions(DecimalOptions):
    """The options of Scottish STV: the arithmetic is the Order's; only the tie policy varies."""

    arithmetic: str = option(
        "fixed",
        "fixed point, remainders ignored",
        source=_SSI + " r.48(3)",
        choices=("fixed",),
        fixed='[48(3)] "the calculation being made to five decimal places (any remainder '
        'being ignored)"',
    )
    precision: int | None = option(
        PLACES,
        "five decimal places",
        source=_SSI + " r.48(3)",
        fixed='[48(3)] "the calculation being made to five decimal places (any remainder '
        'being ignored)"',
    )
    ties: str = option(
        "lot",
        "lot: the most recent stage at which the tied differed, then lot from the seed "
        "[49(2)-(3), 51]; listed: those stages, then the BLT's [tie] order, else the listing "
        "order (Droop's stand-in for the lot; not the Order's: 49(3) says 'by lot')",
        source=_SSI + " r.49(3), r.51",
        choices=TIES,
    )


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: ScottishOptions | None = None,
) -> Result:
    """Count ``election`` by SSI 2007/42 rules 45-52."""
    # Papers as array rows (wherever their int64 sums are exact) give the identical Result
    # (tests/methods/test_fast.py); parcels are the reference they are checked against.
    counting = ScottishCount(election, seats=seats, seed=seed, arithmetic=FixedArithmetic(PLACES))
    if options is not None and options.ties == "listed":
        counting.lot = ListedOrder(listed_order(election))
    return counting.run()


def count_reference(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` on the Gregory loop, parcel by parcel (the reference)."""
    arith = FixedArithmetic(PLACES)
    return ScottishCount(election, seats=seats, seed=seed, arithmetic=arith, arrays=False).run()
