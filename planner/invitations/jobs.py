"""The invitations' background jobs: sending a batch of invitation e-mails to its end, whatever becomes of
the page that started it.

Each e-mail is its own unit of work: the server accepts it, then its log row (the sent mark) and audit
entry are committed together, so a job taken up again (another worker after a restart, the sweep after a
killed one) goes on with those not marked and nobody is sent the invitation twice. Only a worker killed
between the server's acceptance and that commit leaves one e-mail to be sent again; it goes with the same
Message-ID (one sending to one person), which mail programs treat as the same message. A mail server that
cannot be reached leaves the batch running and the job is tried again later (30 s, 1, 2, 4 min); after the
last try the job is failed with the reason, shown on the invitations tab, where sending can be resumed."""

from __future__ import annotations

from sqlalchemy import update

from planner.accounts.models import User
from planner.core import queue
from planner.core.db import atomic
from planner.core.errors import NotFound
from planner.core.mail import MailError
from planner.extensions import db
from planner.invitations import services
from planner.invitations.models import BatchState, InvitationBatch

CHUNK = 10      # e-mails between two looks at the worker's stop flag


class MailServerUnreachable(Exception):
    """Retried by the queue: not a refusal, the mail server may come back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def send_batch(batch_id: int, user_id: int | None) -> str:
    batch = db.session.get(InvitationBatch, batch_id)
    if batch is None:
        raise NotFound("The sending no longer exists.")
    user = db.session.get(User, user_id) if user_id is not None else None
    # Only this job sends this batch (its row is claimed by one worker at a time): a lease left by a
    # worker that died is not waited for.
    with atomic():
        db.session.execute(update(InvitationBatch).where(InvitationBatch.id == batch_id)
                           .values(lease_until=None).execution_options(synchronize_session=False))
    db.session.refresh(batch)
    result = services.progress(batch)
    queue.progress(result.done, result.total)
    while batch.state is BatchState.running:
        queue.checkpoint()
        try:
            result = services.send_chunk(batch, user=user, size=CHUNK, outage="raise")
        except MailError as exc:
            raise MailServerUnreachable(exc.message) from None
        queue.progress(result.done, result.total)
    return f"{result.sent} sent, {result.failed} failed, {result.skipped} without e-mail"
