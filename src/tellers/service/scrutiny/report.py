"""The scrutineer's report, assembled from the service's records.

What TULRCA 1992 s.52 asks of a union election's scrutineer, usable by any organisation: the
papers distributed (the roll, links and paper ballots issued, reissues), the papers returned
(online and on paper), the valid votes and the spoilt papers, the result, whether the
scrutineer is satisfied (s.52(2)), the complaints received and the requests to inspect the
register (s.49).  Every figure is read from the records, never typed in; only the statement,
complaints and inspections are the scrutineer's own words.

Before the close the report gives what may be known while the ballot runs (how many have
voted, as the roll records) and nothing of the count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Sum

from ..audit.chain import verify
from ..audit.models import AuditEntry
from ..ballots.models import PaperKeying, SealedBallot
from ..elections.models import Appointment, Channel, Election, State
from .models import Complaint, RegisterInspection, Statement

__all__ = ["ScrutineerReport", "render_text", "scrutineer_report"]

_COUNTED = (State.COUNTED, State.SIGNED_OFF, State.PUBLISHED)


@dataclass(frozen=True, slots=True)
class ScrutineerReport:
    """The figures and records of one election's scrutiny."""

    organisation: str
    election: str
    rulebook: str
    method: str
    seats: int
    state: str
    scrutineers: list[str]
    on_roll: int
    links_issued: int
    papers_issued: int
    reissues: int
    returned_online: int
    returned_paper: int
    counted: bool
    valid: str | None
    spoilt: int | None
    elected: list[str]
    statement: Statement | None
    complaints: list[Complaint]
    inspections: list[RegisterInspection]
    chain_intact: bool
    bundle_sha256: str | None

    @property
    def returned(self) -> int:
        """Every paper returned: ballots cast online and paper ballots received."""
        return self.returned_online + self.returned_paper


def scrutineer_report(election: Election) -> ScrutineerReport:
    """Assemble ``election``'s report (the caller has checked the reader's role)."""
    roll = election.roll
    counted = election.state in _COUNTED
    valid: str | None = None
    elected: list[str] = []
    spoilt: int | None = None
    returned_online = SealedBallot.objects.filter(election=election).count()
    # After the retention period the ballots and keyings are purged (retention.py); the
    # count and the purge's audit entry keep the figures.
    purge = AuditEntry.objects.filter(
        object__startswith=f"election {election.pk} ", action="purge"
    ).first()
    if counted:
        result = json.loads(election.count.result_json)
        valid, elected = str(result["valid"]), list(result["elected"])
        returned_online = election.count.online_ballots
        # A spoilt paper is keyed with no preferences; each reconciled serial is one paper.
        spoilt = (
            int(purge.details["spoilt_papers"])
            if purge
            else len(
                {
                    serial
                    for serial, ranking in PaperKeying.objects.filter(
                        election=election, reconciled=True
                    ).values_list("serial", "ranking")
                    if not ranking
                }
            )
        )
    published = election.state == State.PUBLISHED
    publication = getattr(election, "publication", None) if published else None
    return ScrutineerReport(
        organisation=election.organisation.name,
        election=election.title,
        rulebook=election.rulebook_id,
        method=election.method,
        seats=election.seats,
        state=election.get_state_display(),
        scrutineers=sorted(
            Appointment.objects.filter(
                election=election, role=Appointment.Role.SCRUTINEER
            ).values_list("user__username", flat=True)
        ),
        on_roll=roll.count(),
        links_issued=int(roll.aggregate(n=Sum("links_issued"))["n"] or 0),
        papers_issued=roll.filter(paper_issued=True).count(),
        reissues=AuditEntry.objects.filter(
            object__startswith=f"election {election.pk} ", action="reissue link"
        ).count(),
        returned_online=returned_online,
        returned_paper=roll.filter(voted=Channel.PAPER).count(),
        counted=counted,
        valid=valid,
        spoilt=spoilt,
        elected=elected,
        statement=Statement.objects.filter(election=election).first(),
        complaints=list(Complaint.objects.filter(election=election)),
        inspections=list(RegisterInspection.objects.filter(election=election)),
        chain_intact=not verify(),
        bundle_sha256=publication.bundle_sha256 if publication else None,
    )


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def render_text(r: ScrutineerReport) -> str:
    """The report as plain text, for the command line and for filing."""
    lines = [
        f"Scrutineer's report: {r.election}",
        f"{r.organisation} · rulebook {r.rulebook} · {r.method}, {r.seats} seat"
        + ("s" if r.seats != 1 else ""),
        f"State: {r.state}. Scrutineer: {', '.join(r.scrutineers) or '(none appointed)'}.",
        "",
        "Papers distributed",
        f"  members on the roll                  {r.on_roll:>9}",
        f"  voting links issued                  {r.links_issued:>9}",
        f"    of which reissues                  {r.reissues:>9}",
        f"  paper ballots issued                 {r.papers_issued:>9}",
        "Papers returned",
        f"  cast online                          {r.returned_online:>9}",
        f"  returned on paper                    {r.returned_paper:>9}",
        f"  in all                               {r.returned:>9}",
    ]
    if r.counted:
        lines += [
            "The count",
            f"  valid votes                          {r.valid:>9}",
            f"  spoilt papers                        {r.spoilt:>9}",
            f"  elected: {', '.join(r.elected) or '(none)'}",
        ]
    else:
        lines += ["The count", "  not yet counted"]
    lines += ["", "Statement (s.52(2))"]
    s = r.statement
    if s is None:
        lines.append("  not yet made")
    else:
        lines += [
            f"  no grounds to believe a requirement was contravened  {_yes(s.no_contravention)}",
            f"  the papers and the count were securely arranged     {_yes(s.secure_arrangements)}",
            f"  able to act without interference                    {_yes(s.unhindered)}",
            f"  satisfied: {_yes(s.satisfied)} (made by {s.made_by.get_username()}, "
            f"{s.made_at:%Y-%m-%d %H:%M} UTC)",
        ]
        if s.remarks:
            lines.append(f"  remarks: {s.remarks}")
    lines += ["", f"Complaints received: {len(r.complaints)}"]
    for c in r.complaints:
        lines.append(f"  {c.received}: {c.summary}" + (f" — {c.outcome}" if c.outcome else ""))
    lines += [f"Requests to inspect the register: {len(r.inspections)}"]
    for i in r.inspections:
        lines.append(
            f"  {i.requested}: {i.requested_by} — {'granted' if i.granted else 'refused'}"
            + (f" ({i.note})" if i.note else "")
        )
    lines += [
        "",
        "Audit chain: "
        + ("intact" if r.chain_intact else "BROKEN (tellers audit verify says where)"),
    ]
    if r.bundle_sha256:
        lines.append(f"Published bundle SHA-256: {r.bundle_sha256}")
    return "\n".join(lines) + "\n"
