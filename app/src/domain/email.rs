//! Email addresses: the one way to get an [`Email`] is to parse it.

use crate::error::Problem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid address, trimmed and lower-cased so that one person
/// cannot hold two accounts by changing the case of their address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, Problem> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(Problem::Required);
        }
        if value.len() > Self::MAX_LEN {
            return Err(Problem::TooLong {
                max: Self::MAX_LEN as u32,
            });
        }
        let (local, domain) = value.split_once('@').ok_or(Problem::EmailInvalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(value))
        } else {
            Err(Problem::EmailInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_trimmed_and_lower_cased() {
        for (input, expected) in [
            ("li.wei@example.cn", "li.wei@example.cn"),
            ("  Li.Wei@Example.CN ", "li.wei@example.cn"),
            ("a+tag@sub.domain.org", "a+tag@sub.domain.org"),
            ("审核员@例子.中国", "审核员@例子.中国"),
        ] {
            assert_eq!(Email::parse(input).unwrap().as_str(), expected, "{input}");
        }
    }

    #[test]
    fn invalid_addresses_are_refused_with_a_reason() {
        for (input, problem, why) in [
            ("", Problem::Required, "empty"),
            ("   ", Problem::Required, "only spaces"),
            ("no-at-sign", Problem::EmailInvalid, "no @"),
            ("@example.cn", Problem::EmailInvalid, "no local part"),
            ("a@", Problem::EmailInvalid, "no domain"),
            ("a@localhost", Problem::EmailInvalid, "domain without a dot"),
            ("a@b@c.cn", Problem::EmailInvalid, "two @"),
            ("a b@c.cn", Problem::EmailInvalid, "space inside"),
            ("a..b@c.cn", Problem::EmailInvalid, "double dot"),
            (".a@c.cn", Problem::EmailInvalid, "leading dot"),
            (
                "a@-c.cn",
                Problem::EmailInvalid,
                "label starts with a hyphen",
            ),
            ("a@c..cn", Problem::EmailInvalid, "empty label"),
        ] {
            assert_eq!(Email::parse(input), Err(problem), "{why}: {input:?}");
        }
        let long = format!("{}@example.cn", "a".repeat(250));
        assert_eq!(
            Email::parse(&long),
            Err(Problem::TooLong { max: 254 }),
            "too long"
        );
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_a_parsed_address_parses_to_itself(input in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&input) {
                proptest::prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                proptest::prop_assert!(email.as_str().len() <= Email::MAX_LEN);
            }
        }

        #[test]
        fn well_formed_addresses_always_parse(
            local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]",
            domain in "[a-z0-9]{1,20}\\.[a-z]{2,6}",
        ) {
            let address = format!("{local}@{domain}");
            if !local.contains("..") {
                proptest::prop_assert!(Email::parse(&address).is_ok(), "{}", address);
            }
        }
    }
}
