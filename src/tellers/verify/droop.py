"""Cross-check tellers' counts against Droop's own reference counts, round by round.

Droop (J. Lundell, github.com/jklundell/droop, GPL-3.0) ships, for each of its test elections
and each rule and arithmetic it counts them under, a reference count in three layouts: a report
(``ref/report``), a machine record (``ref/json``) and a table (``ref/dump``).  This module reads
the JSON record (the other two are the same count, and must exist), counts the same BLT file by
the tellers method that implements the rule, at the same arithmetic, and compares every round:
every candidate's vote, the non-transferable value (for Meek, Droop's residual), who was elected
or defeated in which round, and every tie.  Droop's records are its own regression outputs, not
official results: agreement shows that two independent programs read the rules alike.

How Droop's rounds line up with ours:

- Meek family (``meek``, ``warren``, ``meek-prf``).  Droop round 0 ("Begin Count") is our round
  1 and Droop round k (one iteration to convergence) our round k + 1, compared at the end of
  the iteration (Droop's "Iterate" record or, for ``meek-prf``, which writes none, the round's
  first election or defeat).  A candidate Droop defeats in round k is excluded in our round
  k + 2, whose iteration moves their papers, or in our last round if the count ends there;
  Droop's "Elect remaining" and "Defeat remaining" are in our last round.  Droop's residual is
  our non-transferable value plus rounding loss.
- Gregory family (``scotland``; ``wigm``, ``wigm-prf``).  Droop round 0 is our stage 1 and round
  k our stage k + 1, except that Droop spends a round "transferring" a surplus of exactly 0 when
  a candidate reaches the quota exactly; those rounds change nothing (checked) and are dropped.
  Droop's non-transferable votes are our ``exhausted``; its residual (ballots less votes less
  non-transferable) our ``loss``.  "Defeat remaining" after the seats are filled is Droop's
  bookkeeping: those candidates must simply not be elected.  CfER (``cfer``, ``cfer-batch``)
  and the PRF rule's batch (``wigm-prf-batch``) count the same way; a last Droop round that only
  elects on the round before's figures and finds the seats filled (CfER 10059(e)) is dropped,
  and a last round that transfers nothing has no figures to compare.
- Minneapolis STV (``mpls``) has no round 0: Droop round k is our stage k, its figures the
  round's closing count, and its elections are the round's own (the surplus's candidate is
  elected in the round that transfers it).
- QPQ (``qpq``): Droop round k (k >= 1) is our stage k; compared are the quotients of the
  candidates hopeful at the round's decision, the candidate it elects (provisionally, as an
  exclusion restarts the count: our stage's subject) or excludes, the candidates elected at
  the end, and every tie.
- Values are compared at the places Droop prints (18 for guarded, 12 for rational, all places
  for fixed point), ours rounded half up as Droop rounds for display.
- Ties: Droop breaks every tie by a predetermined order (the listing order unless the file has
  a ``[tie ...]`` line), or, for Scottish STV, by earlier stages and then that order as its lot.
  Every rule but Scottish STV and QPQ is counted with the option ``ties=listed``, which breaks
  ties by that same order; Scottish STV keeps its own policy (``ties=lot``: earlier stages, then
  a lot drawn from the seed), as does QPQ (whose ties Droop records as lots), and the first seed
  whose lots fall as Droop's did is used, and the table says so.
- Each count goes through the registry with Droop's recorded options by Droop's names, as
  ``tellers count FILE.blt --method M --option KEY=VALUE ...`` passes them.

Rules and arithmetics tellers does not offer are listed as not offered, with the reason.  A
rule whose method is registered later (by name, in :data:`OFFERED`) is checked from then on.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError, TellersError, VerificationError
from ..methods.base import MethodInfo
from ..methods.options import listed_order
from ..model import Action, Election, Result, TieMethod

__all__ = [
    "EXPLAINED_DIFFERENCES",
    "NOT_OFFERED_RULES",
    "OFFERED",
    "Check",
    "Reference",
    "check_reference",
    "compare",
    "load_reference",
    "render",
    "verify_droop",
    "write_report",
]

MATCH = "match"
EXPLAINED = "explained difference"
MISMATCH = "MISMATCH"
NOT_OFFERED = "not offered"
UNREADABLE = "not checked: unreadable"
STATUSES = (MATCH, EXPLAINED, MISMATCH, NOT_OFFERED, UNREADABLE)

#: Droop rule -> tellers method.  Methods are looked up when the check runs, so one registered
#: later is checked without changing this table.
OFFERED: dict[str, str] = {
    "meek": "meek",
    "warren": "warren",
    "meek-prf": "meek-prf",
    "scotland": "scottish-stv",
    "wigm": "wigm",
    "wigm-prf": "wigm-prf",
    "mpls": "mpls",
    "cfer": "cfer",
    "cfer-batch": "cfer",
    "wigm-prf-batch": "wigm-prf",
    "qpq": "qpq",
}

#: Options a Droop rule implies by its name rather than records among its options.
RULE_OPTIONS: dict[str, dict[str, str]] = {
    "cfer-batch": {"defeat_batch": "safe"},
    "wigm-prf-batch": {"defeat_batch": "safe"},
}

#: Droop rules tellers does not count, and why.
NOT_OFFERED_RULES: dict[str, str] = {}

#: References whose difference from ours is understood: the first difference the check
#: reports, and why.  The check fails if the difference ever changes.
EXPLAINED_DIFFERENCES: dict[str, tuple[str, str]] = {}

#: How many seeds to try for lots to fall as Droop's did (Scottish STV and QPQ).
SEEDS = 1000

# Sums and roundings of printed values are exact (guarded values exceed 28 digits).
_EXACT = Context(prec=1000)

_TIE = re.compile(r"Break tie(?: by (lot|prior stage))? \((.*)\): \[(.*)\] -> (.*)")
_DEFEAT_PURPOSES = ("defeat", "defeat low candidate", "smallest quotient")
_SURPLUS_PURPOSES = ("surplus", "largest surplus", "largest quotient")


@dataclass
class RefTie:
    """A tie Droop broke: how, what for, the tied candidates and the one chosen."""

    how: str  # "order", "lot" or "prior stage"
    purpose: str
    tied: frozenset[int]
    chosen: int


@dataclass
class RefRound:
    """One Droop round, read from its actions."""

    number: int
    votes: dict[int, Decimal] = field(default_factory=dict)
    residual: Decimal = Decimal(0)  # Meek: Droop's residual; Gregory: non-transferable votes
    has_figures: bool = False
    elected: set[int] = field(default_factory=set)
    elected_before: set[int] = field(default_factory=set)  # before the round's transfer
    transferred: bool = False
    defeated: set[int] = field(default_factory=set)
    elected_remaining: set[int] = field(default_factory=set)
    defeated_remaining: set[int] = field(default_factory=set)
    zero_surplus: bool = False
    ties: list[RefTie] = field(default_factory=list)


@dataclass
class Reference:
    """One Droop reference count."""

    name: str  # e.g. "scotland/Calton-2007-scotland-fixed-p5-d5"
    rule: str
    family: str  # Droop's method family: meek, wigm or qpq
    options: dict[str, Any]
    seats: int
    nballots: int
    names: list[str]
    tie_order: tuple[int, ...]
    rounds: list[RefRound]
    blt: Path | None
    blt_name: str

    @property
    def arithmetic(self) -> str:
        """Droop's arithmetic, e.g. ``guarded-p18-g9``, ``fixed-p9`` or ``rational``."""
        o = self.options
        kind = str(o.get("arithmetic", ""))
        if kind == "guarded":
            return f"guarded-p{o.get('precision')}-g{o.get('guard')}"
        if kind == "fixed":
            return f"fixed-p{o.get('precision')}"
        return kind

    @property
    def setting(self) -> str:
        """The arithmetic with omega where the rule has one."""
        omega = self.options.get("omega")
        return self.arithmetic + (f", omega 10^-{omega}" if omega is not None else "")


@dataclass
class Check:
    """The outcome of checking one reference."""

    name: str
    election: str
    rule: str
    setting: str
    method: str
    status: str
    rounds: str = ""
    detail: str = ""
    notes: list[str] = field(default_factory=list)


def _codes(states: dict[str, Any]) -> dict[int, str]:
    return {int(c) - 1: str(s["code"]) for c, s in states.items()}


def load_reference(droop: Path, rel: Path) -> Reference:
    """Read the reference ``ref/json/<rel>`` under Droop's data folder ``droop``."""
    path = droop / "ref" / "json" / rel
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        rule = str(record["rule_name"])
        family = str(record["method"])
        cdict = record["cdict"]
        actions = record["actions"]
    except (OSError, ValueError, KeyError) as e:
        raise VerificationError(f"{path}: cannot read Droop's record: {e}") from None
    n = len(cdict)
    names = [""] * n
    order = [0] * n
    for cid, info in cdict.items():
        names[int(cid) - 1] = str(info["name"])
        order[int(cid) - 1] = int(info["tie_order"])
    index = {nm: i for i, nm in enumerate(names)}
    rounds: dict[int, RefRound] = {}
    # The states before each action, so an election or defeat is read from the change it made.
    prev: dict[int, str] = {}
    for act in actions:
        tag, msg = str(act["tag"]), str(act.get("msg", ""))
        states = act.get("cstate") or {}
        codes = _codes(states) if states else prev
        if tag in ("log", "end", "round"):
            prev = codes
            continue
        rnd = rounds.setdefault(int(act["round"]), RefRound(int(act["round"])))
        # QPQ names the one candidate it elects or defeats: after a restart, one elected before
        # it may be elected again, with no change of state to show it.
        named = (
            {index[msg.split(": ", 1)[1]]}
            if family == "qpq" and tag in ("elect", "defeat")
            else set()
        )
        if states and _figures_from(family, tag, rnd):
            rnd.votes = {int(c) - 1: Decimal(s["vote"]) for c, s in states.items() if "vote" in s}
            if family == "qpq":
                # QPQ's figures are the quotients of the candidates hopeful at the decision.
                rnd.votes = {
                    int(c) - 1: Decimal(s["quotient"])
                    for c, s in states.items()
                    if s["code"] == "H" or prev.get(int(c) - 1) == "H" or int(c) - 1 in named
                }
            key = "residual" if family == "meek" else "nt_votes"
            rnd.residual = Decimal(str(act.get(key, 0)))
            rnd.has_figures = True
        if tag == "elect":
            who = {c for c, k in codes.items() if k in "Ee" and prev.get(c, "") not in "Ee"}
            who |= named
            if "remaining" in msg:
                rnd.elected_remaining |= who
            elif family == "wigm" and rule != "mpls" and rnd.number and not rnd.transferred:
                # Droop's WIGM elects at the start of a round, on the previous round's figures.
                rnd.elected_before |= who
            else:
                rnd.elected |= who
        elif tag == "defeat":
            who = {c for c, k in codes.items() if k in "Dd" and prev.get(c, "") not in "Dd"}
            (rnd.defeated_remaining if "remaining" in msg else rnd.defeated).update(who)
        elif tag == "transfer":
            rnd.transferred = True
            if msg.startswith("Surplus transferred"):
                amount = msg.rsplit("(", 1)[-1].rstrip(")")
                rnd.zero_surplus = Decimal(amount) == 0
        elif tag == "tie":
            m = _TIE.fullmatch(msg)
            if not m:
                raise VerificationError(f"{path}: unreadable tie record {msg!r}")
            tied = frozenset(index[x] for x in m[3].split(", "))
            rnd.ties.append(RefTie(m[1] or "order", m[2], tied, index[m[4]]))
        prev = codes
    base = rel.name.removesuffix(".txt")
    base = base[: base.rindex(f"-{rule}-")]
    blt: Path | None = None
    for candidate in (droop / "blt" / rel.parent / f"{base}.blt", droop / "blt" / f"{base}.blt"):
        if candidate.is_file():
            blt = candidate
            break
    return Reference(
        name=str(rel.with_suffix("")),
        rule=rule,
        family=family,
        options=dict(record["options"]["options"]),
        seats=int(record["seats"]),
        nballots=int(record["nballots"]),
        names=names,
        tie_order=tuple(sorted(range(n), key=lambda i: order[i])),
        rounds=[rounds[k] for k in sorted(rounds)],
        blt=blt,
        blt_name=str(blt.relative_to(droop / "blt")) if blt else f"{base}.blt",
    )


def _figures_from(family: str, tag: str, rnd: RefRound) -> bool:
    """Return whether this action's candidate states are the round's figures."""
    if family == "meek":
        # The end of the round's iteration: its first record after the round began.
        return not rnd.has_figures and tag in ("begin", "iterate", "elect", "tie", "defeat")
    if family == "qpq":
        # The quotients the round's election or exclusion was decided on.
        return not rnd.has_figures and rnd.number > 0 and tag in ("elect", "tie", "defeat")
    # Gregory: the state after the round's transfer (round 0: first preferences); Minneapolis
    # STV has no round 0 and closes each round with a count (round 1: first preferences).
    return tag in ("begin", "transfer", "count")


# -- comparison ---------------------------------------------------------------------------------


def _at(ours: Decimal, theirs: Decimal) -> Decimal:
    """Round ours half up to the places Droop printed."""
    exp = theirs.as_tuple().exponent
    assert isinstance(exp, int)
    return ours.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP, context=_EXACT)


def _names(ref: Reference, cs: set[int] | frozenset[int] | tuple[int, ...]) -> str:
    return "{" + ", ".join(ref.names[c] for c in sorted(cs)) + "}"


def _compare_figures(
    ref: Reference, ours: Result, pairs: list[tuple[int, RefRound]], *, meek: bool
) -> list[str]:
    """Compare votes and non-transferable (residual) figures, round by round.

    Droop's Gregory record has no residual; it is derived from the printed figures, which is
    exact only where Droop prints every place (fixed point), so only there is it compared.
    """
    exact = ref.options.get("arithmetic") == "fixed"
    diffs: list[str] = []
    for i, rnd in pairs:
        if not rnd.has_figures:
            continue  # a last round that transfers nothing records no figures (CfER, mpls)
        r = ours.rounds[i]
        where = f"round {r.number} (Droop round {rnd.number})"
        for c, theirs in sorted(rnd.votes.items()):
            mine = _at(r.tallies[c], theirs)
            if mine != theirs:
                diffs.append(f"{where}, {ref.names[c]}: Droop {theirs}, ours {mine}")
        for c in range(len(ref.names)):
            if c not in rnd.votes and r.tallies[c] != 0:
                diffs.append(f"{where}, {ref.names[c]} (withdrawn): ours {r.tallies[c]}")
        if meek:
            pairs_nt = [("residual", _EXACT.add(r.exhausted, r.loss), rnd.residual)]
        else:
            printed = sum(rnd.votes.values(), Decimal(0))
            residual = _EXACT.subtract(
                _EXACT.subtract(Decimal(ref.nballots), printed), rnd.residual
            )
            pairs_nt = [("non-transferable", r.exhausted, rnd.residual)]
            if exact:
                pairs_nt.append(("loss", r.loss, residual))
        for label, mine_raw, theirs in pairs_nt:
            mine = _at(mine_raw, theirs)
            if mine != theirs:
                diffs.append(f"{where}, {label}: Droop {theirs}, ours {mine}")
    return diffs


def _compare_decisions(
    ref: Reference, ours: Result, expected: list[tuple[set[int], set[int]]], never: set[int]
) -> list[str]:
    """Compare who was elected and excluded in each of our rounds."""
    diffs: list[str] = []
    for i, (el, ex) in enumerate(expected):
        if i >= len(ours.rounds):
            break
        r = ours.rounds[i]
        if set(r.elected) != el:
            diffs.append(
                f"round {r.number}: elected Droop {_names(ref, el)}, "
                f"ours {_names(ref, set(r.elected))}"
            )
        if set(r.excluded) != ex:
            diffs.append(
                f"round {r.number}: excluded Droop {_names(ref, ex)}, "
                f"ours {_names(ref, set(r.excluded))}"
            )
    for c in sorted(never):
        if c in ours.elected:
            diffs.append(f"{ref.names[c]}: Droop defeats them once the seats are filled; we elect")
    return diffs


def _tie_key(purpose: str) -> str:
    if purpose in _DEFEAT_PURPOSES or purpose == "exclusion":
        return "exclusion"
    if purpose in _SURPLUS_PURPOSES or purpose == "order of surpluses":
        return "surplus"
    return purpose


_HOW = {"order": TieMethod.ORDER, "lot": TieMethod.LOT, "prior stage": TieMethod.EARLIER_ROUND}


def _compare_ties(ref: Reference, ours: Result, ref_ties: list[RefTie]) -> list[str]:
    """Compare the ties broken over exclusions and surplus order: sets, choice and way."""
    theirs = [(_tie_key(t.purpose), t.tied, t.chosen, _HOW[t.how]) for t in ref_ties]
    mine = [
        (_tie_key(t.purpose), t.tied, t.chosen, t.method)
        for t in ours.tiebreaks
        if _tie_key(t.purpose) in ("exclusion", "surplus")
    ]
    if theirs == mine:
        return []
    return [
        "ties: Droop "
        + "; ".join(f"{k} {_names(ref, s)} -> {ref.names[c]} by {h}" for k, s, c, h in theirs)
        + ", ours "
        + (
            "; ".join(f"{k} {_names(ref, s)} -> {ref.names[c]} by {h}" for k, s, c, h in mine)
            or "none"
        )
    ]


def _acts(rnd: RefRound) -> bool:
    """Return whether a Droop round moved votes, defeated or elected on its own figures."""
    return bool(
        rnd.has_figures or rnd.transferred or rnd.elected or rnd.defeated or rnd.elected_remaining
    )


def _compare_qpq(ref: Reference, ours: Result) -> tuple[list[str], str]:
    """Compare a QPQ count: Droop round k (k >= 1) is our stage k.

    Each round's quotients of the candidates hopeful at its decision, the candidate it elected
    (provisionally: an exclusion restarts the count) or excluded (our stage's subject), the
    candidates elected at the end, and every tie.
    """
    rounds = [r for r in ref.rounds if r.number > 0]
    diffs: list[str] = []
    if len(rounds) != len(ours.rounds):
        diffs.append(f"rounds: Droop {len(rounds)}, ours {len(ours.rounds)}")
    final: set[int] = set()
    for k, rnd in enumerate(rounds):
        if k and rounds[k - 1].defeated:
            final = set()  # the count started again: elections before it were provisional
        final |= rnd.elected | rnd.elected_before | rnd.elected_remaining
        if k >= len(ours.rounds):
            continue
        r = ours.rounds[k]
        where = f"round {r.number} (Droop round {rnd.number})"
        for c, theirs in sorted(rnd.votes.items()):
            mine = _at(r.tallies[c], theirs)
            if mine != theirs:
                diffs.append(f"{where}, {ref.names[c]}: Droop quotient {theirs}, ours {mine}")
        excluding = r.action is Action.EXCLUSION
        for label, theirs_set, mine_set in (
            ("elected", rnd.elected | rnd.elected_before, set() if excluding else set(r.subjects)),
            ("excluded", rnd.defeated, set(r.subjects) if excluding else set()),
        ):
            if theirs_set != mine_set:
                theirs_names, mine_names = _names(ref, theirs_set), _names(ref, mine_set)
                diffs.append(f"{where}: {label} Droop {theirs_names}, ours {mine_names}")
    if set(ours.elected) != final:
        diffs.append(f"elected: Droop {_names(ref, final)}, ours {_names(ref, set(ours.elected))}")
    diffs += _compare_ties(ref, ours, [t for r in rounds for t in r.ties])
    return diffs, f"{len(rounds)} / {len(ours.rounds)}"


def compare(ref: Reference, ours: Result) -> tuple[list[str], str]:
    """Compare our result with Droop's record; return the differences and the round counts."""
    if ref.family == "qpq":
        return _compare_qpq(ref, ours)
    rounds = ref.rounds
    if ref.family == "meek":
        kept = list(enumerate(rounds))
        last = len(rounds) - 1
        expected: list[tuple[set[int], set[int]]] = [(set(), set()) for _ in rounds]
        for k, rnd in kept:
            expected[k][0].update(rnd.elected)
            expected[min(k + 1, last)][1].update(rnd.defeated)
            expected[last][0].update(rnd.elected_remaining)
            expected[last][1].update(rnd.defeated_remaining)
        never: set[int] = set()
        diffs: list[str] = []
        ties = [t for r in rounds for t in r.ties]
    else:
        diffs = []
        kept_rounds: list[RefRound] = []
        # Elections Droop's WIGM makes at the start of a round rest on the figures before it.
        early: list[set[int]] = []
        for rnd in rounds:
            if rnd.elected_before and kept_rounds:
                early[-1] |= rnd.elected_before
            if rnd.zero_surplus and kept_rounds:
                before = kept_rounds[-1]
                if (rnd.votes, rnd.residual) != (before.votes, before.residual) or (
                    rnd.elected or rnd.defeated
                ):
                    diffs.append(f"Droop round {rnd.number}: a zero surplus changed the count")
                continue
            if rnd is rounds[-1] and kept_rounds and not _acts(rnd):
                # A last round that only elects on the figures before it (now early[-1]) and
                # finds the seats filled (CfER 10059(e)): nothing of its own to compare.
                continue
            kept_rounds.append(rnd)
            early.append(set())
        kept = list(enumerate(kept_rounds))
        expected = [
            (r.elected | r.elected_remaining | e, set(r.defeated))
            for r, e in zip(kept_rounds, early, strict=True)
        ]
        never = {c for r in rounds for c in r.defeated_remaining}
        ties = [t for r in kept_rounds for t in r.ties]
    counts = f"{len(kept)} / {len(ours.rounds)}"
    if len(kept) != len(ours.rounds):
        diffs.append(f"rounds: Droop {len(kept)}, ours {len(ours.rounds)}")
    pairs = [(i, r) for i, r in kept if i < len(ours.rounds)]
    diffs += _compare_figures(ref, ours, pairs, meek=ref.family == "meek")
    diffs += _compare_decisions(ref, ours, expected, never)
    diffs += _compare_ties(ref, ours, ties)
    return diffs, counts


# -- running the check ------------------------------------------------------------------------


#: The options Droop reads (droop/values/, droop/rules/); it ignores any other name a record
#: carries (one Minneapolis record has ``prexision``), and so does the check.
DROOP_OPTIONS = ("arithmetic", "precision", "guard", "display", "omega", "defeat_batch")
#: Options of a rule that Droop records only for some rules (e.g. WIGM's ``integer_quota``).
DROOP_RULE_OPTIONS = ("integer_quota",)


def _options(ref: Reference, info: MethodInfo) -> tuple[dict[str, Any], str]:
    """Return the options that set our count as Droop's was, or why the method cannot.

    Droop's own options are passed by name, as a user would on the command line; a method that
    does not take one, or refuses its value (an arithmetic its rule fixes), is not offered at
    that setting, and the method's own refusal says why.  Ties: Droop breaks them by its
    predetermined order (``ties=listed``); for Scottish STV, whose last resort is lot, and QPQ,
    whose ties Droop records as lots, the rule's own policy is kept and a seed sought under
    which the lots fall as Droop's did.
    """
    given = {k: v for k, v in ref.options.items() if k in DROOP_OPTIONS or k in DROOP_RULE_OPTIONS}
    given["ties"] = "lot" if ref.rule in ("scotland", "qpq") else "listed"
    given.update(RULE_OPTIONS.get(ref.rule, {}))
    try:
        info.parse_options(given)
    except ConfigurationError as e:
        return {}, str(e)
    return given, ""


def check_reference(ref: Reference) -> Check:
    """Count the reference's election by our method and compare."""
    from ..formats import read
    from ..methods import REGISTRY

    check = Check(ref.name, ref.blt_name, ref.rule, ref.setting, "", NOT_OFFERED)
    if ref.rule in NOT_OFFERED_RULES:
        check.detail = NOT_OFFERED_RULES[ref.rule]
        return check
    method = OFFERED.get(ref.rule)
    if method is None:
        check.detail = f"Droop's rule {ref.rule!r} has no tellers method"
        return check
    check.method = method
    try:
        info = REGISTRY.get(method)
    except TellersError:
        check.detail = f"method {method!r} is not registered"
        return check
    options, why_not = _options(ref, info)
    if why_not:
        check.detail = why_not
        return check
    if ref.blt is None:
        check.status, check.detail = UNREADABLE, f"no BLT file {ref.blt_name}"
        return check
    try:
        election = read(ref.blt)
    except TellersError as e:
        check.status, check.detail = UNREADABLE, str(e)
        return check
    if [" ".join(n.split()) for n in election.names] != [" ".join(n.split()) for n in ref.names]:
        check.status, check.detail = MISMATCH, "candidates differ from Droop's"
        return check
    if options["ties"] == "listed" and listed_order(election) != ref.tie_order:
        # ties=listed reads the BLT's [tie] line, else the listing order, as Droop does.
        check.status, check.detail = MISMATCH, "tie order differs from Droop's"
        return check
    result, note = _count(ref, election, info, options)
    check.notes += note
    diffs, check.rounds = compare(ref, result)
    if not diffs:
        check.status = MATCH
        return check
    first = diffs[0] + (f" (and {len(diffs) - 1} more)" if len(diffs) > 1 else "")
    explained = EXPLAINED_DIFFERENCES.get(ref.name)
    if explained is not None and explained[0] == first:
        check.status, check.detail = EXPLAINED, f"{first}. {explained[1]}"
    else:
        check.status, check.detail = MISMATCH, first
    return check


def _count(
    ref: Reference, election: Election, info: MethodInfo, options: dict[str, Any]
) -> tuple[Result, list[str]]:
    """Count; where Droop drew lots our count draws by seed, find a seed that agrees."""
    result = info.run(election, seed=0, options=options)
    notes: list[str] = []
    ties = [t for r in ref.rounds for t in r.ties]
    if ties:
        notes.append(
            "ties: "
            + "; ".join(
                f"{_names(ref, t.tied)} -> {ref.names[t.chosen]}"
                + (f" by {t.how}" if t.how != "order" else " by Droop's tie order")
                + (" (in a zero-surplus round, not compared)" if _dropped(ref, t) else "")
                for t in ties
            )
        )
    lots = [(t.tied, t.chosen) for t in ties if t.how == "lot" and not _dropped(ref, t)]
    if not lots:
        return result, notes
    for seed in range(SEEDS):
        trial = result if seed == 0 else info.run(election, seed=seed, options=options)
        ours = [(t.tied, t.chosen) for t in trial.tiebreaks if t.method is TieMethod.LOT]
        if ours == lots:
            notes.append(f"seed {seed}: our lots fall as Droop's did")
            return trial, notes
    notes.append(f"no seed below {SEEDS} makes our lots fall as Droop's did")
    return result, notes


def _dropped(ref: Reference, tie: RefTie) -> bool:
    """Return whether a tie was broken in a zero-surplus round we do not have."""
    return any(tie in r.ties and r.zero_surplus for r in ref.rounds)


def _droop_folder(data: Path) -> Path:
    """Return Droop's data folder: ``data/droop``, or ``data`` itself."""
    for folder in (data / "droop", data):
        if (folder / "ref" / "json").is_dir():
            return folder
    raise VerificationError(f"no Droop reference data (ref/json) under {data}")


def run(data: str | Path) -> list[Check]:
    """Check every Droop reference under ``data``."""
    droop = _droop_folder(Path(data))
    root = droop / "ref" / "json"
    checks: list[Check] = []
    for path in sorted(root.rglob("*.txt")):
        rel = path.relative_to(root)
        for kind in ("report", "dump"):
            if not (droop / "ref" / kind / rel).is_file():
                raise VerificationError(f"Droop's {kind} for {rel} is missing")
        try:
            ref = load_reference(droop, rel)
        except VerificationError as e:
            checks.append(
                Check(str(rel.with_suffix("")), "", "", "", "", UNREADABLE, detail=str(e))
            )
            continue
        checks.append(check_reference(ref))
    if not checks:
        raise VerificationError(f"no reference counts under {root}")
    return checks


PREAMBLE = """
Droop (Jonathan Lundell, github.com/jklundell/droop, GPL-3.0; commit cf58293, May 2020) keeps a
reference count of each of its test elections under each rule and arithmetic it offers, in three
layouts (`ref/report`, `ref/json`, `ref/dump`, the same count each).  Every one of them, from
`shared/data/droop`, is listed here.  Where tellers offers the rule, the same BLT file is counted
by the tellers method at Droop's arithmetic (and omega) and compared round by round: every
candidate's vote, the non-transferable value (Meek: Droop's residual, i.e. our non-transferable
plus rounding loss; Gregory: non-transferable and rounding loss separately), who was elected or
excluded in which round, and every tie (the tied candidates, the one chosen, and how).  Values
are compared at the places Droop prints (ours rounded half up as Droop rounds for display): 18
for guarded fixed point, 12 for rational, all of them for fixed point.  These are Droop's own
regression outputs, not official results: agreement shows two independent programs read the
rules alike.

Round numbering.  Meek: Droop round 0 is our round 1 and Droop round k our round k + 1; an
exclusion Droop makes at the end of round k is in our round k + 2 (whose iteration moves the
papers), or in our last round when the count ends there.  Gregory (Scottish STV, WIGM): Droop
round k is our stage k + 1, after dropping the rounds in which Droop transfers a surplus of
exactly zero (a candidate at exactly the quota): they change nothing, which is checked, and the
Scottish Order transfers only a surplus over the quota [r.48(1)].  Droop's "Defeat remaining"
after the seats are filled is not an exclusion under any of the rules; those candidates must
simply not be elected by us.  CfER and the PRF rule's batch defeats count as WIGM; a last
Droop round that only finds the seats filled by elections on the round before's figures
[CfER 10059(e)] is dropped, and a last round that transfers nothing (CfER 10059(i)(1),
Minneapolis 167.70(c)(1)e) has no figures to compare.  Minneapolis: Droop round k is our stage
k (it has no round 0); its figures are the round's closing count.  Droop's `cfer-batch` and
`wigm-prf-batch` are tellers' `cfer` and `wigm-prf` with `defeat_batch=safe`.  QPQ: Droop
round k (k >= 1) is our stage k; compared are the quotients of the candidates hopeful at the
round's decision, the candidate it elects (provisionally: an exclusion restarts the count) or
excludes, the candidates elected at the end, and every tie.

Ties.  Droop breaks every tie by a predetermined order: the candidates' listing order unless the
file gives a `[tie ...]` line.  Every rule but Scottish STV and QPQ is counted here with the
option `ties=listed`, which breaks ties by that same order.  Scottish STV is counted with its own
policy (`ties=lot`): the most recent stage at which the tied candidates differed, then lot from
the count's seed; QPQ, whose ties Droop records as broken by lot, with `ties=lot` (lot from the
seed).  Where Droop used its order as the lot, the check uses the first seed under which our
lots fall the same way, and says so.

Options.  Each count is given Droop's recorded options by Droop's names (`arithmetic`,
`precision`, `guard`, `display`, `omega`, `defeat_batch`) as `tellers count FILE.blt --method M
--option KEY=VALUE ...` gives them; tests/verify/test_droop_cli.py reproduces references of
every rule from the command line alone.

Regenerate with `tellers verify droop --data ../shared/data --out docs/verification/droop.md
--force` (the test suite runs the same check and compares this file with its output).
"""


def render(checks: list[Check]) -> str:
    """Render the checks as Markdown, totals first."""
    totals = Counter(c.status for c in checks)
    out = ["# Droop's reference counts: cross-check", "", PREAMBLE.strip(), ""]
    out += ["## Totals", "", "| result | references |", "|---|---:|"]
    for status in STATUSES:
        if totals.get(status):
            out.append(f"| {status} | {totals[status]} |")
    out.append(f"| **all references** | **{len(checks)}** |")
    out += ["", "| Droop rule | tellers method | references | match | explained | not offered |"]
    out.append("|---|---|---:|---:|---:|---:|")
    rules = sorted({c.rule for c in checks})
    for rule in rules:
        mine = [c for c in checks if c.rule == rule]
        by = Counter(c.status for c in mine)
        method = OFFERED.get(rule, "")
        counts = f"{len(mine)} | {by[MATCH]} | {by[EXPLAINED]} | {by[NOT_OFFERED]}"
        out.append(f"| {rule} | {method} | {counts} |")
    out += [
        "",
        "## Every reference",
        "",
        "Rounds are Droop's compared rounds / ours.",
        "",
        "| reference | election | rule | arithmetic | tellers method | rounds | result | detail |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in sorted(checks, key=lambda c: c.name):
        detail = "; ".join(x for x in [c.detail, *c.notes] if x).replace("|", "\\|")
        out.append(
            f"| {c.name} | {c.election} | {c.rule} | {c.setting} | {c.method} | {c.rounds} "
            f"| {c.status} | {detail} |"
        )
    out.append("")
    return "\n".join(out)


def verify_droop(data_dir: str | Path) -> tuple[str, bool]:
    """Check every Droop reference; return the Markdown report and whether all passed.

    ``data_dir`` is the shared data folder (holding ``droop/``) or Droop's folder itself.
    """
    checks = run(data_dir)
    ok = not any(c.status in (MISMATCH, UNREADABLE) for c in checks)
    return render(checks), ok


def write_report(data_dir: str | Path, out: str | Path) -> bool:
    """Write the Markdown report to ``out``; return whether every offered reference passed."""
    report, ok = verify_droop(data_dir)
    Path(out).write_text(report, encoding="utf-8")
    return ok
