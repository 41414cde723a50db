//! Centres and courses: the kinds and categories the catalogue is sorted by.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreKind {
    National,
    Industry,
    Provincial,
}

impl CentreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CentreKind::National => "national",
            CentreKind::Industry => "industry",
            CentreKind::Provincial => "provincial",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            CentreKind::National,
            CentreKind::Industry,
            CentreKind::Provincial,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 审核员培训: leads to the auditor certificate.
    AuditorTraining,
    /// 持证上岗: certification training required before taking up a post.
    PostCertification,
    /// 讲座: awareness lectures.
    Lecture,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::AuditorTraining,
        Category::PostCertification,
        Category::Lecture,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::AuditorTraining => "auditor_training",
            Category::PostCertification => "post_certification",
            Category::Lecture => "lecture",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_categories_round_trip() {
        for kind in [
            CentreKind::National,
            CentreKind::Industry,
            CentreKind::Provincial,
        ] {
            assert_eq!(CentreKind::parse(kind.as_str()), Some(kind));
        }
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("workshop"), None);
    }
}

use crate::error::Problem;

/// A course code like `CPA-AUD`: 2–20 capital letters, digits and hyphens.
pub fn parse_course_code(input: &str) -> Result<String, Problem> {
    let code = input.trim().to_uppercase();
    if code.is_empty() {
        return Err(Problem::Required);
    }
    let ok = (2..=20).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-')
        && !code.ends_with('-');
    ok.then_some(code).ok_or(Problem::CodeInvalid)
}

/// A whole number within `min..=max`.
pub fn parse_count(input: &str, min: i64, max: i64) -> Result<i64, Problem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Problem::Required);
    }
    match input.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Problem::NumberOutOfRange { min, max }),
    }
}

pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A calendar date `YYYY-MM-DD`, returned normalised with its day number.
pub fn parse_date(input: &str) -> Result<(String, i64), Problem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Problem::Required);
    }
    let parts: Vec<&str> = input.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(Problem::DateInvalid);
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i64>(), m.parse::<i64>(), d.parse::<i64>()) else {
        return Err(Problem::DateInvalid);
    };
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err(Problem::DateInvalid);
    }
    Ok((format!("{y:04}-{m:02}-{d:02}"), days_from_civil(y, m, d)))
}

/// A local date and time `YYYY-MM-DDTHH:MM` (as an `<input type=datetime-local>`
/// sends it) in China Standard Time, as Unix seconds.
pub fn parse_china_time(input: &str) -> Result<i64, Problem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Problem::Required);
    }
    let (date, clock) = input.split_once(['T', ' ']).ok_or(Problem::DateInvalid)?;
    let (_, days) = parse_date(date)?;
    let (h, min) = clock.split_once(':').ok_or(Problem::DateInvalid)?;
    let (Ok(h), Ok(min)) = (h.parse::<i64>(), min.get(..2).unwrap_or(min).parse::<i64>()) else {
        return Err(Problem::DateInvalid);
    };
    if !(0..24).contains(&h) || !(0..60).contains(&min) {
        return Err(Problem::DateInvalid);
    }
    Ok(days * 86_400 + h * 3600 + min * 60 - 8 * 3600)
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn course_codes_are_upper_cased_and_checked() {
        assert_eq!(parse_course_code(" cpa-aud "), Ok("CPA-AUD".into()));
        for bad in ["A", "-AB", "AB-", "CP A", "审核", &"X".repeat(21)] {
            assert_eq!(parse_course_code(bad), Err(Problem::CodeInvalid), "{bad:?}");
        }
        assert_eq!(parse_course_code(""), Err(Problem::Required));
    }

    #[test]
    fn dates_must_exist_on_the_calendar() {
        assert_eq!(
            parse_date("2000-02-29").map(|d| d.0),
            Ok("2000-02-29".into())
        );
        assert_eq!(parse_date("1970-01-01").map(|d| d.1), Ok(0));
        assert_eq!(parse_date("2000-04-10").map(|d| d.1), Ok(11_057));
        for bad in [
            "1999-02-29",
            "2000-13-01",
            "2000-04-31",
            "10/04/2000",
            "2000-4",
        ] {
            assert_eq!(parse_date(bad), Err(Problem::DateInvalid), "{bad}");
        }
    }

    #[test]
    fn local_times_are_read_as_china_standard_time() {
        // 2000-04-10 09:00 in Beijing is 01:00 UTC.
        assert_eq!(
            parse_china_time("2000-04-10T09:00"),
            Ok(11_057 * 86_400 + 3600)
        );
        assert_eq!(
            parse_china_time("2000-04-10T25:00"),
            Err(Problem::DateInvalid)
        );
        assert_eq!(parse_count("35", 1, 10_000), Ok(35));
        assert_eq!(
            parse_count("0", 1, 10_000),
            Err(Problem::NumberOutOfRange {
                min: 1,
                max: 10_000
            })
        );
        assert_eq!(
            parse_count("x", 1, 9),
            Err(Problem::NumberOutOfRange { min: 1, max: 9 })
        );
    }
}

/// The civil date of a day number (inverse of `days_from_civil`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds as `YYYY-MM-DDTHH:MM` in China Standard Time, the value an
/// `<input type=datetime-local>` shows (inverse of [`parse_china_time`]).
pub fn format_china_time(unix: i64) -> String {
    let local = unix + 8 * 3600;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn china_time_round_trips() {
        for text in ["2000-04-10T09:00", "1999-12-31T23:59", "2031-02-28T00:00"] {
            assert_eq!(format_china_time(parse_china_time(text).unwrap()), text);
        }
    }
}
