"""Keying returned paper ballots twice, reconciling the pairs, and the returning officer's rulings.

Paper ballots carry a printed serial number, never the member's identity.  After the close two
different tellers key each paper independently (:func:`key_paper`); :func:`compare` lists the
papers still keyed once and the pairs that differ; :func:`reconcile` marks the pairs that agree;
the returning officer, holding the physical paper, rules on the rest (:func:`resolve`), or
strikes out a serial no paper carries, such as a mistyped one (:func:`void`).  Reconciled
papers join the count (``publication.actions.count_election``), which refuses to run while any
keying is unreconciled.

Keying happens only while the election is *closed*: papers are keyed after the close, so no
partial result exists before it (invariant 4).  A spoilt or blank paper is keyed with
``spoilt=True`` and stored with an empty ranking: it is recorded, goes into the published ballot
set as a blank line (``1 0`` in BLT), and the engine counts it as a paper with no usable first
preference — not a valid vote — so no model change was needed.

The audit chain records each keying by serial and teller only (no rankings: a per-paper entry
with its marks would put ballots in the chain in the order they were keyed); the
reconciliation by counts; and each ruling with the decision and who had keyed what.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import IntegrityError, transaction
from django.db.models import Max

from ..audit.chain import append
from ..elections.models import Candidate, Channel, Election, RollEntry, State
from ..elections.roles import Role, require
from ..errors import ServiceError, WrongState
from .actions import check_ranking
from .models import PaperKeying

__all__ = [
    "Discrepancy",
    "Keyed",
    "PaperStatus",
    "ReconcileReport",
    "compare",
    "key_paper",
    "keyings_by",
    "keyings_of",
    "normalise_serial",
    "reconcile",
    "resolve",
    "status",
    "void",
]

User = UserModel | AnonymousUser

#: A serial as printed: letters, digits and hyphens (upper-cased on entry).
SERIAL = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


@dataclass(frozen=True, slots=True)
class Keyed:
    """One keying of a paper, as the officials read it: candidates by name."""

    teller: str
    names: tuple[str, ...]
    weight: int

    @property
    def spoilt(self) -> bool:
        """Say whether this keying records a spoilt or blank paper."""
        return not self.names


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A paper not yet reconciled: keyed once only, or keyed twice differently."""

    serial: str
    kind: Literal["awaiting", "differ"]
    keyings: tuple[Keyed, ...]


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What one run of :func:`reconcile` did, and what is left."""

    reconciled: int
    awaiting: int
    differing: int


@dataclass(frozen=True, slots=True)
class PaperStatus:
    """Where the keying stands, in numbers of papers (never of votes)."""

    returned: int
    keyed: int
    reconciled: int
    agreed: int
    awaiting: int
    differing: int


def _name(user: User) -> str:
    return str(user.get_username())


def _object(election: Election) -> str:
    return f"election {election.pk} {election.organisation.slug}/{election.slug}"


def _locked_closed(election: Election, doing: str) -> Election:
    """Lock the election row (so keyings of one serial cannot interleave) and check it is closed."""
    election = (
        Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)
    )
    if election.state != State.CLOSED:
        raise WrongState(
            f"Cannot {doing}: the election is {State(election.state).label.lower()}. "
            "Paper ballots are keyed after the close and before the count."
        )
    return election


def normalise_serial(serial: str) -> str:
    """Return the serial as stored (trimmed, upper case), or refuse one that is not a serial."""
    s = serial.strip().upper()
    if not SERIAL.fullmatch(s):
        raise ServiceError(
            "A serial number is 1 to 40 letters, digits or hyphens, as printed on the paper."
        )
    return s


def _names(election: Election) -> dict[int, str]:
    return dict(Candidate.objects.filter(election=election).values_list("position", "name"))


def _decision(
    election: Election, ranking: Sequence[int], weight: int, spoilt: bool
) -> tuple[list[int], int]:
    """Check a paper's ranking and weight as keyed or ruled; return what to store."""
    if spoilt:
        if ranking:
            raise ServiceError("A spoilt or blank paper has no preferences: leave them empty.")
        order: list[int] = []
    else:
        order = list(check_ranking(election, ranking))
    if weight < 1:
        raise ServiceError("A paper's weight is a whole number, at least 1.")
    # A card vote can be no larger than the largest a returned paper's member holds.
    top = RollEntry.objects.filter(election=election, voted=Channel.PAPER).aggregate(
        m=Max("weight")
    )["m"]
    if weight > 1 and (top is None or weight > top):
        raise ServiceError(
            f"No member who returned a paper holds a card vote of {weight} "
            f"(the largest is {top or 1})."
        )
    return order, weight


def key_paper(
    user: User,
    election: Election,
    *,
    serial: str,
    ranking: Sequence[int],
    weight: int = 1,
    spoilt: bool = False,
) -> PaperKeying:
    """Record one teller's keying of one paper: each serial is keyed by two different tellers."""
    require(user, election, Role.TELLER)
    # require() has refused anonymous users; this narrows the type.
    assert isinstance(user, UserModel)
    serial = normalise_serial(serial)
    with transaction.atomic():
        election = _locked_closed(election, "key paper ballots")
        order, weight = _decision(election, ranking, weight, spoilt)
        earlier = list(PaperKeying.objects.filter(election=election, serial=serial))
        if any(k.teller_id == user.pk for k in earlier):
            raise ServiceError(
                f"You have already keyed paper {serial}: a different teller must key it again."
            )
        if any(k.reconciled for k in earlier):
            raise ServiceError(f"Paper {serial} has already been reconciled.")
        if len(earlier) >= 2:
            raise ServiceError(f"Paper {serial} has already been keyed by two tellers.")
        if not earlier:
            # More papers than returned envelopes means a serial was mistyped (or worse).
            returned = RollEntry.objects.filter(election=election, voted=Channel.PAPER).count()
            serials = (
                PaperKeying.objects.filter(election=election).values("serial").distinct().count()
            )
            if serials >= returned:
                raise ServiceError(
                    f"{returned} paper{'s' if returned != 1 else ''} returned on the roll and "
                    f"{serials} already keyed: check the serial {serial}, or record the "
                    "envelope's return first."
                )
        try:
            with transaction.atomic():
                keying = PaperKeying.objects.create(
                    election=election,
                    serial=serial,
                    teller_id=user.pk,
                    ranking=order,
                    weight=weight,
                )
        except IntegrityError:
            # The unique constraint is the last word if two requests of one teller race.
            raise ServiceError(
                f"You have already keyed paper {serial}: a different teller must key it again."
            ) from None
        append(
            actor=_name(user),
            role=Role.TELLER,
            action="key paper",
            object=_object(election),
            details={"serial": serial},
        )
    return keying


def _keyed(k: PaperKeying, names: dict[int, str]) -> Keyed:
    return Keyed(
        teller=str(k.teller.get_username()),
        names=tuple(names.get(int(c), f"#{int(c) + 1}") for c in k.ranking),
        weight=int(k.weight),
    )


def _same(a: PaperKeying, b: PaperKeying) -> bool:
    return [int(c) for c in a.ranking] == [int(c) for c in b.ranking] and a.weight == b.weight


def _unreconciled(election: Election) -> dict[str, list[PaperKeying]]:
    by_serial: dict[str, list[PaperKeying]] = defaultdict(list)
    rows = (
        PaperKeying.objects.filter(election=election, reconciled=False)
        .select_related("teller")
        .order_by("serial", "teller__username")
    )
    for k in rows:
        by_serial[k.serial].append(k)
    return by_serial


def compare(election: Election) -> list[Discrepancy]:
    """List the unreconciled papers keyed once only, and the pairs whose keyings differ."""
    names = _names(election)
    out: list[Discrepancy] = []
    for serial, keyings in _unreconciled(election).items():
        if len(keyings) == 1:
            out.append(Discrepancy(serial, "awaiting", (_keyed(keyings[0], names),)))
        elif not _same(keyings[0], keyings[1]):
            out.append(Discrepancy(serial, "differ", tuple(_keyed(k, names) for k in keyings)))
    return out


def status(election: Election) -> PaperStatus:
    """Count the papers returned, keyed, reconciled, and those still to settle."""
    reconciled = (
        PaperKeying.objects.filter(election=election, reconciled=True)
        .values("serial")
        .distinct()
        .count()
    )
    agreed = awaiting = differing = 0
    for keyings in _unreconciled(election).values():
        if len(keyings) == 1:
            awaiting += 1
        elif _same(keyings[0], keyings[1]):
            agreed += 1
        else:
            differing += 1
    return PaperStatus(
        returned=RollEntry.objects.filter(election=election, voted=Channel.PAPER).count(),
        keyed=reconciled + agreed + awaiting + differing,
        reconciled=reconciled,
        agreed=agreed,
        awaiting=awaiting,
        differing=differing,
    )


def keyings_by(user: User, election: Election) -> list[tuple[str, Keyed]]:
    """Return (serial, keying) for each paper ``user`` keyed: a teller sees only their own."""
    names = _names(election)
    rows = (
        PaperKeying.objects.filter(election=election, teller_id=user.pk)
        .select_related("teller")
        .order_by("serial")
    )
    return [(k.serial, _keyed(k, names)) for k in rows]


def keyings_of(election: Election, serial: str) -> list[Keyed]:
    """Return every keying of one paper (for the returning officer's ruling page)."""
    names = _names(election)
    return [_keyed(k, names) for k in _keyings_of(election, normalise_serial(serial))]


def reconcile(user: User, election: Election) -> ReconcileReport:
    """Mark every pair of keyings that agree as reconciled; report what is left."""
    role = require(user, election, Role.RETURNING_OFFICER, Role.TELLER)
    with transaction.atomic():
        election = _locked_closed(election, "reconcile paper ballots")
        done: list[Any] = []
        awaiting = differing = 0
        for keyings in _unreconciled(election).values():
            if len(keyings) == 1:
                awaiting += 1
            elif _same(keyings[0], keyings[1]):
                done += [k.pk for k in keyings]
            else:
                differing += 1
        PaperKeying.objects.filter(pk__in=done).update(reconciled=True)
        report = ReconcileReport(len(done) // 2, awaiting, differing)
        append(
            actor=_name(user),
            role=role,
            action="reconcile papers",
            object=_object(election),
            details={
                "reconciled": report.reconciled,
                "awaiting_second_keying": awaiting,
                "differing": differing,
            },
        )
    return report


def _keyings_of(election: Election, serial: str) -> list[PaperKeying]:
    keyings = list(
        PaperKeying.objects.filter(election=election, serial=serial)
        .select_related("teller")
        .order_by("teller__username")
    )
    if not keyings:
        raise ServiceError(f"No paper with serial {serial} has been keyed.")
    return keyings


def resolve(
    user: User,
    election: Election,
    serial: str,
    ranking: Sequence[int],
    weight: int = 1,
    *,
    spoilt: bool = False,
) -> None:
    """Rule on a paper from the paper itself: the ruling replaces every keying of it.

    The returning officer may rule on a paper keyed once only (they are then its second
    reader), or on one already reconciled where the paper shows both tellers misread it.
    """
    require(user, election, Role.RETURNING_OFFICER)
    serial = normalise_serial(serial)
    with transaction.atomic():
        election = _locked_closed(election, "resolve a paper ballot")
        order, weight = _decision(election, ranking, weight, spoilt)
        keyings = _keyings_of(election, serial)
        names = _names(election)
        keyed = [_keyed(k, names) for k in keyings]
        PaperKeying.objects.filter(pk__in=[k.pk for k in keyings]).update(
            ranking=order, weight=weight, reconciled=True
        )
        append(
            actor=_name(user),
            role=Role.RETURNING_OFFICER,
            action="resolve paper",
            object=_object(election),
            details={
                "serial": serial,
                "decision": {
                    "ranking": [names[c] for c in order],
                    "weight": weight,
                    "spoilt": spoilt,
                },
                "keyed": [
                    {"teller": k.teller, "ranking": list(k.names), "weight": k.weight}
                    for k in keyed
                ],
            },
        )


def void(user: User, election: Election, serial: str, *, reason: str) -> None:
    """Strike out the keyings of a serial no returned paper carries (a mistyped serial)."""
    require(user, election, Role.RETURNING_OFFICER)
    serial = normalise_serial(serial)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why this serial is struck out.")
    with transaction.atomic():
        election = _locked_closed(election, "strike out a paper ballot")
        keyings = _keyings_of(election, serial)
        tellers = [str(k.teller.get_username()) for k in keyings]
        PaperKeying.objects.filter(pk__in=[k.pk for k in keyings]).delete()
        append(
            actor=_name(user),
            role=Role.RETURNING_OFFICER,
            action="void paper",
            object=_object(election),
            details={"serial": serial, "reason": reason[:500], "keyed_by": tellers},
        )
