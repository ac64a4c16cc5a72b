"""Invitations (services, split by seam into links, wording, mail, sending and overview): the delegates'
personal links, the RSVP given through them, and sending the invitation e-mails. The only code that writes
these (no request, no templates); every change is audited.

Personal links. A delegate's page is ``/d/<secret>``: no account, no sign-in. The secret is 256 bits
derived with the application's secret key from a random nonce kept on the link's row; the row keeps
the secret's SHA-256 hash, by which a visit finds it in one indexed query. A database dump alone
therefore gives no working link, while staff can still copy, print and mail the link they issued
(the mailed link, the printed letter and the copied one are the same, until someone rotates it).
Issuing a link revokes the participant's earlier one; a revoked or unknown link answers 404.

Sending. Staff pick recipients (everyone, a category, those not sent an invitation yet); a batch is
made in the database and processed a chunk (50) per request (the chunk is the request's unit of work;
outside a request each e-mail is its own unit with its log row and audit entry), so that a page can show
n/N while it drives the next chunk, a closed window can be resumed, and two windows never send the same
batch at once (a lease on the batch row). Sending is idempotent: a participant already sent the invitation
as it now reads (``invitation_version``) is not mailed again unless "send again" is asked. Participants
without an e-mail address are logged as skipped and listed for printing.
"""

from planner.core.mail import MailError, MailSettings, mail_settings
from planner.invitations.services.links import (
    LINK_PREFIX,
    LINK_USE_NOTE_EVERY,
    MAX_NOTE,
    active_link,
    active_links,
    answer,
    current_link_url,
    ensure_link,
    ensure_links,
    issue_link,
    latest_replies,
    link_secret,
    link_url,
    note_use,
    personal_link,
    printed_link_url,
    resolve,
    revoke_link,
)
from planner.invitations.services.mail import compose
from planner.invitations.services.overview import (
    InvitationStatus,
    chosen_participants,
    recent_log,
    statuses,
    summary,
    without_email,
)
from planner.invitations.services.sending import (
    CHUNK,
    LEASE,
    Progress,
    count_recipients,
    get_batch,
    progress,
    running_batch,
    send_chunk,
    send_invitations,
    start_batch,
    stop_batch,
)
from planner.invitations.services.wording import (
    addressee,
    clock,
    invitation_version,
    when_text,
    where_text,
    withheld,
)

__all__ = [
    "CHUNK", "LEASE", "LINK_PREFIX", "LINK_USE_NOTE_EVERY", "MAX_NOTE", "InvitationStatus", "MailError",
    "MailSettings", "Progress", "active_link", "active_links", "addressee", "answer", "chosen_participants",
    "clock", "compose", "count_recipients", "current_link_url", "ensure_link", "ensure_links", "get_batch",
    "invitation_version", "issue_link", "latest_replies", "link_secret", "link_url", "mail_settings", "note_use",
    "personal_link", "printed_link_url", "progress", "recent_log", "resolve", "revoke_link", "running_batch",
    "send_chunk", "send_invitations", "start_batch", "statuses", "stop_batch", "summary", "when_text", "where_text",
    "withheld", "without_email",
]
