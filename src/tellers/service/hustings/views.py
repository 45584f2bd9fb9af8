"""The hustings pages: members ask and support, moderators decide, candidates answer,
organisers set the policy, the meetings, the moderators and the candidates' links.

A member's "role" is a session opened by their own single-use sign-in link (it holds their
roll entry's id); a candidate's is a session opened by their current answer link (it holds the
candidate's id and the link's hash, so issuing a new link ends it).  Links are exchanged for
the session at once and the browser sent on to an address without the token.  Every act is a
call to :mod:`.actions`; user text reaches the page only through autoescaping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..elections.models import Candidate, Election, RollEntry
from ..elections.roles import Role, has_role, require
from ..errors import ServiceError
from ..pages import election_or_404 as _election
from ..pages import see_other
from ..ratelimits import link_limits, sign_in_limits
from . import actions, mail
from .forms import (
    AnswerForm,
    AnswerLinkForm,
    MeetingForm,
    MergeForm,
    ModeratorForm,
    PolicyForm,
    QuestionForm,
    RejectForm,
    SignInForm,
)
from .models import Answer, CandidateLink, Meeting, Moderator, Question, Status, Support
from .roles import is_moderator, is_official, require_moderator

#: Session keys.  MEMBER: {"election", "entry"}; CANDIDATE: {"election", "candidate", "link"}.
MEMBER = "hustings.member"
CANDIDATE = "hustings.candidate"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking at an election's hustings, as the pages need it."""

    member: RollEntry | None = None
    candidate: Candidate | None = None
    candidate_link: str = ""
    official: bool = False
    moderator: bool = False
    organiser: bool = False


def _see_other(name: str, *args: Any) -> HttpResponse:
    return see_other(f"hustings:{name}", *args)


def _member(request: HttpRequest, election: Election) -> RollEntry | None:
    data = request.session.get(MEMBER)
    if not isinstance(data, dict) or data.get("election") != election.pk:
        return None
    return RollEntry.objects.filter(election=election, pk=int(data.get("entry") or 0)).first()


def _candidate(request: HttpRequest, election: Election) -> tuple[Candidate, str] | None:
    data = request.session.get(CANDIDATE)
    if not isinstance(data, dict) or data.get("election") != election.pk:
        return None
    h = str(data.get("link"))
    link = CandidateLink.objects.filter(
        token_hash=h, candidate__election=election, candidate_id=int(data.get("candidate") or 0)
    ).first()
    if link is None:
        return None
    return Candidate.objects.get(pk=link.candidate_id), h


def _viewer(request: HttpRequest, election: Election) -> Viewer:
    cand = _candidate(request, election)
    user = request.user
    return Viewer(
        member=_member(request, election),
        candidate=cand[0] if cand else None,
        candidate_link=cand[1] if cand else "",
        official=is_official(user, election),
        moderator=is_moderator(user, election),
        organiser=has_role(user, election, Role.ORGANISER),
    )


def _may_read(viewer: Viewer, election: Election) -> bool:
    return bool(
        viewer.member or viewer.candidate or viewer.official or actions.policy_for(election).public
    )


def _locked_out(request: HttpRequest, election: Election) -> HttpResponse:
    return render(request, "hustings/locked.html", {"election": election}, status=403)


def _act(request: HttpRequest, act: Callable[[], object], done: str) -> bool:
    try:
        act()
    except ServiceError as e:
        messages.error(request, str(e))
        return False
    messages.success(request, done)
    return True


def _published(election: Election) -> Any:
    """The published questions, most supported first, with their answers."""
    return (
        Question.objects.filter(election=election, status=Status.APPROVED)
        .select_related("author")
        .annotate(support_count=Count("supports"))
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.filter(candidate__withdrawn=False).select_related(
                    "candidate"
                ),
            )
        )
        .order_by("-support_count", "asked_at", "pk")
    )


def _with_waiting(questions: Any, candidates: list[Candidate]) -> list[Question]:
    """Note on each question the standing candidates who have not answered it yet."""
    out = list(questions)
    for q in out:
        answered = {a.candidate_id for a in q.answers.all()}
        setattr(q, "waiting", [c.name for c in candidates if c.pk not in answered])  # noqa: B010
    return out


def _standing(election: Election) -> list[Candidate]:
    return list(
        Candidate.objects.filter(election=election, withdrawn=False, is_ron=False).order_by(
            "position"
        )
    )


# --- everyone who may read ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    """The published questions and answers, and the meetings."""
    election = _election(election_id)
    viewer = _viewer(request, election)
    if not _may_read(viewer, election):
        return _locked_out(request, election)
    standing = _standing(election)
    supported: set[int] = set()
    if viewer.member:
        supported = set(
            Support.objects.filter(member=viewer.member).values_list("question_id", flat=True)
        )
    return render(
        request,
        "hustings/index.html",
        {
            "election": election,
            "viewer": viewer,
            "questions": _with_waiting(_published(election), standing),
            "candidates": standing,
            "meetings": Meeting.objects.filter(election=election),
            "supported": supported,
            "open": election.state in actions.HUSTINGS_STATES,
        },
    )


@never_cache
@require_http_methods(["GET"])
def question(request: HttpRequest, election_id: int, question_id: int) -> HttpResponse:
    """One published question with every candidate's answer."""
    election = _election(election_id)
    viewer = _viewer(request, election)
    if not _may_read(viewer, election):
        return _locked_out(request, election)
    standing = _standing(election)
    [q] = _with_waiting([get_object_or_404(_published(election), pk=question_id)], standing)
    supported = bool(viewer.member and Support.objects.filter(member=viewer.member, question=q))
    return render(
        request,
        "hustings/question.html",
        {
            "election": election,
            "viewer": viewer,
            "q": q,
            "candidates": standing,
            "supported": supported,
            "open": election.state in actions.HUSTINGS_STATES,
        },
    )


# --- members --------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@sign_in_limits("hustings.sign_in")
def sign_in(request: HttpRequest, election_id: int) -> HttpResponse:
    """A member asks for a sign-in link to the address on the roll."""
    election = _election(election_id)
    form = SignInForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.request_sign_in(election, form.cleaned_data["email"])
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            if made is not None:
                entry, token = made
                mail.send_sign_in(election, entry, token)
            # The same answer whether or not the address is on the roll.
            sent = True
    return render(
        request,
        "hustings/sign_in.html",
        {"election": election, "form": form, "sent": sent},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET"])
@link_limits("hustings.member")
def member_link(request: HttpRequest, election_id: int, token: str) -> HttpResponse:
    """Spend a member's sign-in link for a session, and send the browser on without it."""
    election = _election(election_id)
    entry = actions.sign_in(election, token)
    if entry is None:
        response = render(request, "hustings/bad_link.html", {"election": election}, status=404)
        response["Referrer-Policy"] = "no-referrer"
        return response
    request.session[MEMBER] = {"election": election.pk, "entry": entry.pk}
    request.session.cycle_key()
    return _see_other("index", election.pk)


def _require_member(request: HttpRequest, election: Election) -> RollEntry:
    entry = _member(request, election)
    if entry is None:
        raise PermissionDenied("Sign in with the link e-mailed to you as a member.")
    return entry


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, election_id: int) -> HttpResponse:
    """Write a question, with the policy beside the form."""
    election = _election(election_id)
    entry = _require_member(request, election)
    policy = actions.policy_for(election)
    form = QuestionForm(request.POST or None, limit=policy.question_max_chars)
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask(entry, form.cleaned_data["text"])
        except ServiceError as e:
            form.add_error("text", str(e))
        else:
            messages.success(
                request, "Thank you: your question is with the moderators. Its progress is below."
            )
            return _see_other("mine", election.pk)
    return render(
        request,
        "hustings/ask.html",
        {"election": election, "form": form, "policy": policy, "member": entry},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET"])
def mine(request: HttpRequest, election_id: int) -> HttpResponse:
    """A member's own questions: where each stands, and any rejection's reason."""
    election = _election(election_id)
    entry = _require_member(request, election)
    questions = Question.objects.filter(author=entry).select_related("merged_into")
    return render(request, "hustings/mine.html", {"election": election, "questions": questions})


@require_POST
def support(request: HttpRequest, election_id: int, question_id: int) -> HttpResponse:
    """Support a published question (once)."""
    election = _election(election_id)
    entry = _require_member(request, election)
    q = get_object_or_404(Question, pk=question_id, election=election)
    _act(request, lambda: actions.support(entry, q), "Your support is counted.")
    return _see_other("question", election.pk, q.pk)


@require_POST
def sign_out(request: HttpRequest, election_id: int) -> HttpResponse:
    """End the member's or candidate's hustings session."""
    election = _election(election_id)
    request.session.pop(MEMBER, None)
    request.session.pop(CANDIDATE, None)
    request.session.cycle_key()
    messages.success(request, "You are signed out of the hustings.")
    return _see_other("sign_in", election.pk)


# --- candidates -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
@link_limits("hustings.candidate")
def candidate_link(request: HttpRequest, election_id: int, token: str) -> HttpResponse:
    """Exchange a candidate's answer link for a session."""
    election = _election(election_id)
    found = actions.candidate_for_token(election, token)
    if found is None:
        response = render(request, "hustings/bad_link.html", {"election": election}, status=404)
        response["Referrer-Policy"] = "no-referrer"
        return response
    candidate, h = found
    request.session[CANDIDATE] = {"election": election.pk, "candidate": candidate.pk, "link": h}
    request.session.cycle_key()
    return _see_other("candidate_home", election.pk)


def _require_candidate(request: HttpRequest, election: Election) -> tuple[Candidate, str]:
    found = _candidate(request, election)
    if found is None:
        raise PermissionDenied("Open the answer link the organiser e-mailed to you.")
    return found


@never_cache
@require_http_methods(["GET"])
def candidate_home(request: HttpRequest, election_id: int) -> HttpResponse:
    """The published questions, with which the candidate has answered."""
    election = _election(election_id)
    candidate, _ = _require_candidate(request, election)
    answered = set(Answer.objects.filter(candidate=candidate).values_list("question_id", flat=True))
    return render(
        request,
        "hustings/candidate_home.html",
        {
            "election": election,
            "candidate": candidate,
            "questions": _published(election),
            "answered": answered,
            "limit": actions.policy_for(election).answer_max_chars,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, election_id: int, question_id: int) -> HttpResponse:
    """Write or revise an answer to one question."""
    election = _election(election_id)
    candidate, link = _require_candidate(request, election)
    q = get_object_or_404(
        Question.objects.select_related("author"),
        pk=question_id,
        election=election,
        status=Status.APPROVED,
    )
    existing = Answer.objects.filter(question=q, candidate=candidate).first()
    limit = actions.policy_for(election).answer_max_chars
    form = AnswerForm(
        request.POST or None, limit=limit, initial={"text": existing.text if existing else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_question(candidate, link, q, form.cleaned_data["text"])
        except ServiceError as e:
            form.add_error("text", str(e))
        else:
            messages.success(request, "Your answer is published.")
            return _see_other("candidate_home", election.pk)
    return render(
        request,
        "hustings/answer.html",
        {"election": election, "candidate": candidate, "q": q, "form": form, "limit": limit},
        status=400 if form.errors else 200,
    )


# --- moderators -----------------------------------------------------------------------------


@login_required
def moderation_list(request: HttpRequest) -> HttpResponse:
    """The elections whose questions the user moderates."""
    elections = [
        m.election
        for m in Moderator.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("election__organisation")
        .order_by("-election__created_at")
    ]
    pending = dict(
        Question.objects.filter(election__in=elections, status=Status.PENDING)
        .values_list("election")
        .annotate(n=Count("pk"))
        .values_list("election", "n")
    )
    rows = [(e, pending.get(e.pk, 0)) for e in elections]
    return render(request, "hustings/moderation_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET"])
def moderate(request: HttpRequest, election_id: int) -> HttpResponse:
    """The moderation queue, oldest first, with the forms for each decision."""
    election = _election(election_id)
    require_moderator(request.user, election)
    policy = actions.policy_for(election)
    targets = Question.objects.filter(election=election, status=Status.APPROVED)
    queue = [
        (
            q,
            RejectForm(reasons=policy.reason_list(), prefix=f"q{q.pk}"),
            MergeForm(targets=targets, prefix=f"q{q.pk}"),
        )
        for q in Question.objects.filter(election=election, status=Status.PENDING).select_related(
            "author"
        )
    ]
    decided = (
        Question.objects.filter(election=election)
        .exclude(status=Status.PENDING)
        .order_by("-decided_at", "-pk")[:50]
    )
    return render(
        request,
        "hustings/moderate.html",
        {
            "election": election,
            "queue": queue,
            "decided": decided,
            "has_targets": targets.exists(),
            "policy": policy,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, election_id: int, question_id: int) -> HttpResponse:
    """Approve, reject (with a reason from the policy) or merge one question."""
    election = _election(election_id)
    require_moderator(request.user, election)
    q = get_object_or_404(Question, pk=question_id, election=election)
    decision = request.POST.get("decision")
    user = request.user
    if decision == "approve":
        _act(request, lambda: actions.approve(user, q), f"Question {q.pk} published.")
    elif decision == "reject":
        policy = actions.policy_for(election)
        rform = RejectForm(request.POST, reasons=policy.reason_list(), prefix=f"q{q.pk}")
        if rform.is_valid():
            data = rform.cleaned_data
            _act(
                request,
                lambda: actions.reject(user, q, data["reason"], data["note"]),
                f"Question {q.pk} rejected; the asker will see why.",
            )
        else:
            messages.error(request, f"Question {q.pk}: choose one of the policy's reasons.")
    elif decision == "merge":
        targets = Question.objects.filter(election=election, status=Status.APPROVED)
        mform = MergeForm(request.POST, targets=targets, prefix=f"q{q.pk}")
        if mform.is_valid():
            into = mform.cleaned_data["into"]
            _act(
                request,
                lambda: actions.merge(user, q, into),
                f"Question {q.pk} merged into question {into.pk}.",
            )
        else:
            messages.error(request, f"Question {q.pk}: choose a published question.")
    else:
        messages.error(request, "Choose a decision.")
    return _see_other("moderate", election.pk)


# --- the organiser --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def manage(request: HttpRequest, election_id: int) -> HttpResponse:
    """Set up the hustings: the policy, meetings, moderators and candidates' answer links."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    links = set(
        CandidateLink.objects.filter(candidate__election=election).values_list(
            "candidate_id", flat=True
        )
    )
    return render(
        request,
        "hustings/manage.html",
        {
            "election": election,
            "meetings": Meeting.objects.filter(election=election),
            "meeting_form": MeetingForm(),
            "moderators": Moderator.objects.filter(election=election).select_related("user"),
            "moderator_form": ModeratorForm(),
            "candidates": [
                (c, c.pk in links, AnswerLinkForm(prefix=f"c{c.pk}")) for c in _standing(election)
            ],
            "policy": actions.policy_for(election),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, election_id: int) -> HttpResponse:
    """Edit the organisation's hustings policy."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    current = actions.policy_for(election)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
        if _act(
            request,
            lambda: actions.edit_policy(request.user, election, **fields),
            "Policy saved.",
        ):
            return _see_other("manage", election.pk)
    return render(
        request,
        "hustings/policy.html",
        {"election": election, "form": form},
        status=400 if form.errors else 200,
    )


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else str(e))


@login_required
@require_POST
def meeting_add(request: HttpRequest, election_id: int) -> HttpResponse:
    """List a meeting."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: actions.add_meeting(
                request.user,
                election,
                starts_at=data["starts_at"],
                place=data["place"],
                link=data["link"],
                notes=data["notes"],
            ),
            "Meeting listed.",
        )
    else:
        _form_errors(request, form)
    return _see_other("manage", election.pk)


@login_required
@require_POST
def meeting_remove(request: HttpRequest, election_id: int, meeting_id: int) -> HttpResponse:
    """Take a meeting off the list."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    meeting = get_object_or_404(Meeting, pk=meeting_id, election=election)
    _act(request, lambda: actions.remove_meeting(request.user, meeting), "Meeting removed.")
    return _see_other("manage", election.pk)


@login_required
@require_POST
def moderator_add(request: HttpRequest, election_id: int) -> HttpResponse:
    """Appoint a moderator."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    form = ModeratorForm(request.POST)
    if form.is_valid():
        who = form.cleaned_data["username"]
        _act(
            request,
            lambda: actions.appoint_moderator(request.user, election, who),
            f"{who.get_username()} moderates this election's questions.",
        )
    else:
        _form_errors(request, form)
    return _see_other("manage", election.pk)


@login_required
@require_POST
def answer_link(request: HttpRequest, election_id: int, candidate_id: int) -> HttpResponse:
    """Issue a candidate a new answer link and e-mail it to the address given."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    candidate = get_object_or_404(Candidate, pk=candidate_id, election=election)
    form = AnswerLinkForm(request.POST, prefix=f"c{candidate.pk}")
    if not form.is_valid():
        _form_errors(request, form)
        return _see_other("manage", election.pk)
    try:
        token = actions.issue_answer_link(request.user, candidate)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        if mail.send_answer_link(election, candidate, form.cleaned_data["email"], token):
            messages.success(request, f"Answer link sent to {candidate.name}.")
        else:
            messages.error(request, "The e-mail could not be sent; issue the link again.")
    return _see_other("manage", election.pk)
