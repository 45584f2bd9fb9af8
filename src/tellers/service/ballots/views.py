"""The voter's pages: link → ballot → review → cast → receipt.

The e-mailed link is exchanged at once for a session holding only the token's keyed hash and
the election's id, and the browser is sent on to a page whose address carries no secret, so
the token leaves the address bar, the history and any Referer.  Nothing after that first
request sees the raw token.  Every response here is marked ``no-store``: a shared computer's
cache must not keep a ballot or a receipt.

The voter's "role" is holding an unspent link for an open election; :func:`_voter` checks it
on every request, and :func:`.actions.cast_ballot` checks it again inside the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..elections.models import Candidate, Election, RollEntry
from ..errors import AlreadyVoted, InvalidBallot, ServiceError
from ..pages import see_other
from ..ratelimits import link_limits
from .actions import _ballot_open, cast_ballot, voter_for_token
from .forms import ChoiceBallotForm, RankingBallotForm, field_name
from .sealing import open_marks, seal_marks

__all__ = ["ballot", "receipt", "review", "start"]

#: Session keys.  VOTER: {"election", "token_hash"}; RANKING: positions in preference order,
#: sealed under a key derived from the site's secret (:func:`seal_marks`), never in clear.
VOTER = "ballots.voter"
RANKING = "ballots.ranking"
#: After casting, the receipt is kept in a signed cookie that lasts until the browser closes,
#: so the same browser is told "you have already voted" rather than "this link has been
#: used".  Not in the server's session: a session row that once held the voter's token hash
#: and then their receipt would pair the two in the database's history, and a receipt
#: published beside its ballot would then lead from the member to their ranking.
RECEIPT_COOKIE = "tellers_receipt"
_RECEIPT_SALT = "tellers.ballots.receipt"

_RANK = "Number the candidates in order of preference: 1 for your first choice, 2 for your "
_RANK += "second, and so on. You may number as many or as few as you like."
_STV = (
    _RANK + " A candidate who reaches the quota is elected, and the votes they do not need pass "
    "to the next preference shown; if nobody reaches it, the last candidate is excluded and "
    "their votes pass on the same way, until {seats} elected."
)
#: One paragraph per counting method, saying what to mark and what the count does with it.
METHOD_TEXT: dict[str, str] = {
    "av": _RANK + " If no candidate has more than half the first preferences, the last "
    "candidate is excluded and their votes go to the next preference shown, until one "
    "candidate has a majority.",
    "scottish-stv": _STV,
    "ers97": _STV,
    "wigm": _STV,
    "meek": _STV,
    "fptp": "Mark one candidate. The candidate with the most votes wins.",
}


def method_text(election: Election) -> str:
    """Return the sentence that explains ``election``'s ballot to a voter."""
    text = METHOD_TEXT.get(election.method, _RANK)
    seats = election.seats
    return text.format(seats=f"{seats} are" if seats != 1 else "one is")


@dataclass(frozen=True, slots=True)
class _Ballot:
    """The voter this session holds, with their election (loaded once per request)."""

    election: Election
    token_hash: str


def _voter(request: HttpRequest) -> _Ballot | None:
    """Return the session's voter if their link is still unspent and the ballot open."""
    data = request.session.get(VOTER)
    if not isinstance(data, dict):
        return None
    h = str(data.get("token_hash"))
    # One query for both: the unspent roll entry (none once the link is spent or reissued)
    # and, joined to it, the election with its organisation, as every voter's page shows.
    entry = (
        RollEntry.objects.filter(
            election_id=int(data["election"]), token_hash=h, voted__isnull=True
        )
        .select_related("election__organisation")
        .only("id", "election")
        .first()
    )
    if entry is None or not _ballot_open(entry.election):
        return None
    return _Ballot(entry.election, h)


def _marked(request: HttpRequest) -> list[int] | None:
    """Return the ranking this session marked and has not yet cast, if any."""
    return open_marks(settings.SECRET_KEY, request.session.get(RANKING))


def _candidates(election: Election) -> list[Candidate]:
    """Return the standing candidates in ballot-paper order."""
    return list(Candidate.objects.filter(election=election, withdrawn=False).order_by("position"))


def _form(
    election: Election, candidates: list[Candidate], *args: Any, **kwargs: Any
) -> RankingBallotForm | ChoiceBallotForm:
    cls = ChoiceBallotForm if election.method == "fptp" else RankingBallotForm
    return cls(candidates, *args, **kwargs)


def _receipt(request: HttpRequest) -> dict[str, str] | None:
    """Return the receipt this browser was given on casting, with its election's names."""
    raw = request.get_signed_cookie(RECEIPT_COOKIE, default=None, salt=_RECEIPT_SALT)
    if not raw:
        return None
    election_id, _, code = raw.partition(":")
    election = (
        Election.objects.select_related("organisation")
        .filter(pk=int(election_id) if election_id.isdigit() else 0)
        .first()
    )
    if election is None:
        return None
    return {
        "receipt": code,
        "title": election.title,
        "organisation": election.organisation.name,
    }


def _refusal(request: HttpRequest, *, status: int = 403) -> HttpResponse:
    """Render the page for a browser that may not vote: "already voted", or why not."""
    done = _receipt(request)
    if done:
        status = 200
    return render(
        request, "ballots/refused.html", {"receipt": done, "already": bool(done)}, status=status
    )


def _see_other(name: str) -> HttpResponse:
    return see_other(f"ballots:{name}")


@never_cache
@require_http_methods(["GET"])
@link_limits("vote")
def start(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange the e-mailed link for a session, and send the browser on without the token."""
    voter = voter_for_token(None, token)
    if voter is None:
        response = _refusal(request, status=404)
        response["Referrer-Policy"] = "no-referrer"
        return response
    request.session.pop(RANKING, None)
    request.session[VOTER] = {"election": voter.election_id, "token_hash": voter.token_hash}
    # A fresh session key: a session id planted before the link was opened is worth nothing.
    request.session.cycle_key()
    return _see_other("ballot")


@never_cache
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest) -> HttpResponse:
    """Show the ballot paper; on POST check the marks and go on to the review."""
    voter = _voter(request)
    if voter is None:
        return _refusal(request)
    election = voter.election
    # Read once: the form and the marks carried back from the review share the one list.
    candidates = _candidates(election)
    if request.method == "POST":
        form = _form(election, candidates, data=request.POST)
        if form.is_valid():
            request.session[RANKING] = seal_marks(settings.SECRET_KEY, form.ranking())
            return _see_other("review")
    else:
        initial: dict[str, Any] = {}
        ranking = _marked(request) or []
        if election.method == "fptp" and ranking:
            initial["choice"] = ranking[0]
        else:
            by_position = {c.position: c for c in candidates}
            for i, pos in enumerate(ranking, start=1):
                if pos in by_position:
                    initial[field_name(by_position[pos])] = str(i)
        form = _form(election, candidates, initial=initial)
    rows = [
        (c, form[field_name(c)] if "choice" not in form.fields else None) for c in form.candidates
    ]
    return render(
        request,
        "ballots/ballot.html",
        {
            "election": election,
            "form": form,
            "rows": rows,
            "explain": method_text(election),
            "ranked": election.method != "fptp",
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """Show the checked ranking; on POST cast it, exactly once."""
    voter = _voter(request)
    if voter is None:
        if request.method == "POST" and _receipt(request):
            return _see_other("receipt")  # a second press of "Cast my vote"
        return _refusal(request)
    election = voter.election
    ranking = _marked(request)
    if not ranking:
        return _see_other("ballot")
    names = {c.position: c.name for c in _candidates(election)}
    problems: list[str] = []
    if request.method == "POST":
        try:
            code = cast_ballot(election, voter.token_hash, ranking, standing=names)
        except AlreadyVoted:
            request.session.pop(VOTER, None)
            request.session.pop(RANKING, None)
            return _refusal(request, status=409)
        except InvalidBallot as e:
            problems = e.problems
        except ServiceError as e:
            problems = [str(e)]
        else:
            # The whole session goes (its row deleted, a new key issued): nothing the server
            # keeps pairs this browser's credential with its receipt.
            request.session.flush()
            response = _see_other("receipt")
            response.set_signed_cookie(
                RECEIPT_COOKIE,
                f"{election.pk}:{code}",
                salt=_RECEIPT_SALT,
                path="/vote/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    return render(
        request,
        "ballots/review.html",
        {
            "election": election,
            "choices": [names.get(p, "?") for p in ranking],
            "ranked": election.method != "fptp",
            "problems": problems,
        },
        status=409 if problems else 200,
    )


@never_cache
@require_http_methods(["GET"])
def receipt(request: HttpRequest) -> HttpResponse:
    """Show the receipt code of the ballot this browser has just cast."""
    done = _receipt(request)
    if done is None:
        return _refusal(request, status=404)
    return render(request, "ballots/receipt.html", {"receipt": done})
