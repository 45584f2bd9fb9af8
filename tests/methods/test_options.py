"""Options through the registry: declared per method, read from text or typed, refused clearly."""

from __future__ import annotations

import pytest

import tellers
from tellers.arithmetic import FixedArithmetic, GuardedArithmetic, RationalArithmetic
from tellers.errors import ConfigurationError
from tellers.methods import REGISTRY, meek, scottish, wigm
from tellers.methods.options import describe_options
from tellers.model import Election, TieMethod

# Three candidates for two seats; B and C tie for the last place at every stage.
TIED = Election.from_orders(["A", "B", "C"], [((0,), 4), ((1,), 1), ((2,), 1)], seats=2)


def test_text_options_are_typed_and_build_droop_arithmetics() -> None:
    """Options from the command line arrive as text; the arithmetic they name is built."""
    info = REGISTRY.get("meek")
    opts = info.parse_options({"arithmetic": "fixed", "precision": "9", "ties": "listed"})
    assert isinstance(opts, meek.MeekOptions)
    assert opts.make_arithmetic() == FixedArithmetic(9)
    assert opts.ties == "listed" and opts.defeat_batch == "safe"
    default = info.parse_options(None)
    assert isinstance(default, meek.MeekOptions)
    assert default.make_arithmetic() == GuardedArithmetic(18, 9)
    rational = info.parse_options({"arithmetic": "rational", "display": 12, "omega": 10})
    assert isinstance(rational, meek.MeekOptions)
    assert rational.make_arithmetic() == RationalArithmetic(12)
    # Droop's names may be written with a hyphen, as command-line options often are.
    assert info.parse_options({"defeat-batch": "none"}) == meek.MeekOptions(defeat_batch="none")


@pytest.mark.parametrize(
    ("method", "given", "said"),
    [
        (
            "meek",
            {"arith": "fixed"},
            "method 'meek' has no option 'arith'; its options: arithmetic",
        ),
        (
            "meek",
            {"arithmetic": "float"},
            "method 'meek', option 'arithmetic': one of fixed, guarded, rational, integer; "
            "not float",
        ),
        ("warren", {"omega": "ten"}, "method 'warren', option 'omega': a whole number, not 'ten'"),
        ("meek", {"omega": 0}, "method 'meek', option 'omega': at least 1, not 0"),
        ("wigm", {"ties": "coin"}, "method 'wigm', option 'ties': one of lot, listed; not coin"),
        (
            "meek",
            {"arithmetic": "fixed", "guard": 3},
            "method 'meek', option 'guard': guard digits are for guarded arithmetic, not fixed",
        ),
        ("fptp", {"ties": "lot"}, "method 'fptp' takes no options (given: ties)"),
        (
            "scottish-stv",
            {"precision": "6"},
            "method 'scottish-stv', option 'precision': the rule fixes it at 5, not 6: "
            '[48(3)] "the calculation being made to five decimal places (any remainder being '
            'ignored)"',
        ),
        (
            "meek-prf",
            {"omega": 9},
            "method 'meek-prf', option 'omega': the rule fixes it at 6, not 9: "
            '[A] "Set omega to 0.000001 (1/10^6)."',
        ),
        (
            "wigm-prf",
            {"arithmetic": "guarded"},
            "method 'wigm-prf', option 'arithmetic': the rule fixes it at fixed, not guarded: "
            '[D.4] "Truncate, with no rounding',
        ),
    ],
)
def test_a_bad_option_is_refused_naming_it(
    method: str, given: dict[str, object], said: str
) -> None:
    """The error names the method, the option and what is allowed (or the clause fixing it)."""
    with pytest.raises(ConfigurationError) as e:
        tellers.count(TIED, method, options=given)
    assert str(e.value).startswith(said)


def test_a_value_the_rule_fixes_may_be_restated() -> None:
    """Scottish STV at Droop's own setting (fixed, five places) is the rule's count."""
    ours = tellers.count(TIED, "scottish-stv", options={"arithmetic": "fixed", "precision": 5})
    assert ours == tellers.count(TIED, "scottish-stv")


def test_the_dataclass_itself_is_accepted_and_others_refused() -> None:
    """``options`` may be the method's dataclass; another method's is refused."""
    r = tellers.count(TIED, "wigm", options=wigm.WigmOptions(ties="listed"))
    assert r.elected == (0, 2)
    with pytest.raises(ConfigurationError, match="takes WigmOptions, not ScottishOptions"):
        tellers.count(TIED, "wigm", options=scottish.ScottishOptions())


def test_ties_listed_takes_the_listing_order_and_says_so() -> None:
    """``ties=listed``: B, listed before C, is the one chosen -- to be excluded, as Droop does."""
    for method in ("meek", "warren", "meek-prf", "wigm", "wigm-prf", "scottish-stv", "ers97"):
        r = tellers.count(TIED, method, options={"ties": "listed"})
        assert r.elected == (0, 2), method
        assert [t.method for t in r.tiebreaks] == [TieMethod.ORDER], method


def test_ties_lot_draws_from_the_seed() -> None:
    """The rule's own policy draws lots: the seed decides between B and C, and it is recorded."""
    for method in ("meek", "wigm", "scottish-stv", "ers97"):
        seen = set()
        for seed in range(12):
            r = tellers.count(TIED, method, seed=seed, options={"ties": "lot"})
            (tie,) = r.tiebreaks
            assert tie.method is TieMethod.LOT and tie.seed == seed, method
            seen.add(tie.chosen)
        assert seen == {1, 2}, method


def test_every_method_describes_its_options() -> None:
    """What ``tellers methods METHOD`` lists: every option with a source and what is allowed."""
    for info in REGISTRY.all():
        for o in info.describe_options():
            assert o.source and o.help and o.allowed, (info.name, o.name)
    names = [o.name for o in describe_options(meek.MeekOptions)]
    assert names == ["arithmetic", "precision", "display", "guard", "omega", "defeat_batch", "ties"]
    (precision,) = [o for o in REGISTRY.get("scottish").describe_options() if o.name == "precision"]
    assert precision.allowed == "5 only (fixed by the rule)" and "48(3)" in precision.fixed


def test_av_ties_listed() -> None:
    """AV: A 3, B 2, C 2 -- B and C equal at every round; listed excludes B, lot draws."""
    e = Election.from_orders(["A", "B", "C"], [((0,), 3), ((1, 0), 2), ((2, 1), 2)])
    r = tellers.count(e, "av", options={"ties": "listed"})
    (tie,) = r.tiebreaks
    assert (tie.chosen, tie.method) == (1, TieMethod.ORDER)
    drawn = {tellers.count(e, "av", seed=s).tiebreaks[0].chosen for s in range(12)}
    assert drawn == {1, 2}
