//! Certificates: numbers, the lifecycle, and who is eligible.
//!
//! The rules a stranger's trust rests on live here, free of IO: a number's
//! form, which status changes are allowed, what status a certificate shows
//! on a given day, and the one eligibility rule the decision page and the
//! issuing code both use.

use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// `PREFIX-YEAR-SEQUENCE`, e.g. `CPA-2000-00070`: the sequence is per prefix
/// and year, at least five digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CertificateNumber {
    pub prefix: String,
    pub year: i64,
    pub sequence: i64,
}

impl CertificateNumber {
    pub fn new(prefix: &str, year: i64, sequence: i64) -> Self {
        CertificateNumber {
            prefix: prefix.to_owned(),
            year,
            sequence,
        }
    }

    /// Reads a number as a person types it: any case, surrounding spaces,
    /// full-width characters.
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let folded = super::exam::fold(input).to_ascii_uppercase();
        let mut parts = folded.rsplitn(3, '-');
        let (Some(sequence), Some(year), Some(prefix)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(Problem::CertificateNumberInvalid);
        };
        parse_prefix(prefix).map_err(|_| Problem::CertificateNumberInvalid)?;
        let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
            len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(year, 4..=4) || !digits(sequence, 5..=9) {
            return Err(Problem::CertificateNumberInvalid);
        }
        let sequence: i64 = sequence
            .parse()
            .map_err(|_| Problem::CertificateNumberInvalid)?;
        if sequence == 0 {
            return Err(Problem::CertificateNumberInvalid);
        }
        Ok(CertificateNumber {
            prefix: prefix.to_owned(),
            year: year
                .parse()
                .map_err(|_| Problem::CertificateNumberInvalid)?,
            sequence,
        })
    }
}

impl std::fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:04}-{:05}", self.prefix, self.year, self.sequence)
    }
}

/// A number prefix: 2 to 10 capital letters or digits, starting with a letter.
pub fn parse_prefix(input: &str) -> Result<String, Problem> {
    let prefix = input.trim().to_ascii_uppercase();
    let ok = (2..=10).contains(&prefix.len())
        && prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(prefix)
    } else {
        Err(Problem::PrefixInvalid)
    }
}

/// Status as stored. `Expired` is never stored: see [`shown_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    Suspended,
    Revoked,
    /// Replaced by a corrected record.
    Superseded,
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
            Status::Superseded => "superseded",
            Status::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Status::Valid,
            Status::Suspended,
            Status::Revoked,
            Status::Superseded,
            Status::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// What a certificate shows on `today` (ISO dates compare as text): a
/// stored valid certificate past its expiry date is expired; a suspension
/// with an end date lapses after it; revoked and superseded never change.
pub fn shown_status(
    stored: Status,
    expires_on: &str,
    suspended_until: Option<&str>,
    today: &str,
) -> Status {
    match stored {
        Status::Revoked | Status::Superseded => stored,
        _ if today > expires_on => Status::Expired,
        Status::Suspended if suspended_until.is_some_and(|until| today > until) => Status::Valid,
        other => other,
    }
}

/// A change an administrator makes to a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Suspend,
    Reinstate,
    Revoke,
    /// A new validity period on a new record linked to this one.
    Renew,
    /// A new record that supersedes this one (e.g. a misspelt name).
    Correct,
}

impl Change {
    pub const ALL: [Change; 5] = [
        Change::Suspend,
        Change::Reinstate,
        Change::Revoke,
        Change::Renew,
        Change::Correct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::Suspend => "suspend",
            Change::Reinstate => "reinstate",
            Change::Revoke => "revoke",
            Change::Renew => "renew",
            Change::Correct => "correct",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Change::Suspend,
            Change::Reinstate,
            Change::Revoke,
            Change::Renew,
            Change::Correct,
        ]
        .into_iter()
        .find(|c| c.as_str() == value.trim())
    }
}

/// The stored status after `change` to a certificate that shows `shown`
/// today, or why it is refused. Revocation is final; a superseded record
/// is history; a renewal or a correction leaves this record as it was
/// (correction: superseded) and creates a new one.
pub fn apply(shown: Status, change: Change) -> Result<Status, Problem> {
    use Change::*;
    use Status::*;
    match (shown, change) {
        (Valid, Suspend) => Ok(Suspended),
        (Suspended, Reinstate) => Ok(Valid),
        (Valid | Suspended | Expired, Revoke) => Ok(Revoked),
        (Valid | Expired, Renew) => Ok(shown),
        (Valid | Suspended | Expired, Correct) => Ok(Superseded),
        _ => Err(Problem::CertificateChangeNotAllowed),
    }
}

/// What a candidate has done towards a certificate type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub completed: bool,
    /// `None` when the type requires no exam; else whether the counted,
    /// released result of an exam of the class is a pass.
    pub passed_exam: Option<bool>,
    /// Already holds a live (valid or suspended) certificate of this type
    /// from this class.
    pub already_certified: bool,
}

/// Why a candidate is not (yet) eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    NotCompleted,
    ExamNotPassed,
    AlreadyCertified,
}

/// The one eligibility rule: completed the class, passed its exam when the
/// type requires one, and not already certified from it.
pub fn eligibility(evidence: Evidence) -> Result<(), Vec<Shortfall>> {
    let mut missing = Vec::new();
    if !evidence.completed {
        missing.push(Shortfall::NotCompleted);
    }
    if evidence.passed_exam == Some(false) {
        missing.push(Shortfall::ExamNotPassed);
    }
    if evidence.already_certified {
        missing.push(Shortfall::AlreadyCertified);
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

/// The last day of validity for `months` from `issued_on` (YYYY-MM-DD): the
/// day before the same date `months` later, that date clamped to its
/// month's end (2000-01-31 for one month → 2000-02-29 → valid to 2000-02-28).
pub fn expiry(issued_on: &str, months: i64) -> Option<String> {
    let mut parts = issued_on.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let total = y * 12 + (m - 1) + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let last = super::catalogue::days_in_month(year, month);
    let day = d.min(last);
    // The certificate is valid up to and including the day before.
    let (year, month, day) = if day > 1 {
        (year, month, day - 1)
    } else if month > 1 {
        (
            year,
            month - 1,
            super::catalogue::days_in_month(year, month - 1),
        )
    } else {
        (year - 1, 12, 31)
    };
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The last valid day of a renewal that continues an unexpired
/// certificate ending on `old_expires`: the same day `months` later,
/// clamped to that month's end, so no day of the old validity is lost.
pub fn continued_expiry(old_expires: &str, months: i64) -> Option<String> {
    let mut parts = old_expires.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let total = y * 12 + (m - 1) + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let day = d.min(super::catalogue::days_in_month(year, month));
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// A suspension still in force on `today`: stored as suspended, until
/// further notice or a day not yet past (expiry does not lift it).
pub fn suspension_in_force(stored: &str, suspended_until: Option<&str>, today: &str) -> bool {
    stored == "suspended" && suspended_until.is_none_or(|until| until >= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_print_and_read_back() {
        let n = CertificateNumber::new("CPA", 2000, 70);
        assert_eq!(n.to_string(), "CPA-2000-00070");
        assert_eq!(CertificateNumber::parse(" cpa-2000-00070 ").unwrap(), n);
        assert_eq!(CertificateNumber::parse("ＣＰＡ－2000－00070").unwrap(), n);
        assert_eq!(
            CertificateNumber::parse("ＣＰＡ-２０００-００070").unwrap(),
            n
        );
        for bad in [
            "",
            "CPA-2000",
            "CPA-00-00070",
            "CPA-2000-70",
            "CPA-2000-00000",
            "1PA-2000-00001",
            "CPA-2000-0007x",
        ] {
            assert_eq!(
                CertificateNumber::parse(bad),
                Err(Problem::CertificateNumberInvalid),
                "{bad}"
            );
        }
        assert_eq!(
            CertificateNumber::new("EIA", 1999, 123_456).to_string(),
            "EIA-1999-123456"
        );
    }

    proptest! {
        #[test]
        fn every_number_round_trips_and_orders_by_sequence(
            prefix in "[A-Z][A-Z0-9]{1,9}",
            year in 1990i64..2100,
            a in 1i64..999_999,
            b in 1i64..999_999,
        ) {
            let first = CertificateNumber::new(&prefix, year, a);
            prop_assert_eq!(CertificateNumber::parse(&first.to_string()).unwrap(), first.clone());
            let second = CertificateNumber::new(&prefix, year, b);
            // Fixed width: text order is number order within a prefix and year
            // (up to 99,999 a year).
            if a < 100_000 && b < 100_000 {
                prop_assert_eq!(first.to_string() < second.to_string(), a < b);
            }
            prop_assert_eq!(first == second, a == b);
        }
    }

    #[test]
    fn every_change_allowed_and_refused() {
        use Change::*;
        use Status::*;
        let all_status = [Valid, Suspended, Revoked, Superseded, Expired];
        let all_change = [Suspend, Reinstate, Revoke, Renew, Correct];
        let allowed = [
            (Valid, Suspend, Suspended),
            (Suspended, Reinstate, Valid),
            (Valid, Revoke, Revoked),
            (Suspended, Revoke, Revoked),
            (Expired, Revoke, Revoked),
            (Valid, Renew, Valid),
            (Expired, Renew, Expired),
            (Valid, Correct, Superseded),
            (Suspended, Correct, Superseded),
            (Expired, Correct, Superseded),
        ];
        for status in all_status {
            for change in all_change {
                let expected = allowed
                    .iter()
                    .find(|(s, c, _)| *s == status && *c == change)
                    .map(|(_, _, next)| *next)
                    .ok_or(Problem::CertificateChangeNotAllowed);
                assert_eq!(apply(status, change), expected, "{status:?} {change:?}");
            }
        }
    }

    #[test]
    fn expiry_is_a_date_not_a_job() {
        use Status::*;
        assert_eq!(shown_status(Valid, "2003-05-20", None, "2003-05-20"), Valid);
        assert_eq!(
            shown_status(Valid, "2003-05-20", None, "2003-05-21"),
            Expired
        );
        assert_eq!(
            shown_status(Suspended, "2030-01-01", Some("2026-12-31"), "2026-12-31"),
            Suspended
        );
        assert_eq!(
            shown_status(Suspended, "2030-01-01", Some("2026-12-31"), "2027-01-01"),
            Valid
        );
        assert_eq!(
            shown_status(Suspended, "2030-01-01", None, "2029-01-01"),
            Suspended
        );
        assert_eq!(
            shown_status(Revoked, "2000-01-01", None, "2026-01-01"),
            Revoked
        );
        assert_eq!(
            shown_status(Superseded, "2030-01-01", None, "2026-01-01"),
            Superseded
        );
    }

    #[test]
    fn validity_runs_to_the_day_before_the_anniversary() {
        assert_eq!(expiry("2000-05-21", 36).as_deref(), Some("2003-05-20"));
        assert_eq!(expiry("2000-01-31", 1).as_deref(), Some("2000-02-28"));
        assert_eq!(expiry("2000-03-01", 12).as_deref(), Some("2001-02-28"));
        assert_eq!(expiry("2000-01-01", 12).as_deref(), Some("2000-12-31"));
        assert_eq!(expiry("not a date", 12), None);
    }

    #[test]
    fn eligibility_needs_completion_a_pass_and_no_certificate_yet() {
        use Shortfall::*;
        let ok = Evidence {
            completed: true,
            passed_exam: Some(true),
            already_certified: false,
        };
        assert_eq!(eligibility(ok), Ok(()));
        assert_eq!(
            eligibility(Evidence {
                passed_exam: None,
                ..ok
            }),
            Ok(())
        );
        assert_eq!(
            eligibility(Evidence {
                completed: false,
                passed_exam: Some(false),
                ..ok
            }),
            Err(vec![NotCompleted, ExamNotPassed])
        );
        assert_eq!(
            eligibility(Evidence {
                already_certified: true,
                ..ok
            }),
            Err(vec![AlreadyCertified])
        );
    }

    #[test]
    fn a_renewal_before_expiry_keeps_every_remaining_day() {
        assert_eq!(
            continued_expiry("2027-02-02", 36).as_deref(),
            Some("2030-02-02")
        );
        assert_eq!(
            continued_expiry("2027-08-31", 6).as_deref(),
            Some("2028-02-29")
        );
        assert_eq!(continued_expiry("not a date", 6), None);
    }

    #[test]
    fn a_suspension_outlives_expiry_but_not_its_end_date() {
        assert!(suspension_in_force("suspended", None, "2030-01-01"));
        assert!(suspension_in_force(
            "suspended",
            Some("2030-01-01"),
            "2030-01-01"
        ));
        assert!(!suspension_in_force(
            "suspended",
            Some("2029-12-31"),
            "2030-01-01"
        ));
        assert!(!suspension_in_force("valid", None, "2030-01-01"));
    }
}
