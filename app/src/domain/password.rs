//! The password policy: length within bounds, not one of the commonest
//! passwords, and not built from the account's own email address.

use super::Email;
use crate::error::Problem;
use std::fmt;

/// A password that meets the policy. Deliberately neither `Serialize` nor
/// `Display`, and its `Debug` is redacted, so it cannot end up in a log or a
/// response by accident.
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 128;

    pub fn parse(input: &str, email: Option<&Email>) -> Result<Self, Problem> {
        let length = input.chars().count();
        if length == 0 {
            return Err(Problem::Required);
        }
        if length < Self::MIN_LEN {
            return Err(Problem::PasswordTooShort {
                min: Self::MIN_LEN as u32,
            });
        }
        if length > Self::MAX_LEN {
            return Err(Problem::PasswordTooLong {
                max: Self::MAX_LEN as u32,
            });
        }
        let folded = input.to_lowercase();
        if is_common(&folded) {
            return Err(Problem::PasswordTooCommon);
        }
        if let Some(email) = email {
            let local = email.as_str().split('@').next().unwrap_or_default();
            if folded.contains(email.as_str()) || (local.len() >= 4 && folded == local) {
                return Err(Problem::PasswordContainsEmail);
            }
        }
        Ok(Password(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

fn is_common(folded: &str) -> bool {
    COMMON_PASSWORDS.contains(&folded)
        // "aaaaaaaa", "11111111": one character repeated is never acceptable.
        || folded.chars().all(|c| folded.starts_with(c))
}

/// The commonest passwords of at least eight characters in public breach
/// lists, with the ones most used in China (拼音 phrases, QQ numbers, dates).
/// Compared after lower-casing.
const COMMON_PASSWORDS: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "987654321",
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "q1w2e3r4",
    "zaq12wsx",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "abcd1234",
    "abc12345",
    "abc123456",
    "a1234567",
    "a12345678",
    "a123456789",
    "aa123456",
    "aa12345678",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "trustno1",
    "superman",
    "starwars",
    "whatever",
    "computer",
    "internet",
    "michelle",
    "jennifer",
    "maverick",
    "mercedes",
    "corvette",
    "12341234",
    "11223344",
    "12121212",
    "12344321",
    "13131313",
    "147258369",
    "123123123",
    "123321123",
    "123qweasd",
    "qweasdzxc",
    "qazwsxedc",
    "1qazxsw2",
    "admin123",
    "admin1234",
    "administrator",
    "changeme",
    "letmein1",
    "monkey123",
    "dragon123",
    "master123",
    "shadow123",
    "woaini1314",
    "woaini520",
    "5201314520",
    "52013141",
    "1314520520",
    "woaiwojia",
    "wangyut2",
    "qq123456",
    "qq12345678",
    "a5201314",
    "aini1314",
    "li123456",
    "zhang123",
    "wang1234",
    "liu123456",
    "chen123456",
    "yang123456",
    "huang123",
    "zhao1234",
    "88888888",
    "66666666",
    "520520520",
    "1234qwer",
    "qwer1234",
    "asd12345",
    "asdf1234",
    "zxc12345",
    "zxcv1234",
    "password!",
    "academy1",
    "academy123",
    "auditor1",
    "auditor123",
    "training",
    "training1",
    "certificate",
    "qingjie123",
    "shenhe123",
    "huanbao123",
    "19491001",
    "20000101",
    "19900101",
    "19800101",
    "19881988",
    "20082008",
    "hello123",
    "hello1234",
    "helloworld",
    "test1234",
    "test12345",
    "testtest",
    "iloveu1314",
    "abcdefgh",
    "abcdefg1",
    "1a2b3c4d",
    "a1b2c3d4",
    "qwe123qwe",
    "123abc123",
    "q123456789",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_passwords_pass() {
        for input in [
            "academy-demo",
            "correct horse battery",
            "清洁生产审核员2000",
            &"x1".repeat(64),
        ] {
            assert!(Password::parse(input, None).is_ok(), "{input}");
        }
    }

    #[test]
    fn bad_passwords_are_refused_with_their_reason() {
        let email = Email::parse("li.wei@example.cn").unwrap();
        for (input, problem, why) in [
            ("", Problem::Required, "empty"),
            (
                "short",
                Problem::PasswordTooShort { min: 8 },
                "5 characters",
            ),
            (
                "1234567",
                Problem::PasswordTooShort { min: 8 },
                "7 characters",
            ),
            ("password", Problem::PasswordTooCommon, "the commonest"),
            (
                "PassWord123",
                Problem::PasswordTooCommon,
                "common, any case",
            ),
            ("woaini1314", Problem::PasswordTooCommon, "common in China"),
            (
                "zzzzzzzzzz",
                Problem::PasswordTooCommon,
                "one character repeated",
            ),
            (
                "li.wei@example.cn!",
                Problem::PasswordContainsEmail,
                "contains the email",
            ),
        ] {
            assert_eq!(
                Password::parse(input, Some(&email)).err(),
                Some(problem),
                "{why}: {input:?}"
            );
        }
        let long = "x1".repeat(64) + "z";
        assert_eq!(
            Password::parse(&long, None).err(),
            Some(Problem::PasswordTooLong { max: 128 }),
            "129 characters"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Eight Chinese characters are 24 bytes but a valid eight-character password.
        assert!(Password::parse("清洁生产审核培训", None).is_ok());
        assert!(Password::parse("清洁生产审核培", None).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse("academy-demo", None).unwrap();
        assert!(!format!("{password:?}").contains("academy"));
    }

    proptest::proptest! {
        #[test]
        fn the_length_rule_holds_for_any_text(input in "\\PC{0,140}") {
            let length = input.chars().count();
            match Password::parse(&input, None) {
                Ok(_) => proptest::prop_assert!((8..=128).contains(&length)),
                Err(Problem::PasswordTooShort { .. }) => proptest::prop_assert!(length > 0 && length < 8),
                Err(Problem::PasswordTooLong { .. }) => proptest::prop_assert!(length > 128),
                Err(_) => {}
            }
        }
    }
}
