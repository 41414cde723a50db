//! The enrolment state machine and the seat rule.

use crate::error::Problem;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentState {
    Pending,
    Approved,
    Waitlisted,
    Rejected,
    Withdrawn,
    Completed,
}

impl EnrolmentState {
    pub const ALL: [EnrolmentState; 6] = [
        EnrolmentState::Pending,
        EnrolmentState::Approved,
        EnrolmentState::Waitlisted,
        EnrolmentState::Rejected,
        EnrolmentState::Withdrawn,
        EnrolmentState::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EnrolmentState::Pending => "pending",
            EnrolmentState::Approved => "approved",
            EnrolmentState::Waitlisted => "waitlisted",
            EnrolmentState::Rejected => "rejected",
            EnrolmentState::Withdrawn => "withdrawn",
            EnrolmentState::Completed => "completed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Pending applications hold their seat while they are reviewed, so a
    /// class never has more candidates than places.
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            EnrolmentState::Pending | EnrolmentState::Approved | EnrolmentState::Completed
        )
    }

    /// Still part of the class (not rejected or withdrawn).
    pub fn is_live(self) -> bool {
        self.holds_seat() || self == EnrolmentState::Waitlisted
    }
}

/// How a class admits applicants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    Automatic,
    Manual,
}

impl Approval {
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Automatic => "automatic",
            Approval::Manual => "manual",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "automatic" => Some(Approval::Automatic),
            "manual" => Some(Approval::Manual),
            _ => None,
        }
    }

    /// The state of someone who gets a seat: approved at once, or pending review.
    pub fn seated_state(self) -> EnrolmentState {
        match self {
            Approval::Automatic => EnrolmentState::Approved,
            Approval::Manual => EnrolmentState::Pending,
        }
    }
}

/// What someone may do to an enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transition {
    /// Reviewer accepts a pending application.
    Approve,
    /// Reviewer turns down a pending or waitlisted application.
    Reject,
    /// The trainee leaves.
    Withdraw,
    /// A seat freed up for the first on the waiting list.
    Promote(Approval),
    /// The trainee finished the class.
    Complete,
}

/// The state after `transition`, or why it is not allowed.
pub fn next_state(
    state: EnrolmentState,
    transition: Transition,
) -> Result<EnrolmentState, Problem> {
    use EnrolmentState as S;
    use Transition as T;
    match (state, transition) {
        (S::Pending, T::Approve) => Ok(S::Approved),
        (S::Pending | S::Waitlisted, T::Reject) => Ok(S::Rejected),
        (S::Pending | S::Approved | S::Waitlisted, T::Withdraw) => Ok(S::Withdrawn),
        (S::Waitlisted, T::Promote(approval)) => Ok(approval.seated_state()),
        (S::Approved, T::Complete) => Ok(S::Completed),
        _ => Err(Problem::TransitionNotAllowed),
    }
}

/// The state a new application gets, given the seats already held.
pub fn admit(
    held: i64,
    capacity: i64,
    waitlist: bool,
    approval: Approval,
) -> Result<EnrolmentState, Problem> {
    if held < capacity {
        Ok(approval.seated_state())
    } else if waitlist {
        Ok(EnrolmentState::Waitlisted)
    } else {
        Err(Problem::ClassFull)
    }
}

/// Where an enrolment window stands at `now`.
pub fn window_problem(opens_at: i64, closes_at: i64, now: i64) -> Option<Problem> {
    if now < opens_at {
        Some(Problem::EnrolmentNotOpenYet)
    } else if now >= closes_at {
        Some(Problem::EnrolmentClosed)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnrolmentState as S;
    use Transition as T;

    #[test]
    fn every_transition_is_either_allowed_to_its_state_or_refused() {
        let allowed = [
            (S::Pending, T::Approve, S::Approved),
            (S::Pending, T::Reject, S::Rejected),
            (S::Pending, T::Withdraw, S::Withdrawn),
            (S::Waitlisted, T::Reject, S::Rejected),
            (S::Waitlisted, T::Withdraw, S::Withdrawn),
            (S::Waitlisted, T::Promote(Approval::Automatic), S::Approved),
            (S::Waitlisted, T::Promote(Approval::Manual), S::Pending),
            (S::Approved, T::Withdraw, S::Withdrawn),
            (S::Approved, T::Complete, S::Completed),
        ];
        let transitions = [
            T::Approve,
            T::Reject,
            T::Withdraw,
            T::Promote(Approval::Automatic),
            T::Promote(Approval::Manual),
            T::Complete,
        ];
        for state in S::ALL {
            for transition in transitions {
                let expected = allowed
                    .iter()
                    .find(|(s, t, _)| *s == state && *t == transition)
                    .map(|(_, _, to)| *to)
                    .ok_or(Problem::TransitionNotAllowed);
                assert_eq!(
                    next_state(state, transition),
                    expected,
                    "{state:?} --{transition:?}-->"
                );
            }
        }
    }

    #[test]
    fn finished_enrolments_never_change() {
        for state in [S::Rejected, S::Withdrawn, S::Completed] {
            for transition in [
                T::Approve,
                T::Reject,
                T::Withdraw,
                T::Complete,
                T::Promote(Approval::Automatic),
            ] {
                assert!(
                    next_state(state, transition).is_err(),
                    "{state:?} {transition:?}"
                );
            }
        }
    }

    #[test]
    fn a_free_seat_admits_and_a_full_class_queues_or_refuses() {
        assert_eq!(admit(29, 30, true, Approval::Automatic), Ok(S::Approved));
        assert_eq!(admit(29, 30, true, Approval::Manual), Ok(S::Pending));
        assert_eq!(admit(30, 30, true, Approval::Automatic), Ok(S::Waitlisted));
        assert_eq!(
            admit(30, 30, false, Approval::Automatic),
            Err(Problem::ClassFull)
        );
        assert_eq!(
            admit(31, 30, true, Approval::Manual),
            Ok(S::Waitlisted),
            "over-full stays queued"
        );
    }

    #[test]
    fn only_pending_approved_and_completed_hold_a_seat() {
        let holding: Vec<_> = S::ALL.into_iter().filter(|s| s.holds_seat()).collect();
        assert_eq!(holding, [S::Pending, S::Approved, S::Completed]);
        assert!(S::Waitlisted.is_live() && !S::Withdrawn.is_live() && !S::Rejected.is_live());
    }

    #[test]
    fn the_window_is_open_from_opening_until_just_before_closing() {
        assert_eq!(
            window_problem(100, 200, 99),
            Some(Problem::EnrolmentNotOpenYet)
        );
        assert_eq!(window_problem(100, 200, 100), None);
        assert_eq!(window_problem(100, 200, 199), None);
        assert_eq!(
            window_problem(100, 200, 200),
            Some(Problem::EnrolmentClosed)
        );
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Some(state));
        }
    }
}
