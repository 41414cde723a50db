//! The three roles; an account has exactly one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Trainee,
    Instructor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Trainee, Role::Instructor, Role::Administrator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Trainee => "trainee",
            Role::Instructor => "instructor",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Whether someone in this role may act where any of `allowed` may.
    /// Administrators may do everything; the other roles only their own part.
    pub fn is_allowed(self, allowed: &[Role]) -> bool {
        self == Role::Administrator || allowed.contains(&self)
    }

    /// Staff accounts are created by an administrator, never by self-registration.
    pub fn is_staff(self) -> bool {
        self != Role::Trainee
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse("Administrator"), None, "names are exact");
    }

    #[test]
    fn role_checks_allow_exactly_the_listed_roles_and_administrators() {
        use Role::*;
        for (role, allowed, expected, why) in [
            (Trainee, &[Trainee][..], true, "a trainee on a trainee page"),
            (
                Trainee,
                &[Instructor][..],
                false,
                "a trainee on an instructor page",
            ),
            (
                Trainee,
                &[Administrator][..],
                false,
                "a trainee on an admin page",
            ),
            (
                Instructor,
                &[Instructor][..],
                true,
                "an instructor on an instructor page",
            ),
            (
                Instructor,
                &[Administrator][..],
                false,
                "an instructor on an admin page",
            ),
            (
                Instructor,
                &[Trainee][..],
                false,
                "an instructor on a trainee-only page",
            ),
            (
                Administrator,
                &[Administrator][..],
                true,
                "an admin on an admin page",
            ),
            (
                Administrator,
                &[Instructor][..],
                true,
                "an admin may act as instructor",
            ),
            (Administrator, &[][..], true, "an admin is never locked out"),
        ] {
            assert_eq!(role.is_allowed(allowed), expected, "{why}");
        }
    }
}
