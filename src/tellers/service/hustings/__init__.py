"""Hustings online: members' questions under a published policy, and candidates' answers.

Design (the simplest honest one we found):

* **Members sign in through their own roll entry.**  A member gives the e-mail address on the
  roll; if an entry of this election has it, a single-use link is e-mailed to it (the page
  says the same either way, so it tells nobody who is on the roll).  The link carries 256
  random bits; only a keyed hash is stored, under a key derived for hustings alone and a
  purpose string of its own (:mod:`.tokens`), in a table of its own, so a hustings link can
  never be a ballot credential and a ballot link never signs anyone in here.  Opening the link
  spends it, puts the roll entry's id in the session (a fresh session key) and sends the
  browser on to an address without the token.  Links expire after a day; each member may ask
  for a few a day.
* **Candidates answer through a link the organiser issues.**  The organiser types the
  candidate's e-mail address; the link is e-mailed there (the address is not kept) and only its
  keyed hash is stored, one per candidate: issuing another revokes the last.  The link may be
  opened again (a candidate comes back as questions are approved) and signs the browser in as
  that candidate only while it is the candidate's current link.  No Django account is needed.
* **Moderators** are users in the ``Moderators`` group (its permission,
  ``hustings.moderate_questions``, is made by this app's data migration) whom an election's
  organiser appoints to it (:class:`.models.Moderator`); :mod:`.roles` checks both.
* **Policy.**  Each organisation has one :class:`.models.Policy`: the text shown beside the
  question form, the reasons a moderator may give for a rejection (one a line), the question
  and answer length limits (the same for every candidate) and the daily question limit.  Until
  an organiser edits it, the shipped default applies.
* **No path to a ballot.**  Nothing here refers to a ballot, and nothing that refers to a roll
  entry refers to a user: moderators' decisions record the moderator's name as text (and in
  the audit chain), so the schema walk in ``tests/service/test_secrecy.py`` still finds no
  path from a keyed paper (which names its teller) to a member.  A question names its asker:
  members ask in their own names, by design.

Every act (ask, support, approve, merge, reject, answer, policy, meetings, links, moderators)
is one function in :mod:`.actions` that checks the role and the election's state, runs in one
transaction and appends its audit entry; the moderation queue is in the chain as each question
is asked.  User text is rendered only through Django's autoescaping.
"""
