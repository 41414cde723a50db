//! Checking a CSV of trainees before anything is written: every row, every
//! field, with the reason a row cannot be imported.

use super::{csv, Email, Industry, Organisation, PersonName, Province};
use crate::error::Problem;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most rows one import takes (it is one transaction).
pub const MAX_ROWS: usize = 2000;

/// Column names accepted in the header row, in English or Chinese.
const COLUMNS: [(&str, &[&str]); 5] = [
    ("name", &["name", "full name", "姓名"]),
    ("email", &["email", "e-mail", "电子邮箱", "邮箱"]),
    (
        "organisation",
        &["organisation", "organization", "工作单位", "单位"],
    ),
    ("province", &["province", "省份", "省"]),
    ("industry", &["industry", "行业"]),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub province: String,
    pub industry: String,
    pub problems: Vec<(String, Problem)>,
}

impl ImportRow {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        if !self.problems.iter().any(|(f, _)| f == field) {
            self.problems.push((field.to_owned(), problem));
        }
    }
}

/// A row that passed every check, as domain values.
pub struct ValidRow {
    pub name: PersonName,
    pub email: Email,
    pub organisation: Organisation,
    pub province: Province,
    pub industry: Industry,
}

fn find_in<T: Copy>(
    all: &[T],
    text: &str,
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T, crate::i18n::Lang) -> &'static str,
) -> Result<T, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Problem::Required);
    }
    all.iter()
        .copied()
        .find(|&item| {
            code(item) == text
                || label(item, crate::i18n::Lang::Zh) == text
                || label(item, crate::i18n::Lang::En).eq_ignore_ascii_case(text)
        })
        .ok_or(Problem::NotInList)
}

/// Every row as shown to the administrator, and beside each its domain
/// values when it passed.
pub type Checked = (Vec<ImportRow>, Vec<Option<ValidRow>>);

/// Parses and checks `text`. `Err` is a problem with the file as a whole
/// (unreadable, no header, too many rows), with the line it concerns.
pub fn check(text: &str) -> Result<Checked, (usize, Problem)> {
    let records = csv::parse(text).map_err(|line| (line, Problem::CsvUnreadable))?;
    let Some((header, body)) = records.split_first() else {
        return Err((1, Problem::CsvNoRows));
    };
    let position = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let mut columns = HashMap::new();
    for (key, names) in COLUMNS {
        match position(names) {
            Some(index) => {
                columns.insert(key, index);
            }
            None if key == "organisation" => {}
            None => return Err((1, Problem::CsvMissingColumn)),
        }
    }
    if body.is_empty() {
        return Err((2, Problem::CsvNoRows));
    }
    if body.len() > MAX_ROWS {
        return Err((
            MAX_ROWS + 2,
            Problem::TooLong {
                max: MAX_ROWS as u32,
            },
        ));
    }
    let get = |record: &Vec<String>, key: &str| {
        columns
            .get(key)
            .and_then(|&i| record.get(i))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(body.len());
    let mut valid = Vec::with_capacity(body.len());
    for (index, record) in body.iter().enumerate() {
        let mut row = ImportRow {
            line: index + 2,
            name: get(record, "name"),
            email: get(record, "email"),
            organisation: get(record, "organisation"),
            province: get(record, "province"),
            industry: get(record, "industry"),
            problems: Vec::new(),
        };
        let name = PersonName::parse(&row.name)
            .map_err(|p| row.add("name", p))
            .ok();
        let email = Email::parse(&row.email)
            .map_err(|p| row.add("email", p))
            .ok();
        if let Some(email) = &email {
            if let Some(first) = seen.insert(email.as_str().to_owned(), row.line) {
                row.add("email", Problem::DuplicateInFile { line: first as u32 });
            }
        }
        let organisation = Organisation::parse(&row.organisation)
            .map_err(|p| row.add("organisation", p))
            .ok();
        let province = find_in(
            Province::ALL,
            &row.province,
            Province::code,
            Province::label,
        )
        .map_err(|p| row.add("province", p))
        .ok();
        let industry = find_in(
            Industry::ALL,
            &row.industry,
            Industry::code,
            Industry::label,
        )
        .map_err(|p| row.add("industry", p))
        .ok();
        valid.push(match (name, email, organisation, province, industry) {
            (Some(name), Some(email), Some(organisation), Some(province), Some(industry))
                if row.is_valid() =>
            {
                Some(ValidRow {
                    name,
                    email,
                    organisation,
                    province,
                    industry,
                })
            }
            _ => None,
        });
        rows.push(row);
    }
    Ok((rows, valid))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name,email,organisation,province,industry\n\
                        李晓梅,li@example.cn,上海石化,上海市,石化\n\
                        Wang Wei,WANG@example.cn,,beijing,Chemicals\n";

    #[test]
    fn a_good_file_passes_with_codes_or_labels_in_either_language() {
        let (rows, valid) = check(GOOD).unwrap();
        assert!(rows.iter().all(ImportRow::is_valid), "{rows:?}");
        let valid: Vec<_> = valid.into_iter().map(Option::unwrap).collect();
        assert_eq!(valid[0].province, Province::Shanghai);
        assert_eq!(valid[1].industry, Industry::Chemicals);
        assert_eq!(valid[1].email.as_str(), "wang@example.cn");
    }

    #[test]
    fn each_bad_row_names_its_line_field_and_problem() {
        let text = "姓名,电子邮箱,工作单位,省份,行业\n\
                    李晓梅,li@example.cn,,上海市,石化\n\
                    ,not-an-email,,火星,石化\n\
                    张伟,LI@example.cn,,天津市,化工\n";
        let (rows, valid) = check(text).unwrap();
        assert!(rows[0].is_valid());
        assert_eq!(rows[1].line, 3);
        assert_eq!(
            rows[1].problems,
            vec![
                ("name".to_string(), Problem::Required),
                ("email".to_string(), Problem::EmailInvalid),
                ("province".to_string(), Problem::NotInList),
            ]
        );
        assert_eq!(
            rows[2].problems,
            vec![("email".to_string(), Problem::DuplicateInFile { line: 2 })]
        );
        assert!(valid[0].is_some() && valid[1].is_none() && valid[2].is_none());
    }

    #[test]
    fn files_without_the_needed_columns_or_rows_are_refused() {
        assert_eq!(check("").err(), Some((1, Problem::CsvNoRows)));
        assert_eq!(
            check("name,email\n").err(),
            Some((1, Problem::CsvMissingColumn))
        );
        assert_eq!(
            check("name,email,province,industry\n").err(),
            Some((2, Problem::CsvNoRows))
        );
        assert_eq!(
            check("name,email,province,industry\n\"x,").err(),
            Some((2, Problem::CsvUnreadable))
        );
    }
}
