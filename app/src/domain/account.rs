//! The free-text parts of an account: a person's name and their organisation.

use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// One line of free text: whitespace collapsed, at most `max` characters,
/// no control characters, and present if `required`.
pub fn bounded_text(input: &str, max: usize, required: bool) -> Result<String, Problem> {
    // Collapse runs of whitespace so "张  三" and "张 三" are the same name.
    let value = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if required && value.is_empty() {
        return Err(Problem::Required);
    }
    if value.chars().count() > max {
        return Err(Problem::TooLong { max: max as u32 });
    }
    if value.chars().any(char::is_control) {
        return Err(Problem::NotInList);
    }
    Ok(value)
}

/// A person's name as it will be printed on a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_LEN: usize = 100;

    pub fn parse(input: &str) -> Result<Self, Problem> {
        bounded_text(input, Self::MAX_LEN, true).map(PersonName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The employer or work unit (单位) of a trainee; may be left empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation(String);

impl Organisation {
    pub const MAX_LEN: usize = 200;

    pub fn parse(input: &str) -> Result<Self, Problem> {
        bounded_text(input, Self::MAX_LEN, false).map(Organisation)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_whitespace_collapsed() {
        assert_eq!(PersonName::parse("  张   三 ").unwrap().as_str(), "张 三");
        assert_eq!(PersonName::parse("Li Wei").unwrap().as_str(), "Li Wei");
    }

    #[test]
    fn a_name_is_required_and_bounded() {
        assert_eq!(PersonName::parse("  "), Err(Problem::Required));
        assert_eq!(
            PersonName::parse(&"名".repeat(101)),
            Err(Problem::TooLong { max: 100 })
        );
        assert!(
            PersonName::parse(&"名".repeat(100)).is_ok(),
            "100 characters fit"
        );
    }

    #[test]
    fn an_organisation_may_be_empty_but_not_huge() {
        assert_eq!(Organisation::parse("").unwrap().as_str(), "");
        assert_eq!(
            Organisation::parse(&"x".repeat(201)),
            Err(Problem::TooLong { max: 200 })
        );
    }
}
