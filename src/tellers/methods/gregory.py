"""The Gregory family of STV counts: one loop, rules as hooks.

Scottish STV, the Weighted Inclusive Gregory Method (WIGM, the PR Foundation's WIGM-PRF, CfER,
Minneapolis) and ERS97 all count the same way: papers sit in parcels on candidates' piles; a
candidate over the quota passes a surplus on at a reduced value; when no surplus is left, the
lowest candidate is excluded and their papers move on at the value they carry.  They differ in
the quota, in which papers carry a surplus and at what value, in the arithmetic, in how ties are
broken and in when the count may stop early.  :class:`GregoryCount` runs the loop; a rule
subclasses it and overrides hooks.  The defaults are Scottish STV's, the Scottish Local
Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45-52 (``scottish.py`` names
the source): each default quotes the clause it implements at the line that implements it, in
brackets (``[48(3)]``), beside the clauses of the other rules that keep it (``[WIGM-PRF B.3]``,
``[ERS97 4.3]``).

Where the papers lie is a :class:`PaperStore`: parcels in lists (:class:`ParcelStore`, what every
hook may read), or rows of numpy arrays (``_fast.GregoryArrays``) for a rule whose hooks read
no parcel and which counts in fixed point, chosen by :meth:`GregoryCount.make_store`.  The loop
is the same either way.

The loop (:meth:`GregoryCount.run`)
-----------------------------------
First preferences [45] and ``quota`` [46]; the first stage is closed by ``record``, which calls
``elect_reached`` [47].  While vacancies remain [48(1), 50(1)]: if ``deem_remaining`` [52] the
loop ends; else if ``choose_surplus`` [49] names a candidate, ``transfer_surplus`` moves that
surplus as one stage (``surplus_parcels``, ``surplus_values`` / ``transfer_value``,
``surplus_remainder``) [48]; else ``choose_exclusion`` [50(1), 51] names candidates and
``exclude`` moves their papers at the values they carry [50(4)], one stage for each batch
``exclusion_batches`` returns, asking ``stop_exclusion`` after each.  Then ``finish`` [52].
Every stage is closed by ``record``, which appends the totals to ``history`` and then calls
``elect_reached``.

Hook contract
-------------
State a hook may read: ``totals`` (a Value per candidate), ``continuing``, ``elected`` (in
order of election), ``pending`` (the elected whose surplus has not moved, in order of
election), ``excluded``, ``history`` (the totals after every stage, oldest first, the stage
being closed last), ``quota_value``, ``valid``, ``exhausted``, ``loss``, ``seats``, ``arith``,
``lot``, ``papers`` and (where ``reads_parcels``) ``piles``.  A hook may add a sentence to the
note of the stage being closed through ``stage_notes``.

Invariants every hook keeps:

- *Exact, in the count's arithmetic.*  Values are those of ``self.arith`` (scaled ints in
  fixed and guarded point, Fractions in rational); a hook computes with ``self.arith`` and
  names the rounding of every multiply or divide (``Rounding.DOWN`` where a rule says "any
  remainder being ignored"), never floats, never Python's ``/`` on values.
- *Totals conserved.*  After every stage, ``sum(totals) + exhausted + loss`` is exactly the
  valid papers at value one.  A surplus S is split exactly into what moved, what became
  non-transferable and what rounding lost: ``surplus_remainder`` returns two values summing to
  S minus what moved.  A paper's new value never exceeds its old one (the array store's
  int64 bound rests on every value being one or less).
- *Candidates.*  Each candidate is in exactly one of ``continuing``, ``elected``, ``excluded``
  (or withdrawn); only ``elect_reached``, ``deem_elected`` (through ``finish``), ``exclude``
  and a rule's extension of ``transfer_surplus`` move them; ``pending`` is part of
  ``elected``.  A hook that only chooses changes no state.
- *Repeatable.*  A choice depends only on the state and the count's ``lot`` (seeded).
- *Papers.*  A hook reads :class:`Parcel` fields, or returns part of a pile, only if its class
  sets ``reads_parcels = True`` (the papers are then always parcels); otherwise it treats a
  batch as opaque and asks ``self.papers`` about it.

The hooks, in the order the loop first calls them (default: Scottish STV's).  The rules on the
loop: Scottish STV (``scottish.py``, the defaults), WIGM and WIGM-PRF (``wigm.py``; WIGM-PRF
with the option ``defeat_batch=safe`` adds B.2), CfER (``cfer.py``, draft Elections Code
10059), Minneapolis (``mpls.py``, Code 167.70) and ERS97 (``ers97.py``); CfER and Minneapolis
subclass WIGM and inherit what it overrides.

``make_store()``
    Once, from ``__init__``.  Returns the :class:`PaperStore`.  Default: array rows for fixed
    point where the rule reads no parcel and the sums fit in int64, else parcels.  Overridden
    by none.
``quota(valid)``
    Once, after the first preferences are placed; ``valid`` is the number of valid papers.
    Returns the quota as a Value.  Default [46].  Overridden by WIGM (valid / (seats + 1) plus
    one unit of the arithmetic, none in rational), WIGM-PRF [A.1], CfER [10059(a)(2)],
    Minneapolis [167.20 Threshold], ERS97 [5.1.6] (which also lowers ``quota_value`` itself
    [5.4.8]).
``has_quota(total)``
    From the default ``elect_reached``, for each continuing candidate.  Returns whether the
    total elects.  Default [47(1)]: at or over.  Overridden by WIGM (over, in exact
    arithmetic), WIGM-PRF [B.1], CfER [10059(d)], Minneapolis [167.70(c)(1)a] (all but WIGM:
    at or over).  ERS97 does not call it.
``elect_reached(action)``
    From ``record`` at the close of every stage, after ``history`` has the stage's totals;
    ``action`` is what the stage did.  Moves those elected from ``continuing`` to ``elected``,
    appends to ``pending`` those over the quota, and returns their decisions.  Default
    [47(1), 48(1)], kept by WIGM-PRF [B.1] and CfER [10059(d)].  Overridden by ERS97 [5.1.7,
    5.4.8, 5.6.2], Minneapolis [167.70(c)(1)a] (elects here only when those reaching the
    threshold fill the seats; otherwise one at a time in ``transfer_surplus`` [d]).
``deem_remaining()``
    At the top of each pass of the loop.  Returns whether the loop ends because the continuing
    candidates can fill the vacancies left (``finish`` then elects them); no transfer follows.
    Default [52], kept by WIGM, WIGM-PRF [D.3], CfER [10059(i)(1)] and ERS97 [4.3].
    Overridden by Minneapolis [167.70(c)(1)f] (not while a continuing candidate is at the
    threshold: that surplus moves first).
``choose_surplus()``
    Each pass the loop does not end.  Returns a pending candidate whose surplus moves now,
    with any tie-break, or None to exclude instead; leaves ``pending`` alone.  Default [49]:
    the largest surplus, ties by ``break_tie``; kept by WIGM and WIGM-PRF [B.3].  Overridden
    by WIGM-PRF with ``defeat_batch`` [B.2] (sure losers first), CfER [10059(f), (g)] (a
    defeat set first; then every surplus, as one round), Minneapolis [167.70(c)(1)c, d]
    (certain losers first; then the largest surplus of a continuing candidate), ERS97 [5.2.2,
    5.2.3] (deferral).
``surplus_parcels(c)``
    From ``move_surplus`` (the one transfer of one surplus, which ``transfer_surplus`` and
    CfER's every-surplus round both call).  Returns the papers (got from ``papers.pile(c)``)
    that carry ``c``'s surplus.  Default [48(1)]: all of them; kept by WIGM-PRF [B.3], CfER
    [10059(g)(1)] and Minneapolis.  Overridden by ERS97 [5.3.1, 5.3.2] (the last batch
    received).
``surplus_values(c, surplus, total, parcels)``
    From ``move_surplus``; ``surplus`` = ``total`` - quota > 0.  Returns a map from every
    paper value present in ``parcels`` to the value it carries on.  Default [48(3)-(4)]: each
    through ``transfer_value``; kept by all but ERS97.  Overridden by ERS97 [5.3.7] (the
    surplus shared among the transferable papers, or their present value).
``transfer_value(surplus, value, total)``
    From the default ``surplus_values``, once per paper value present.  Returns the new value.
    Default [48(3)]: surplus x value / total, one truncation.  Overridden by WIGM and WIGM-PRF
    [B.3, D.4] (the product and the quotient each truncated), CfER [10059(g)(2)] (one
    truncation, as the default), Minneapolis [167.20 Surplus fraction, Transfer value] (the
    fraction truncated, then its product with the value).
``surplus_remainder(surplus, moved, nontransferable)``
    From ``move_surplus`` once the papers have moved.  Returns (non-transferable, loss),
    summing to ``surplus`` - ``moved``.  Default [48(1)(b)]: the papers with no next
    preference, at their new values, are non-transferable; the rest is rounding loss.
    Overridden by ERS97 [5.3.7, 6.11].
``choose_exclusion()``
    When ``choose_surplus`` returns None.  Returns the continuing candidates (at least one) to
    exclude together, with any tie-break.  Default [50(1), 51]: the lowest, ties by
    ``break_tie``; kept by WIGM and WIGM-PRF [B.4].  Overridden by WIGM-PRF with
    ``defeat_batch`` [B.2], CfER [10059(f), (h), (k)], Minneapolis [167.70(c)(1)c, e] (each a
    batch found by ``choose_surplus``, else the default), ERS97 [5.2.5] (several together).
``break_tie(tied, lowest=, purpose=)``
    From the default ``choose_surplus`` and ``choose_exclusion``.  Returns the chosen and its
    :class:`~tellers.model.TieBreak` (None when only one was tied).  Default [49(2)-(3),
    51(2)]: the most recent stage at which they were unequal, then lot.  Overridden by WIGM and
    WIGM-PRF [D.1] (a predetermined order: the file's, else drawn from the seed, or listed),
    inherited by CfER [10059(h)(2)] and Minneapolis [167.70(c)(1)d, e]; ERS97 [5.2.3, 5.2.5]
    (the earliest such stage).
``exclusion_batches(parcels)``
    From ``exclude``, with every paper the excluded held.  Returns batches (at least one, an
    empty one if there were no papers) that together hold exactly those papers; each is
    transferred as a stage.  Default [50(2)-(3)]: one.  Overridden by ERS97 [5.4.1, 6.1] (one
    batch per paper value, highest first).
``stop_exclusion()``
    From ``exclude`` after each batch's stage.  Returns whether the remaining batches stay
    untransferred.  Default: never (rule 50 moves an excluded candidate's papers in one stage).
    Overridden by ERS97 [5.5.2, 4.3].
``finish()``
    Once, after the loop.  Default [52(1)]: any continuing candidates are deemed elected if
    vacancies remain.  Overridden by Minneapolis [167.70(c)(1)f] (in a round of its own unless
    the final defeat's round).

Two loop steps are extended (or, by CfER's ``transfer_surplus``, replaced) by some rules, which keep
every invariant above.  ``exclude``: ERS97 [5.5.1] (a proposed exclusion that leaves as many
continuing candidates as places moves no papers), WIGM-PRF with ``defeat_batch`` [B.2, D.3], CfER
[10059(i)] and Minneapolis [167.70(c)(1)e] (a defeat that completes the count transfers nothing:
``WigmCount.defeat_in_place``).  ``transfer_surplus``: CfER [10059(g)] (every surplus in one round,
each through ``move_surplus``) and Minneapolis [167.70(c)(1)d] (elects the candidate, then moves the
surplus).  The class attributes ``method``, ``quota_reason``, ``exclusion_reason``,
``deemed_reason`` and ``reads_parcels`` are part of the contract too: the reasons are written into
the decisions, with the rule's clause.  A new rule on this loop adds itself to the lines above and
to ``tests/methods/test_gregory.py``, which holds every rule to the invariants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from operator import add
from typing import Any, ClassVar, Protocol, cast

from .._types import CandidateIndex, Preferences
from ..arithmetic import (
    Arithmetic,
    DecimalCache,
    FixedArithmetic,
    GuardedArithmetic,
    Rounding,
    Value,
)
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak
from . import _fast
from ._ties import Lot, break_by_history
from .base import resolve_seats, strict_preferences

__all__ = ["GregoryCount", "PaperStore", "Parcel", "ParcelStore"]


@dataclass(frozen=True, slots=True)
class SurplusMove:
    """One surplus moved (:meth:`GregoryCount.move_surplus`): what the stage records of it."""

    surplus: Value
    transfers: list[Value]
    nontransferable: Value
    loss: Value
    #: The transfer values, highest first, as the stage's note shows them.
    shown: str


@dataclass(slots=True)
class Parcel:
    """Identical papers that travel together.

    ``prefs`` is the paper's reading as a strict order, ``pos`` the position of the candidate
    holding it, ``value`` the value of each paper, and ``stage`` the stage at which the current
    holder received it (ERS97 transfers a surplus from the last parcel received only).
    """

    prefs: Preferences
    weight: int
    value: Value
    pos: int = 0
    stage: int = 1


#: A store's handle on some papers: a list of parcels, or of array rows.
Batch = Any


class PaperStore(Protocol):
    """Where a Gregory count's papers lie: the loop asks it only these things."""

    def first(self) -> tuple[list[Value], int]:
        """Place every paper on its first preference; return the totals and the valid papers."""
        ...

    def pile(self, c: CandidateIndex) -> Batch:
        """Return the papers ``c`` holds (a surplus hook may pass on only some of them)."""
        ...

    def remove(self, c: CandidateIndex, batch: Batch) -> None:
        """Take ``batch``, got from :meth:`pile`, off ``c``'s pile."""
        ...

    def take(self, cs: Sequence[CandidateIndex]) -> Batch:
        """Take every paper the candidates ``cs`` hold off their piles."""
        ...

    def values(self, batch: Batch) -> set[Value]:
        """Return the paper values present in ``batch``."""
        ...

    def held(self, batch: Batch) -> Iterable[tuple[CandidateIndex, Value]]:
        """Return what each holder's total loses when ``batch`` leaves them."""
        ...

    def move(
        self,
        batch: Batch,
        value_of: Mapping[Value, Value] | None,
        continuing: set[CandidateIndex],
        stage: int,
    ) -> tuple[list[Value], Value, Value]:
        """Pass ``batch`` to the next continuing preferences at new values (None: unchanged).

        Returns the transfers to each candidate, the value that became non-transferable, and
        the total moved.
        """
        ...


class ParcelStore:
    """Papers as :class:`Parcel` lists on each candidate's pile."""

    def __init__(self, election: Election, one: Value, zero: Value) -> None:
        self.election = election
        self.one = one
        self.zero = zero
        self.ncand = len(election.candidates)
        self.piles: list[list[Parcel]] = [[] for _ in range(self.ncand)]

    def first(self) -> tuple[list[Value], int]:
        """Place every paper on its first preference; return the totals and the valid papers."""
        one = self.one
        totals: list[Value] = [self.zero] * self.ncand
        valid = 0
        for prefs, weight in strict_preferences(self.election):
            first = prefs[0]
            # [45(1)] "sort the valid ballot papers into parcels according to the candidates for
            # whom first preference votes are given"; [48(4)(b)(i)] such a paper's value is "one"
            self.piles[first].append(Parcel(prefs, weight, one))
            # [45(2)(b)] "credit the candidate receiving the first preference vote with one vote
            # for each ballot paper"
            totals[first] += weight * one
            # [45(3)] "ascertain and record the total number of valid ballot papers"
            valid += weight
        return totals, valid

    def pile(self, c: CandidateIndex) -> list[Parcel]:
        """Return ``c``'s parcels (still on the pile)."""
        return self.piles[c]

    def remove(self, c: CandidateIndex, batch: list[Parcel]) -> None:
        """Take ``batch`` off ``c``'s pile, the rest keeping their order."""
        moving = set(map(id, batch))
        self.piles[c] = [p for p in self.piles[c] if id(p) not in moving]

    def take(self, cs: Sequence[CandidateIndex]) -> list[Parcel]:
        """Take every parcel of ``cs`` off their piles."""
        parcels = [p for c in cs for p in self.piles[c]]
        for c in cs:
            self.piles[c] = []
        return parcels

    def values(self, batch: list[Parcel]) -> set[Value]:
        """Return the paper values present."""
        return {p.value for p in batch}

    def held(self, batch: list[Parcel]) -> Iterable[tuple[CandidateIndex, Value]]:
        """Return each parcel's holder and what it carries."""
        return ((p.prefs[p.pos], p.weight * p.value) for p in batch)

    @staticmethod
    def next_position(parcel: Parcel, continuing: set[CandidateIndex]) -> int | None:
        """Return the position of the parcel's next preference for a continuing candidate."""
        prefs = parcel.prefs
        for i in range(parcel.pos + 1, len(prefs)):
            if prefs[i] in continuing:
                return i
        return None

    def move(
        self,
        batch: list[Parcel],
        value_of: Mapping[Value, Value] | None,
        continuing: set[CandidateIndex],
        stage: int,
    ) -> tuple[list[Value], Value, Value]:
        """Pass parcels to their next preferences; papers of one value are valued once."""
        transfers: list[Value] = [self.zero] * self.ncand
        nontransferable: Value = self.zero
        for p in batch:
            value = p.value if value_of is None else value_of[p.value]
            nxt = self.next_position(p, continuing)
            if nxt is None:
                # [48(1)(b), 50(2)(b)] "where no such preference is given, as a parcel of
                # non-transferable papers"
                nontransferable += p.weight * value
                continue
            # [48(2), 50(3)] "transfer each parcel ... to the continuing candidate for whom the
            # next available preference is given on those papers"
            p.pos = nxt
            p.value = value
            p.stage = stage
            to = p.prefs[nxt]
            self.piles[to].append(p)
            transfers[to] += p.weight * value
        return transfers, nontransferable, sum(transfers, self.zero)


class GregoryCount:
    """One count under a Gregory-family rule; subclasses set the rule by overriding hooks."""

    #: The registered method name, written into the result.
    method: ClassVar[str] = "gregory"
    #: Reasons recorded with decisions; rules cite their clauses here.
    quota_reason: ClassVar[str] = "reached the quota"
    exclusion_reason: ClassVar[str] = "fewest votes"
    deemed_reason: ClassVar[str] = "deemed elected: as many continuing candidates as vacancies"
    #: Whether the rule's hooks read parcels' fields or move part of a pile (a surplus from the
    #: last parcel, an exclusion in batches): then the papers are always parcels.
    reads_parcels: ClassVar[bool] = False

    def __init__(
        self,
        election: Election,
        *,
        seats: int | None,
        seed: int,
        arithmetic: Arithmetic,
        arrays: bool | None = None,
    ) -> None:
        """Set up a count; ``arrays`` chooses the paper store (None: arrays where they apply)."""
        self.election = election
        self.arrays = arrays
        self.seats = resolve_seats(election, seats)
        self.arith = arithmetic
        self.lot = Lot(seed)
        self.seed = seed
        n = len(election.candidates)
        self.ncand = n
        self.continuing: set[CandidateIndex] = set(range(n)) - election.withdrawn
        if not self.continuing:
            raise ConfigurationError("no candidates to count: all are withdrawn")
        self.elected: list[CandidateIndex] = []
        self.pending: list[CandidateIndex] = []
        self.excluded: list[CandidateIndex] = []
        zero = arithmetic.of(0)
        self.zero = zero
        self.totals: list[Value] = [zero] * n
        self.papers: PaperStore = self.make_store()
        # Scaled integers repeat from stage to stage: each Decimal is made once.
        self.dec: Callable[[Value], Decimal] = arithmetic.decimal
        if isinstance(arithmetic, FixedArithmetic | GuardedArithmetic):
            # Their values are ints, which is all a cache is asked for.
            self.dec = cast(Callable[[Value], Decimal], DecimalCache(arithmetic.places).__getitem__)
        self.history: list[list[Value]] = []
        self.exhausted: Value = zero
        self.loss: Value = zero
        self.rounds: list[Round] = []
        self.valid = 0
        self.quota_value: Value = zero
        #: Sentences a hook adds to the note of the stage being closed; ``record`` empties it.
        self.stage_notes: list[str] = []

    # -- hooks ------------------------------------------------------------------------------

    def make_store(self) -> PaperStore:
        """Return where the papers will lie: array rows where they apply, else parcels.

        Array rows hold paper values as int64: they serve fixed-point arithmetic whose papers
        times its unit stay below 2**63, for rules whose hooks read no parcel.
        """
        a = self.arith
        fits = (
            not self.reads_parcels
            and isinstance(a, FixedArithmetic)
            and _fast.supports(self.election, 10**a.places)
        )
        if self.arrays and not fits:
            raise ConfigurationError(f"{self.method} cannot keep its papers as array rows here")
        if fits and self.arrays is not False:
            return _fast.GregoryArrays(self.election, 10**a.places)
        return ParcelStore(self.election, a.of(1), a.of(0))

    @property
    def piles(self) -> list[list[Parcel]]:
        """Each candidate's parcels, for hooks that read them (a :class:`ParcelStore` only)."""
        assert isinstance(self.papers, ParcelStore), "this rule's hooks read parcels"
        return self.papers.piles

    def quota(self, valid: int) -> Value:
        """Return the quota for ``valid`` papers, floor(valid / (seats + 1)) + 1 [46]."""
        # [46(1)] "divide the total number of valid ballot papers for the electoral ward by a
        # number exceeding by one the number of councillors to be elected"; [46(2)] "The result
        # of the division under paragraph (1) (ignoring any decimal places), increased by one,
        # is the number of votes needed to secure the return of a candidate"
        return self.arith.of(valid // (self.seats + 1) + 1)  # [46(1)-(2)]

    def has_quota(self, total: Value) -> bool:
        """Return whether a total reaches the quota (at or over it) [47(1)]."""
        # [47(1)] "Where, at any stage of the count, the number of votes for a candidate equals
        # or exceeds the quota, the candidate is deemed to be elected."
        return self.arith.compare(total, self.quota_value) >= 0  # [47(1)]

    def surplus_parcels(self, c: CandidateIndex) -> Batch:
        """Return the papers that carry ``c``'s surplus: all of them (inclusive Gregory)."""
        # [48(1)] "sort the ballot papers received by that candidate into further parcels";
        # [WIGM-PRF B.3] "For each ballot assigned to that candidate"
        return self.papers.pile(c)

    def transfer_value(self, surplus: Value, value: Value, total: Value) -> Value:
        """Return a paper's new value: surplus x value / total, truncated once [48(3)]."""
        # [48(3)] "the transfer value" is "A divided by B" where A is "the value which is
        # calculated by multiplying the surplus of the transferring candidate by the value of the
        # ballot paper when received by that candidate" and B is "the total number of votes
        # credited to that candidate, the calculation being made to five decimal places (any
        # remainder being ignored)": one exact product, one division truncated to the places of
        # the count's arithmetic (five for Scottish STV, scottish.PLACES).
        return self.arith.muldiv(surplus, value, total, rounding=Rounding.DOWN)  # [48(3)] A / B

    # The hook contract's signature: a rule's hook may read whose surplus it is.
    def surplus_values(
        self,
        c: CandidateIndex,  # noqa: ARG002
        surplus: Value,
        total: Value,
        parcels: Batch,
    ) -> dict[Value, Value]:
        """Map each present paper value among ``parcels`` to the value it carries on.

        By default every value is passed through ``transfer_value``; a rule whose transfer value
        depends on the papers themselves (ERS97 divides by the number of transferable papers)
        overrides this.
        """
        # [48(4)(b)] "the value of the ballot paper" is "one" for a first preference, else "the
        # transfer value of the ballot paper when received by the transferring candidate": papers
        # of one value share one transfer value, computed once.
        return {v: self.transfer_value(surplus, v, total) for v in self.papers.values(parcels)}

    def surplus_remainder(
        self, surplus: Value, moved: Value, nontransferable: Value
    ) -> tuple[Value, Value]:
        """Split what a surplus did not pass on into (non-transferable votes, rounding loss).

        ``moved`` went to continuing candidates and ``nontransferable`` is what the papers
        without a next preference carried at their new values; by default the rest is loss.
        """
        # [48(1)(b)] papers with no next preference form "a parcel of non-transferable papers";
        # what 48(3)'s "any remainder being ignored" drops is kept apart as loss (the reading the
        # 2022 official sheets confirm, scottish.py), so the surplus is accounted for exactly.
        return nontransferable, surplus - moved - nontransferable

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return the pending candidate whose surplus moves next (largest first), or None."""
        if not self.pending:
            return None
        # [49(1)] "first sort the ballot papers of the candidate with the highest surplus" (every
        # surplus is over one quota, so the highest total); [WIGM-PRF B.3] "the largest surplus"
        top = max(self.totals[c] for c in self.pending)  # [49(1)]
        tied = [c for c in self.pending if self.arith.compare(self.totals[c], top) == 0]
        # [49(2)-(3)] equal surpluses: see break_tie
        return self.break_tie(tied, lowest=False, purpose="order of surpluses")

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return the candidates to exclude now (the lowest one) and any tie-break."""
        # [50(1)] "exclude from the election at that stage the candidate with the then lowest
        # number of votes"; [WIGM-PRF B.4] "Defeat the hopeful candidate with the lowest vote"
        low = min(self.totals[c] for c in self.continuing)  # [50(1)]
        tied = [c for c in self.continuing if self.arith.compare(self.totals[c], low) == 0]
        # [51(1)] "two or more candidates each have the same number of votes; and ... no other
        # candidate has fewer votes": see break_tie
        c, tie = self.break_tie(tied, lowest=True, purpose="exclusion")
        return [c], tie

    def exclusion_batches(self, parcels: Batch) -> list[Batch]:
        """Split an excluded candidate's papers into the transfers made: here, one."""
        # [50(2)] "sort the ballot papers for the candidate excluded under paragraph (1) into
        # parcels" and [50(3)] "transfer each parcel": all of them, as one stage.
        return [parcels]

    def stop_exclusion(self) -> bool:
        """Return whether an exclusion's remaining batches stay untransferred (default: never)."""
        return False

    def deem_remaining(self) -> bool:
        """Return whether the continuing candidates can now simply fill the vacancies."""
        # [52(1)] "Where the number of continuing candidates is equal to the number of vacancies
        # remaining unfilled, the continuing candidates are deemed to be elected" (fewer, after
        # withdrawals, likewise); [52(2)] "Where the last vacancies can be filled under this
        # rule, no further transfer shall be made": the loop stops before any.  [ERS97 4.3]
        # "there is the same number of candidates left as unfilled seats"; [WIGM-PRF D.3] "the
        # number of elected plus pending plus hopeful candidates is equal to or less than the
        # number of seats to be filled"
        return len(self.continuing) <= self.seats - len(self.elected)  # [52(1)-(2)]

    def break_tie(
        self, tied: Sequence[CandidateIndex], *, lowest: bool, purpose: str
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Break a tie by the most recent stage at which the tied differed, then by lot."""
        # [49(2)] equal surpluses: "the candidate who had the highest number of votes at the end
        # of the most recent preceding stage at which they had unequal numbers of votes" first;
        # [49(3)] "equal at all stages of the count, the returning officer shall decide, by lot";
        # [51(2)(a)] equal lowest: "the most recently preceding stage of the count at which they
        # had an unequal number of votes and the candidate with the lowest number of votes at
        # that stage shall be excluded"; [51(2)(b)] "equal at all stages ... by lot"
        return break_by_history(tied, self.history, lowest=lowest, purpose=purpose, lot=self.lot)

    def finish(self) -> None:
        """Fill any seats left with the continuing candidates (or none, if seats are full)."""
        # [52(1)] "the continuing candidates are deemed to be elected"
        if len(self.elected) < self.seats and self.continuing:
            self.deem_elected(self.deemed_reason)

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> Result:
        """Count the election and return its result."""
        self.totals, self.valid = self.papers.first()
        self.quota_value = self.quota(self.valid)
        self.record([self.zero] * self.ncand, "First preferences", [], Action.FIRST, ())

        # [48(1)] "one or more vacancies remain to be filled"; [50(1)] "If, one or more vacancies
        # remain to be filled"
        while len(self.elected) < self.seats:
            if self.deem_remaining():
                break
            chosen = self.choose_surplus()
            if chosen is not None:
                self.transfer_surplus(*chosen)
                continue
            cs, tie = self.choose_exclusion()
            self.exclude(cs, tie)
        self.finish()
        return self.result()

    def elect_reached(self, action: Action) -> list[Decision]:  # noqa: ARG002
        """Elect every continuing candidate who reached the quota, highest first.

        ``action`` is what the stage being closed did; the default rule does not need it.
        """
        reached = [c for c in self.continuing if self.has_quota(self.totals[c])]
        decisions: list[Decision] = []
        while reached:
            top = max(self.totals[c] for c in reached)
            tied = [c for c in reached if self.arith.compare(self.totals[c], top) == 0]
            # The order among candidates elected at one stage decides nothing (surpluses are
            # ordered by their own rule), so no lot is drawn for it: file order settles it.
            c, tie = break_by_history(
                tied, self.history, lowest=False, purpose="order of election", lot=None
            )
            reached.remove(c)
            self.continuing.discard(c)
            self.elected.append(c)
            # [48(1)] a surplus moves only where "the number of votes credited to any candidate
            # exceeds the quota": a candidate exactly at it has none
            if self.arith.compare(self.totals[c], self.quota_value) > 0:  # [48(1)] "exceeds"
                self.pending.append(c)
            decisions.append(Decision(c, Outcome.ELECTED, self.quota_reason, tie))
        return decisions

    def deem_elected(self, reason: str) -> None:
        """Elect all continuing candidates, highest first, in the last stage's decisions."""
        order = sorted(self.continuing, key=lambda c: (-self.totals[c], c))
        deemed = tuple(Decision(c, Outcome.ELECTED, reason) for c in order)
        self.elected.extend(order)
        self.continuing.clear()
        last = self.rounds[-1]
        self.rounds[-1] = replace(last, decisions=last.decisions + deemed)

    def next_position(self, parcel: Parcel) -> int | None:
        """Return the position of the parcel's next preference for a continuing candidate."""
        return ParcelStore.next_position(parcel, self.continuing)

    def move(
        self, batch: Batch, value_of: Mapping[Value, Value] | None
    ) -> tuple[list[Value], Value, Value]:
        """Pass papers to their next preferences at their new values (None: as they are).

        Returns the transfers to each candidate, the value that became non-transferable, and
        the total moved.  ``value_of`` maps each current paper value to the value it carries
        on, so papers of equal value are valued once.
        """
        stage = len(self.rounds) + 1
        transfers, nontransferable, moved = self.papers.move(
            batch, value_of, self.continuing, stage
        )
        self.totals = list(map(add, self.totals, transfers))
        return transfers, nontransferable, moved

    def move_surplus(self, c: CandidateIndex) -> SurplusMove:
        """Move ``c``'s surplus onto the papers' next preferences, leaving ``c`` at the quota.

        The one transfer of one surplus, whether a stage moves one (the Scottish Order, WIGM)
        or several together (CfER 10059(g)).  The caller records the stage and adds the
        non-transferable and loss to the count's.
        """
        self.pending.remove(c)
        # [48(3)] "the surplus of the transferring candidate" over "the total number of votes
        # credited to that candidate"; CfER (d): "the votes for the candidate that are in
        # excess of the threshold"
        total = self.totals[c]
        surplus = total - self.quota_value  # [48(3)] the surplus
        parcels = self.surplus_parcels(c)
        self.papers.remove(c, parcels)
        values = self.papers.values(parcels)
        # CfER (g)(3): "While ballots are being transferred from the elected candidate, the
        # surplus and the votes for the elected candidate do not change."
        value_of = self.surplus_values(c, surplus, total, parcels)
        # CfER (g)(1): each ballot "transferred to and counted for the highest ranked
        # continuing candidate on that ballot using a new transfer value"
        transfers, nontr, moved = self.move(parcels, value_of)
        # CfER (g)(3): afterwards "the votes for the elected candidate is set equal to the
        # threshold"; under the Order the surplus is simply what the candidate passes on
        self.totals[c] = self.quota_value
        transfers[c] = -surplus
        nontr, loss = self.surplus_remainder(surplus, moved, nontr)
        shown = ", ".join(str(self.dec(value_of[v])) for v in sorted(values, reverse=True))
        return SurplusMove(surplus, transfers, nontr, loss, shown)

    def transfer_surplus(self, c: CandidateIndex, tie: TieBreak | None) -> None:
        """Pass on ``c``'s surplus as one stage."""
        m = self.move_surplus(c)
        transfers, nontr, loss = m.transfers, m.nontransferable, m.loss
        self.exhausted += nontr
        self.loss += loss
        name = self.election.candidates[c].name
        note = f"Surplus of {name} ({self.dec(m.surplus)}); transfer value {m.shown}"
        if tie is not None:
            note += f"; equal surpluses, decided by {tie.method}"
        self.record(transfers, note, [], Action.SURPLUS, (c,), nontr, loss, tie)

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Exclude ``cs`` and pass on their papers, one stage per batch of parcels."""
        for c in cs:
            self.continuing.discard(c)
            self.excluded.append(c)
        names = ", ".join(self.election.candidates[c].name for c in cs)
        decisions = [
            Decision(
                c,
                Outcome.EXCLUDED,
                self.exclusion_reason
                if tie is None
                else f"{self.exclusion_reason}; tie decided by {tie.method}",
                tie,
            )
            for c in cs
        ]
        batches = self.exclusion_batches(self.papers.take(cs))
        for i, batch in enumerate(batches):
            before = {c: self.totals[c] for c in cs}
            for holder, carried in self.papers.held(batch):
                self.totals[holder] -= carried
            # [50(4)] "a transfer value of one unless the vote was transferred to the excluded
            # candidate in which case it shall have the same transfer value as when transferred to
            # the candidate excluded": papers move at the value they carry
            transfers, nontr, _ = self.move(batch, None)  # [50(4)] values unchanged
            for c in cs:
                transfers[c] = self.totals[c] - before[c]
            if i == len(batches) - 1:
                # Rounding can leave dust on an emptied pile; the candidate's votes are gone.
                for c in cs:
                    transfers[c] -= self.totals[c]
                    self.loss += self.totals[c]
                    self.totals[c] = self.zero
            self.exhausted += nontr
            self.record(
                transfers,
                f"Exclusion of {names}"
                + (
                    f" ({i + 1} of {len(batches)}{self.batch_value(batch)})"
                    if len(batches) > 1
                    else ""
                ),
                decisions if i == 0 else [],
                Action.EXCLUSION,
                tuple(cs),
                nontr,
            )
            if self.stop_exclusion():
                break

    def record(
        self,
        transfers: list[Value],
        note: str,
        decisions: list[Decision],
        action: Action,
        subjects: tuple[CandidateIndex, ...],
        nontransferable: Value | None = None,
        loss: Value | None = None,
        tie: TieBreak | None = None,
    ) -> None:
        """Close a stage: note the totals, elect who reached the quota, and store the round."""
        dec = self.dec
        self.history.append(list(self.totals))
        decisions = decisions + self.elect_reached(action)
        if self.stage_notes:
            note = "; ".join([note, *self.stage_notes])
            self.stage_notes.clear()
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=tuple(map(dec, self.totals)),
                transfers=tuple(map(dec, transfers)),
                exhausted=dec(self.exhausted),
                decisions=tuple(decisions),
                note=note,
                loss=dec(self.loss),
                exhausted_transfer=dec(nontransferable or self.zero),
                loss_transfer=dec(loss or self.zero),
                action=action,
                subjects=subjects,
                ties=() if tie is None else (tie,),
            )
        )

    def batch_value(self, batch: Batch) -> str:
        """Return ", papers at V" when every paper of an exclusion batch has the one value V."""
        values = self.papers.values(batch)
        return f", papers at {self.dec(values.pop())}" if len(values) == 1 else ""

    def result(self) -> Result:
        """Return the finished count."""
        return Result(
            method=self.method,
            seats=self.seats,
            candidates=self.election.names,
            valid=Decimal(self.valid),
            quota=self.dec(self.quota_value),
            rounds=tuple(self.rounds),
            title=self.election.title,
            seed=self.seed,
            places=self.arith.places,
        )
