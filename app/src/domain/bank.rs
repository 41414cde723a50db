//! A course's question bank as a file: reading a CSV or JSON bank row by row
//! with the reason each row cannot be imported, and writing one back out so
//! that what is exported imports again unchanged.

use super::csv;
use super::exam::{Question, QuestionDraft, QuestionKind};
use crate::error::Problem;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The most questions one import takes (it is one transaction).
pub const MAX_ROWS: usize = 1000;

/// The draft fields in file order, each with the column names accepted in a
/// header (English first: that is what export writes) or as JSON keys.
pub const COLUMNS: [(&str, &[&str]); 9] = [
    ("kind", &["kind", "type", "题型"]),
    (
        "prompt_zh",
        &[
            "prompt_zh",
            "中文题干",
            "题干（中文）",
            "题干(中文)",
            "题干",
        ],
    ),
    (
        "prompt_en",
        &["prompt_en", "英文题干", "题干（英文）", "题干(英文)"],
    ),
    ("options", &["options", "选项"]),
    ("answer", &["answer", "答案", "正确答案"]),
    ("points", &["points", "分值", "分数"]),
    ("tags", &["tags", "标签"]),
    (
        "explanation_zh",
        &[
            "explanation_zh",
            "中文解析",
            "解析（中文）",
            "解析(中文)",
            "解析",
        ],
    ),
    (
        "explanation_en",
        &["explanation_en", "英文解析", "解析（英文）", "解析(英文)"],
    ),
];

/// Columns a CSV header must name; the others may be left out.
const REQUIRED_COLUMNS: [&str; 3] = ["kind", "prompt_zh", "prompt_en"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankFormat {
    Csv,
    Json,
}

impl BankFormat {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(BankFormat::Csv),
            "json" => Some(BankFormat::Json),
            _ => None,
        }
    }
}

/// One question of a file, as read, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankRow {
    /// 1-based line of the file where the question starts.
    pub line: usize,
    pub draft: QuestionDraft,
    /// Field name → problem; empty when the row can be imported.
    pub problems: Vec<(String, Problem)>,
}

impl BankRow {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        if !self.problems.iter().any(|(f, _)| f == field) {
            self.problems.push((field.to_owned(), problem));
        }
    }
}

/// Every row as shown to the instructor, and beside each its question when
/// it passed.
pub type Checked = (Vec<BankRow>, Vec<Option<Question>>);

/// The label of a kind in one language (also accepted in a file's `kind`).
pub fn kind_label(lang: Lang, kind: QuestionKind) -> &'static str {
    let t = lang.text();
    match kind {
        QuestionKind::Single => t.bank_kind_single,
        QuestionKind::Multiple => t.bank_kind_multiple,
        QuestionKind::TrueFalse => t.bank_kind_true_false,
        QuestionKind::ShortAnswer => t.bank_kind_short_answer,
        QuestionKind::Essay => t.bank_kind_essay,
    }
}

/// A kind written as its code or its label in either language.
fn kind_code(text: &str) -> String {
    let text = text.trim();
    QuestionKind::ALL
        .into_iter()
        .find(|&kind| {
            kind.as_str().eq_ignore_ascii_case(text)
                || Lang::ALL
                    .into_iter()
                    .any(|lang| kind_label(lang, kind).eq_ignore_ascii_case(text))
        })
        .map(|kind| kind.as_str().to_owned())
        .unwrap_or_else(|| text.to_owned())
}

fn set_field(draft: &mut QuestionDraft, field: &str, value: String) {
    match field {
        "kind" => draft.kind = kind_code(&value),
        "prompt_zh" => draft.prompt_zh = value,
        "prompt_en" => draft.prompt_en = value,
        "options" => draft.options = value,
        "answer" => draft.answer = value,
        "points" => draft.points = value,
        "tags" => draft.tags = value,
        "explanation_zh" => draft.explanation_zh = value,
        "explanation_en" => draft.explanation_en = value,
        _ => {}
    }
}

/// The draft field a column or key names, if any.
fn field_named(name: &str) -> Option<&'static str> {
    let name = name.trim();
    COLUMNS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(field, _)| *field)
}

/// Parses and checks a bank file. `Err` is a problem with the file as a
/// whole (unreadable, no header, no rows, too many), with its line.
pub fn check(format: BankFormat, text: &str) -> Result<Checked, (usize, Problem)> {
    let drafts = match format {
        BankFormat::Csv => read_csv(text)?,
        BankFormat::Json => read_json(text)?,
    };
    if drafts.is_empty() {
        return Err((2, Problem::CsvNoRows));
    }
    if drafts.len() > MAX_ROWS {
        return Err((
            drafts[MAX_ROWS].0,
            Problem::TooMany {
                max: MAX_ROWS as u32,
            },
        ));
    }
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut rows = Vec::with_capacity(drafts.len());
    let mut valid = Vec::with_capacity(drafts.len());
    for (line, draft) in drafts {
        let mut row = BankRow {
            line,
            draft,
            problems: vec![],
        };
        let question = match row.draft.check() {
            Ok(question) => Some(question),
            Err(errors) => {
                for (field, problem) in errors.0 {
                    row.add(&field, problem);
                }
                None
            }
        };
        let question = question.filter(|q| {
            let key = same_prompt_key(q);
            match seen.get(&key) {
                Some(&first) => {
                    row.add(
                        "prompt_zh",
                        Problem::SamePromptInFile { line: first as u32 },
                    );
                    false
                }
                None => {
                    seen.insert(key, line);
                    true
                }
            }
        });
        rows.push(row);
        valid.push(question);
    }
    Ok((rows, valid))
}

/// What makes two questions "the same" for an import: both prompts, folded.
pub fn same_prompt_key(question: &Question) -> (String, String) {
    (
        super::exam::fold(&question.prompt_zh),
        super::exam::fold(&question.prompt_en),
    )
}

/// Marks the rows whose question the bank already has in use (both prompts
/// alike after folding), so importing the same file twice adds nothing twice.
pub fn mark_already_in_bank(
    rows: &mut [BankRow],
    valid: &mut [Option<Question>],
    in_bank: &[(String, String)],
) {
    let in_bank: HashSet<(String, String)> = in_bank
        .iter()
        .map(|(zh, en)| (super::exam::fold(zh), super::exam::fold(en)))
        .collect();
    for (row, question) in rows.iter_mut().zip(valid.iter_mut()) {
        if question
            .as_ref()
            .is_some_and(|q| in_bank.contains(&same_prompt_key(q)))
        {
            row.add("prompt_zh", Problem::SamePromptInBank);
            *question = None;
        }
    }
}

fn read_csv(text: &str) -> Result<Vec<(usize, QuestionDraft)>, (usize, Problem)> {
    let records = csv::parse_lines(text).map_err(|line| (line, Problem::CsvUnreadable))?;
    let Some(((_, header), body)) = records.split_first() else {
        return Err((1, Problem::CsvNoRows));
    };
    let columns: Vec<Option<&'static str>> = header.iter().map(|h| field_named(h)).collect();
    if REQUIRED_COLUMNS
        .iter()
        .any(|required| !columns.contains(&Some(*required)))
    {
        return Err((1, Problem::BankColumnsMissing));
    }
    Ok(body
        .iter()
        .map(|(line, record)| {
            let mut draft = QuestionDraft::default();
            for (field, value) in columns.iter().zip(record) {
                if let Some(field) = field {
                    set_field(&mut draft, field, csv::undefuse(value));
                }
            }
            (*line, draft)
        })
        .collect())
}

fn read_json(text: &str) -> Result<Vec<(usize, QuestionDraft)>, (usize, Problem)> {
    use serde_json::Value;
    let text = text.strip_prefix(csv::BOM).unwrap_or(text);
    if text.trim().is_empty() {
        return Err((1, Problem::CsvNoRows));
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| (e.line().max(1), Problem::JsonUnreadable))?;
    let Value::Array(items) = value else {
        return Err((1, Problem::JsonUnreadable));
    };
    let lines = element_lines(text);
    let mut drafts = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let line = lines.get(index).copied().unwrap_or(index + 1);
        let Value::Object(fields) = item else {
            return Err((line, Problem::JsonUnreadable));
        };
        let mut draft = QuestionDraft::default();
        for (key, value) in fields {
            let Some(field) = field_named(&key) else {
                continue;
            };
            let separator = if field == "tags" { ", " } else { "\n" };
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s,
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                Value::Array(parts) => {
                    let mut texts = Vec::with_capacity(parts.len());
                    for part in parts {
                        match part {
                            Value::String(s) => texts.push(s),
                            Value::Number(n) => texts.push(n.to_string()),
                            Value::Bool(b) => texts.push(b.to_string()),
                            _ => return Err((line, Problem::JsonUnreadable)),
                        }
                    }
                    texts.join(separator)
                }
                Value::Object(_) => return Err((line, Problem::JsonUnreadable)),
            };
            set_field(&mut draft, field, text);
        }
        drafts.push((line, draft));
    }
    Ok(drafts)
}

/// The line on which each element of a top-level JSON array starts. Only
/// called on text that has already parsed as JSON.
fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut line = 1;
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut expecting = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if depth == 1 && expecting && c != ']' && c != ',' {
            lines.push(line);
            expecting = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expecting = true;
                }
            }
            ']' | '}' => depth -= 1,
            ',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    lines
}

/// The bank as CSV: a BOM, the header with the English column names, one
/// record per question (options and accepted answers one per line inside
/// their quoted field).
pub fn to_csv(questions: &[Question]) -> String {
    let mut out = String::from(csv::BOM);
    let header: Vec<&str> = COLUMNS.iter().map(|(field, _)| *field).collect();
    out.push_str(&csv::record(&header));
    for question in questions {
        let d = QuestionDraft::from_question(question);
        out.push_str(&csv::record(&[
            &d.kind,
            &d.prompt_zh,
            &d.prompt_en,
            &d.options,
            &d.answer,
            &d.points,
            &d.tags,
            &d.explanation_zh,
            &d.explanation_en,
        ]));
    }
    out
}

/// The bank as JSON: an array of drafts, the same objects the import reads.
pub fn to_json(questions: &[Question]) -> String {
    let drafts: Vec<QuestionDraft> = questions.iter().map(QuestionDraft::from_question).collect();
    serde_json::to_string_pretty(&drafts).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::exam::AnswerKey;

    fn bank() -> Vec<Question> {
        let drafts = [
            QuestionDraft {
                kind: "single".into(),
                prompt_zh: "清洁生产审核分几个阶段？".into(),
                prompt_en: "How many phases has a cleaner production audit?".into(),
                options: "四个 | Four\n七个 | Seven\n-1 | minus one".into(),
                answer: "B".into(),
                points: "2".into(),
                tags: "审核, audit".into(),
                explanation_zh: "筹划与组织、预审核……共七个阶段。".into(),
                explanation_en: "Seven, from planning to continuation.".into(),
            },
            QuestionDraft {
                kind: "short_answer".into(),
                prompt_zh: "=HYPERLINK 不是公式".into(),
                prompt_en: "Name the standard, \"quoted\"".into(),
                answer: "ISO 14001\nGB/T 24001".into(),
                points: "3".into(),
                ..Default::default()
            },
            QuestionDraft {
                kind: "true_false".into(),
                prompt_zh: "末端治理优先。".into(),
                prompt_en: "End-of-pipe treatment comes first.".into(),
                answer: "false".into(),
                points: "1".into(),
                ..Default::default()
            },
            QuestionDraft {
                kind: "essay".into(),
                prompt_zh: "论述源头削减。".into(),
                prompt_en: "Discuss source reduction.".into(),
                points: "10".into(),
                ..Default::default()
            },
        ];
        drafts.iter().map(|d| d.check().unwrap()).collect()
    }

    fn questions(checked: Checked) -> Vec<Question> {
        let (rows, valid) = checked;
        assert!(rows.iter().all(BankRow::is_valid), "{rows:?}");
        valid.into_iter().map(Option::unwrap).collect()
    }

    #[test]
    fn what_is_exported_imports_again_unchanged() {
        let bank = bank();
        assert_eq!(
            questions(check(BankFormat::Csv, &to_csv(&bank)).unwrap()),
            bank
        );
        assert_eq!(
            questions(check(BankFormat::Json, &to_json(&bank)).unwrap()),
            bank
        );
    }

    #[test]
    fn csv_rows_report_the_line_they_start_on_and_what_is_wrong() {
        let text = "kind,prompt_zh,prompt_en,options,answer,points\n\
                    multiple,甲,A,\"一 | one\n二 | two\",A,2\n\
                    single,乙,B,\"一 | one\n二 | two\",C,2\n";
        let (rows, valid) = check(BankFormat::Csv, text).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert!(rows[0].is_valid() && valid[0].is_some());
        assert_eq!(
            rows[1].problems,
            [("answer".to_string(), Problem::AnswerNotAnOption)]
        );
        assert!(valid[1].is_none());
    }

    #[test]
    fn chinese_headers_and_kind_labels_are_understood() {
        let text = "题型,中文题干,英文题干,答案,分值,标签\n判断题,节能降耗是清洁生产的目标之一。,Saving energy is a goal.,对,1,目标\n";
        let (rows, valid) = check(BankFormat::Csv, text).unwrap();
        assert!(rows[0].is_valid(), "{rows:?}");
        let question = valid[0].as_ref().unwrap();
        assert_eq!(question.kind, QuestionKind::TrueFalse);
        assert_eq!(question.key, AnswerKey::Truth(true));
        assert_eq!(question.tags, ["目标"]);
    }

    #[test]
    fn a_file_without_the_needed_columns_or_rows_is_refused_as_a_whole() {
        assert_eq!(
            check(BankFormat::Csv, "prompt,answer\nx,y\n").unwrap_err(),
            (1, Problem::BankColumnsMissing)
        );
        assert_eq!(
            check(BankFormat::Csv, "kind,prompt_zh,prompt_en\n").unwrap_err(),
            (2, Problem::CsvNoRows)
        );
        assert_eq!(
            check(BankFormat::Csv, "kind,prompt_zh,prompt_en\n\"open").unwrap_err(),
            (2, Problem::CsvUnreadable)
        );
        assert_eq!(
            check(BankFormat::Json, "[\n{\"kind\": \"essay\",\n}")
                .unwrap_err()
                .1,
            Problem::JsonUnreadable
        );
        assert_eq!(
            check(BankFormat::Json, "{\"kind\": \"essay\"}").unwrap_err(),
            (1, Problem::JsonUnreadable)
        );
        assert_eq!(
            check(BankFormat::Json, "[]").unwrap_err().1,
            Problem::CsvNoRows
        );
    }

    #[test]
    fn json_rows_carry_their_line_and_numbers_or_lists_are_accepted() {
        let text = r#"[
  {"kind": "essay", "prompt_zh": "甲", "prompt_en": "A", "points": 5},
  {
    "kind": "short_answer", "prompt_zh": "乙 [", "prompt_en": "B {",
    "answer": ["x", "y"], "points": 2, "tags": ["t1", "t2"]
  },
  {"kind": "single", "prompt_zh": "丙", "prompt_en": "C", "points": 0}
]"#;
        let (rows, valid) = check(BankFormat::Json, text).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 7]);
        assert_eq!(valid[0].as_ref().unwrap().points, 5);
        let second = valid[1].as_ref().unwrap();
        assert_eq!(
            second.key,
            AnswerKey::Accepted(vec!["x".into(), "y".into()])
        );
        assert_eq!(second.tags, ["t1", "t2"]);
        assert!(matches!(
            rows[2].problems.iter().find(|(f, _)| f == "points"),
            Some((_, Problem::NumberOutOfRange { .. }))
        ));
    }

    #[test]
    fn a_question_the_bank_already_has_is_marked() {
        let text = "kind,prompt_zh,prompt_en,points\nessay,甲,A,1\nessay,乙,B,2\n";
        let (mut rows, mut valid) = check(BankFormat::Csv, text).unwrap();
        mark_already_in_bank(&mut rows, &mut valid, &[("乙".into(), " b".into())]);
        assert!(rows[0].is_valid() && valid[0].is_some());
        assert_eq!(
            rows[1].problems,
            [("prompt_zh".to_string(), Problem::SamePromptInBank)]
        );
        assert!(valid[1].is_none());
    }

    #[test]
    fn the_same_question_twice_in_a_file_is_marked_on_the_second() {
        let text = "kind,prompt_zh,prompt_en,points\nessay,甲,A,1\nessay, 甲 ,a,2\n";
        let (rows, valid) = check(BankFormat::Csv, text).unwrap();
        assert!(rows[0].is_valid());
        assert_eq!(
            rows[1].problems,
            [(
                "prompt_zh".to_string(),
                Problem::SamePromptInFile { line: 2 }
            )]
        );
        assert!(valid[1].is_none());
    }
}
