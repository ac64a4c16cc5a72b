"""Elections: the only code that changes elections, their candidate lists, rounds, issue logs and tallies.

Rules kept here (the Party's own, with their articles, are in rules.py):
- An election belongs to a meeting (a congress) and is seen by whoever may see the meeting.
- The list is changed only while the election prepares it (no round yet). A delegate on the congress's
  counting committee cannot be a candidate (Điều 8): refused with the reason, when added and again when
  a round starts.
- A floor or self nomination carries the number of delegates who agreed and of those present; it enters
  the list only with more than 30% (Điều 14). A list beyond the 30% surplus (or a committee list without
  surplus) needs the congress's decision, recorded on the election, before a round's ballots are printed.
- A round's figures must add up: valid + invalid = returned ≤ issued, each candidate's votes ≤ valid,
  all votes ≤ seats × valid; anything else is refused with what is wrong, nothing half-saved. Two clerks
  entering the same round send the version they read: the second is refused (409).
- Closing a round computes the result by the rule and keeps it on the round's rows; a closed round changes
  only through a recorded correction (its reason and changes are kept, and audited).
"""

from planner.elections.services.common import (  # noqa: F401
    CANDIDATE_FIELDS,
    ELECTION_FIELDS,
    MAX_COUNT,
    MAX_SEATS,
    MAX_TEXT,
    ROUND_FIELDS,
    ballot_order,
    base_count,
    convened,
    describe,
    election_label,
    get_candidate,
    get_election,
    get_meeting_election,
    get_meeting_round,
    get_round,
    local,
    meeting_elections,
    official_delegates,
    present_now,
    surplus_message,
    surplus_of,
)
from planner.elections.services.lists import (  # noqa: F401
    add_candidate,
    candidacy_problem,
    counting_committee,
    counting_committee_problem,
    create_election,
    eligible_delegates,
    remove_candidate,
    seats_decision_text,
    seats_votes,
    update_election,
)
from planner.elections.services.records import (  # noqa: F401
    credentials_figures,
    credentials_of,
    frozen,
    sign_counting_minutes,
    sign_credentials,
    sign_election_report,
    update_credentials,
)
from planner.elections.services.rounds import (  # noqa: F401
    ResultRow,
    TallyInput,
    correct_round,
    describe_round,
    elected_so_far,
    next_round_defaults,
    previous_result,
    result_of,
    result_rows,
    round_label,
    seats_left,
    start_round,
    update_round,
)
