//! Questions, answers and scores: how a question is written, how a response
//! is read and scored, which attempt counts, and how questions perform.
//!
//! Everything here is pure: the server stores what these rules decide.

use crate::error::{FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const PROMPT_MAX_CHARS: usize = 2000;
pub const OPTION_MAX_CHARS: usize = 500;
pub const EXPLANATION_MAX_CHARS: usize = 2000;
pub const RESPONSE_MAX_CHARS: usize = 10_000;
pub const FEEDBACK_MAX_CHARS: usize = 2000;
pub const TAG_MAX_CHARS: usize = 40;
pub const MAX_OPTIONS: usize = 10;
pub const MAX_TAGS: usize = 10;
pub const MAX_ACCEPTED: usize = 20;
pub const MAX_POINTS: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Single,
    Multiple,
    TrueFalse,
    ShortAnswer,
    Essay,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 5] = [
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::TrueFalse,
        QuestionKind::ShortAnswer,
        QuestionKind::Essay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true_false",
            QuestionKind::ShortAnswer => "short_answer",
            QuestionKind::Essay => "essay",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value.trim())
    }

    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multiple)
    }
}

/// What counts as right. Choices are indexes into the question's options as
/// written (never as shown: each attempt shuffles the display only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKey {
    Choices(BTreeSet<u32>),
    Truth(bool),
    /// Accepted short answers; compared after [`fold`].
    Accepted(Vec<String>),
    /// Essays have no key: a person grades them.
    None,
}

impl AnswerKey {
    /// The key as an author writes it: letters, `true`/`false`, or the
    /// accepted answers one per line.
    pub fn to_draft(&self) -> String {
        match self {
            AnswerKey::Choices(set) => set
                .iter()
                .map(|&i| letter(i as usize).to_string())
                .collect::<Vec<_>>()
                .join(","),
            AnswerKey::Truth(value) => value.to_string(),
            AnswerKey::Accepted(list) => list.join("\n"),
            AnswerKey::None => String::new(),
        }
    }
}

/// The letter an option is known by: A, B, C…
pub fn letter(index: usize) -> char {
    (b'A' + (index.min(25)) as u8) as char
}

/// An option's text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionText {
    pub zh: String,
    pub en: String,
}

/// A question as its author wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub kind: QuestionKind,
    pub prompt_zh: String,
    pub prompt_en: String,
    pub options: Vec<OptionText>,
    pub key: AnswerKey,
    pub points: i64,
    pub tags: Vec<String>,
    pub explanation_zh: String,
    pub explanation_en: String,
}

/// A question as typed into a form, a CSV row or a JSON file: every field as
/// text. Options are one per line, `中文 | English`; the answer is letters
/// for choices (`A,C`), `true`/`false` (or 对/错), or accepted answers one
/// per line (or separated by `|`) for short answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuestionDraft {
    pub kind: String,
    pub prompt_zh: String,
    pub prompt_en: String,
    pub options: String,
    pub answer: String,
    pub points: String,
    pub tags: String,
    pub explanation_zh: String,
    pub explanation_en: String,
}

impl QuestionDraft {
    /// The draft that reproduces `question` (for editing and export).
    pub fn from_question(question: &Question) -> Self {
        let options = question
            .options
            .iter()
            .map(|o| {
                if o.zh == o.en {
                    o.zh.clone()
                } else {
                    format!("{} | {}", o.zh, o.en)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let answer = question.key.to_draft();
        QuestionDraft {
            kind: question.kind.as_str().into(),
            prompt_zh: question.prompt_zh.clone(),
            prompt_en: question.prompt_en.clone(),
            options,
            answer,
            points: question.points.to_string(),
            tags: question.tags.join(", "),
            explanation_zh: question.explanation_zh.clone(),
            explanation_en: question.explanation_en.clone(),
        }
    }

    /// Checks every field; the problems are keyed by the draft's field names.
    pub fn check(&self) -> Result<Question, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = QuestionKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", Problem::NotInList);
        }
        let prompt_zh = errors.check(
            "prompt_zh",
            long_text(&self.prompt_zh, PROMPT_MAX_CHARS, true),
        );
        let prompt_en = errors.check(
            "prompt_en",
            long_text(&self.prompt_en, PROMPT_MAX_CHARS, true),
        );
        let explanation_zh = errors.check(
            "explanation_zh",
            long_text(&self.explanation_zh, EXPLANATION_MAX_CHARS, false),
        );
        let explanation_en = errors.check(
            "explanation_en",
            long_text(&self.explanation_en, EXPLANATION_MAX_CHARS, false),
        );
        let points = errors.check(
            "points",
            super::catalogue::parse_count(&self.points, 1, MAX_POINTS),
        );
        let tags = errors.check("tags", parse_tags(&self.tags));
        let mut options = Vec::new();
        let mut key = None;
        if let Some(kind) = kind {
            if kind.has_options() {
                if let Some(parsed) = errors.check("options", parse_options(&self.options)) {
                    options = parsed;
                }
            }
            if !options.is_empty() || !kind.has_options() {
                key = errors.check("answer", parse_key(kind, &self.answer, options.len()));
            }
        }
        match (
            kind,
            prompt_zh,
            prompt_en,
            points,
            tags,
            key,
            explanation_zh,
            explanation_en,
        ) {
            (
                Some(kind),
                Some(prompt_zh),
                Some(prompt_en),
                Some(points),
                Some(tags),
                Some(key),
                Some(explanation_zh),
                Some(explanation_en),
            ) if errors.is_empty() => Ok(Question {
                kind,
                prompt_zh,
                prompt_en,
                options,
                key,
                points,
                tags,
                explanation_zh,
                explanation_en,
            }),
            _ => Err(errors),
        }
    }
}

/// Free text that may span lines (prompts, explanations, feedback):
/// trimmed, bounded, required or not.
pub fn long_text(input: &str, max: usize, required: bool) -> Result<String, Problem> {
    let value = input.trim();
    if required && value.is_empty() {
        return Err(Problem::Required);
    }
    if value.chars().count() > max {
        return Err(Problem::TooLong { max: max as u32 });
    }
    Ok(value.to_owned())
}

/// Tags separated by commas (either width) or semicolons; duplicates dropped.
pub fn parse_tags(input: &str) -> Result<Vec<String>, Problem> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input.split([',', '，', ';', '；', '、']) {
        let tag = tag.trim();
        if tag.is_empty() || tags.iter().any(|t| t == tag) {
            continue;
        }
        if tag.chars().count() > TAG_MAX_CHARS {
            return Err(Problem::TooLong {
                max: TAG_MAX_CHARS as u32,
            });
        }
        tags.push(tag.to_owned());
    }
    if tags.len() > MAX_TAGS {
        return Err(Problem::TooMany {
            max: MAX_TAGS as u32,
        });
    }
    Ok(tags)
}

fn parse_options(input: &str) -> Result<Vec<OptionText>, Problem> {
    let mut options = Vec::new();
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (zh, en) = match line.split_once('|') {
            Some((zh, en)) => (zh.trim(), en.trim()),
            None => (line, line),
        };
        if zh.is_empty() || en.is_empty() {
            return Err(Problem::OptionIncomplete);
        }
        if zh.chars().count() > OPTION_MAX_CHARS || en.chars().count() > OPTION_MAX_CHARS {
            return Err(Problem::TooLong {
                max: OPTION_MAX_CHARS as u32,
            });
        }
        options.push(OptionText {
            zh: zh.to_owned(),
            en: en.to_owned(),
        });
    }
    if options.len() < 2 {
        return Err(Problem::TooFewOptions);
    }
    if options.len() > MAX_OPTIONS {
        return Err(Problem::TooMany {
            max: MAX_OPTIONS as u32,
        });
    }
    Ok(options)
}

fn parse_key(kind: QuestionKind, input: &str, option_count: usize) -> Result<AnswerKey, Problem> {
    let input = input.trim();
    match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let mut set = BTreeSet::new();
            for c in fold(input).chars() {
                match c {
                    'a'..='z' => {
                        let index = c as u32 - 'a' as u32;
                        if index as usize >= option_count {
                            return Err(Problem::AnswerNotAnOption);
                        }
                        set.insert(index);
                    }
                    ',' | ' ' | ';' | '、' | '，' => {}
                    _ => return Err(Problem::AnswerNotAnOption),
                }
            }
            match (kind, set.len()) {
                (_, 0) => Err(Problem::Required),
                (QuestionKind::Single, n) if n > 1 => Err(Problem::SingleNeedsOneAnswer),
                _ => Ok(AnswerKey::Choices(set)),
            }
        }
        QuestionKind::TrueFalse => parse_truth(input)
            .map(AnswerKey::Truth)
            .ok_or(Problem::NotInList),
        QuestionKind::ShortAnswer => {
            let mut accepted: Vec<String> = Vec::new();
            for answer in input.split(['\n', '|']).map(str::trim) {
                if answer.is_empty() || accepted.iter().any(|a| fold(a) == fold(answer)) {
                    continue;
                }
                if answer.chars().count() > OPTION_MAX_CHARS {
                    return Err(Problem::TooLong {
                        max: OPTION_MAX_CHARS as u32,
                    });
                }
                accepted.push(answer.to_owned());
            }
            if accepted.is_empty() {
                return Err(Problem::Required);
            }
            if accepted.len() > MAX_ACCEPTED {
                return Err(Problem::TooMany {
                    max: MAX_ACCEPTED as u32,
                });
            }
            Ok(AnswerKey::Accepted(accepted))
        }
        QuestionKind::Essay => Ok(AnswerKey::None),
    }
}

fn parse_truth(input: &str) -> Option<bool> {
    match fold(input).as_str() {
        "true" | "t" | "yes" | "y" | "对" | "是" | "正确" | "√" => Some(true),
        "false" | "f" | "no" | "n" | "错" | "否" | "错误" | "×" => Some(false),
        _ => None,
    }
}

/// Folds a short answer for comparison: trims, maps full-width forms to
/// their half-width ASCII (so `ＩＳＯ１４００１` equals `iso14001`), the
/// ideographic space to a space, collapses runs of spaces and lower-cases.
pub fn fold(input: &str) -> String {
    let mapped: String = input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A trainee's answer, as stored: choices as original option indexes,
/// true/false, or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    Choices(BTreeSet<u32>),
    Truth(bool),
    Text(String),
}

impl Response {
    /// Reads what the page sent for a question of `kind` with `option_count`
    /// options: `0,2` for choices, `true`/`false`, or the text itself. An
    /// empty answer is `None` (the question is left unanswered).
    pub fn parse(
        kind: QuestionKind,
        raw: &str,
        option_count: usize,
    ) -> Result<Option<Response>, Problem> {
        match kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                let mut set = BTreeSet::new();
                for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let index: u32 = part.parse().map_err(|_| Problem::AnswerNotAnOption)?;
                    if index as usize >= option_count {
                        return Err(Problem::AnswerNotAnOption);
                    }
                    set.insert(index);
                }
                if kind == QuestionKind::Single && set.len() > 1 {
                    return Err(Problem::SingleNeedsOneAnswer);
                }
                Ok((!set.is_empty()).then_some(Response::Choices(set)))
            }
            QuestionKind::TrueFalse => match raw.trim() {
                "" => Ok(None),
                "true" => Ok(Some(Response::Truth(true))),
                "false" => Ok(Some(Response::Truth(false))),
                _ => Err(Problem::NotInList),
            },
            QuestionKind::ShortAnswer | QuestionKind::Essay => {
                if raw.chars().count() > RESPONSE_MAX_CHARS {
                    return Err(Problem::TooLong {
                        max: RESPONSE_MAX_CHARS as u32,
                    });
                }
                Ok((!raw.trim().is_empty()).then(|| Response::Text(raw.to_owned())))
            }
        }
    }

    /// The form the page sends and the database keeps.
    pub fn encode(&self) -> String {
        match self {
            Response::Choices(set) => set.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
            Response::Truth(value) => value.to_string(),
            Response::Text(text) => text.clone(),
        }
    }
}

/// The result of scoring one answer automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scored {
    Points(i64),
    /// A person must decide (essays, short answers that match no key).
    NeedsGrading,
}

/// Scores one answer against the key. Choices score all or nothing (a
/// multiple-choice answer must pick exactly the keyed options); an
/// unanswered question scores zero.
pub fn score(key: &AnswerKey, points: i64, response: Option<&Response>) -> Scored {
    let points = points.max(0);
    let Some(response) = response else {
        return Scored::Points(0);
    };
    match (key, response) {
        (AnswerKey::Choices(keyed), Response::Choices(chosen)) => {
            Scored::Points(if keyed == chosen { points } else { 0 })
        }
        (AnswerKey::Truth(keyed), Response::Truth(chosen)) => {
            Scored::Points(if keyed == chosen { points } else { 0 })
        }
        (AnswerKey::Accepted(accepted), Response::Text(text)) => {
            let given = fold(text);
            if accepted.iter().any(|a| fold(a) == given) {
                Scored::Points(points)
            } else {
                Scored::NeedsGrading
            }
        }
        (AnswerKey::None, _) => Scored::NeedsGrading,
        // A response of the wrong shape (the key changed kind) is wrong.
        _ => Scored::Points(0),
    }
}

/// Which attempt's score stands for the exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    Highest,
    Last,
}

impl Counting {
    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Highest => "highest",
            Counting::Last => "last",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "highest" => Some(Counting::Highest),
            "last" => Some(Counting::Last),
            _ => None,
        }
    }
}

/// The counted attempt among `(number, score)` pairs of finished attempts,
/// where the score is `None` while some answer awaits grading.
///
/// Last: the highest-numbered attempt, graded or not (a later attempt
/// replaces an earlier one even before it is graded). Highest: the best
/// graded score (the earlier attempt on a tie); if any attempt still awaits
/// grading the result is not settled, so the answer is that attempt.
pub fn counted_attempt(counting: Counting, attempts: &[(i64, Option<i64>)]) -> Option<usize> {
    if attempts.is_empty() {
        return None;
    }
    match counting {
        Counting::Last => attempts
            .iter()
            .enumerate()
            .max_by_key(|(_, (number, _))| *number)
            .map(|(i, _)| i),
        Counting::Highest => {
            if let Some(i) = attempts.iter().position(|(_, score)| score.is_none()) {
                return Some(i);
            }
            let mut best: Option<usize> = None;
            for (i, (number, score)) in attempts.iter().enumerate() {
                best = match best {
                    None => Some(i),
                    Some(b) => {
                        let (b_number, b_score) = attempts[b];
                        if *score > b_score || (*score == b_score && *number < b_number) {
                            Some(i)
                        } else {
                            Some(b)
                        }
                    }
                };
            }
            best
        }
    }
}

/// A score as a whole percentage of the maximum (rounded half up).
pub fn percent(score: i64, max: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    (score.clamp(0, max) * 100 * 2 + max) / (2 * max)
}

/// Whether `score` out of `max` reaches the pass mark, compared exactly
/// (no rounding can turn 59.5 % into a pass at 60 %).
pub fn passes(score: i64, max: i64, pass_percent: i64) -> bool {
    max > 0 && score * 100 >= pass_percent * max
}

/// One question's results across the counted attempts of an exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStat {
    pub question_id: i64,
    pub answered: usize,
    /// Mean share of the points earned (the share answering correctly for
    /// objective questions), 0–1.
    pub facility: f64,
    /// Facility in the top group minus facility in the bottom group (27 %
    /// each by total score), -1–1; `None` with fewer than 4 attempts.
    pub discrimination: Option<f64>,
}

impl ItemStat {
    /// Questions that nearly everyone or nearly no one gets right, or that
    /// the weaker trainees answer as well as the stronger ones.
    pub fn is_weak(&self) -> bool {
        self.facility < 0.2 || self.facility > 0.95 || self.discrimination.is_some_and(|d| d < 0.2)
    }
}

/// One scored attempt for item analysis: its total, and per question the
/// points earned and the maximum.
pub struct ScoredAttempt {
    pub total: i64,
    pub items: Vec<(i64, i64, i64)>,
}

/// Classical item analysis over scored attempts.
pub fn item_analysis(question_ids: &[i64], attempts: &[ScoredAttempt]) -> Vec<ItemStat> {
    let mut order: Vec<&ScoredAttempt> = attempts.iter().collect();
    order.sort_by_key(|a| std::cmp::Reverse(a.total));
    let group = ((order.len() as f64) * 0.27).round().max(1.0) as usize;
    let facility_of = |group: &[&ScoredAttempt], question: i64| -> Option<f64> {
        let shares: Vec<f64> = group
            .iter()
            .filter_map(|a| a.items.iter().find(|(q, _, _)| *q == question))
            .map(|&(_, earned, max)| {
                if max > 0 {
                    earned.clamp(0, max) as f64 / max as f64
                } else {
                    0.0
                }
            })
            .collect();
        (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
    };
    question_ids
        .iter()
        .map(|&question_id| {
            let answered = attempts
                .iter()
                .filter(|a| a.items.iter().any(|(q, _, _)| *q == question_id))
                .count();
            let facility = facility_of(&order, question_id).unwrap_or(0.0);
            let discrimination = if order.len() >= 4 {
                let top = facility_of(&order[..group], question_id);
                let bottom = facility_of(&order[order.len() - group..], question_id);
                top.zip(bottom).map(|(t, b)| t - b)
            } else {
                None
            };
            ItemStat {
                question_id,
                answered,
                facility,
                discrimination,
            }
        })
        .collect()
}

/// One tag of a random paper: how many to draw and the questions carrying it.
pub struct Draw {
    pub tag: String,
    pub count: usize,
    pub pool: Vec<i64>,
}

/// Picks each tag's questions, never one twice. Tags with the fewest
/// candidates go first, and within a tag the questions no later tag can use
/// go first, so tags that share questions do not starve each other.
/// `order` arranges each tag's candidates (shuffles them when a trainee
/// starts; leaves them when a new exam is checked). On a shortfall, the tag
/// and how many questions were left for it.
pub fn plan_draw(
    draws: &[Draw],
    mut order: impl FnMut(&mut Vec<i64>),
) -> Result<Vec<i64>, (String, usize)> {
    let mut sequence: Vec<&Draw> = draws.iter().collect();
    sequence.sort_by_key(|d| d.pool.len());
    let mut taken: Vec<i64> = Vec::new();
    for (i, draw) in sequence.iter().enumerate() {
        let mut candidates: Vec<i64> = draw
            .pool
            .iter()
            .copied()
            .filter(|q| !taken.contains(q))
            .collect();
        order(&mut candidates);
        let later = &sequence[i + 1..];
        candidates.sort_by_key(|q| later.iter().any(|d| d.pool.contains(q)));
        if candidates.len() < draw.count {
            return Err((draw.tag.clone(), candidates.len()));
        }
        taken.extend(candidates.into_iter().take(draw.count));
    }
    Ok(taken)
}

/// The time a trainee gets: the limit stretched by their accommodation
/// (percent, 100 = none), never past the exam's closing time.
pub fn deadline(
    started_at: i64,
    limit_minutes: i64,
    factor_percent: i64,
    exam_closes_at: i64,
) -> i64 {
    let seconds = limit_minutes * 60 * factor_percent.max(100) / 100;
    (started_at + seconds).min(exam_closes_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn choice_question(kind: &str, answer: &str) -> QuestionDraft {
        QuestionDraft {
            kind: kind.into(),
            prompt_zh: "清洁生产审核分几个阶段？".into(),
            prompt_en: "How many phases has a cleaner production audit?".into(),
            options: "四个 | Four\n七个 | Seven\n十个 | Ten".into(),
            answer: answer.into(),
            points: "2".into(),
            tags: "审核, audit，审核".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_question_and_back() {
        let question = choice_question("single", "b").check().unwrap();
        assert_eq!(question.key, AnswerKey::Choices([1].into()));
        assert_eq!(question.options[1].en, "Seven");
        assert_eq!(question.tags, vec!["审核", "audit"]);
        let again = QuestionDraft::from_question(&question).check().unwrap();
        assert_eq!(again, question);
    }

    #[test]
    fn drafts_report_every_field() {
        let errors = QuestionDraft {
            kind: "single".into(),
            options: "only one".into(),
            points: "0".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert_eq!(errors.get("prompt_zh"), Some(Problem::Required));
        assert_eq!(errors.get("prompt_en"), Some(Problem::Required));
        assert_eq!(errors.get("options"), Some(Problem::TooFewOptions));
        assert!(matches!(
            errors.get("points"),
            Some(Problem::NumberOutOfRange { .. })
        ));
        assert_eq!(
            choice_question("single", "A,B")
                .check()
                .unwrap_err()
                .get("answer"),
            Some(Problem::SingleNeedsOneAnswer)
        );
        assert_eq!(
            choice_question("multiple", "A,D")
                .check()
                .unwrap_err()
                .get("answer"),
            Some(Problem::AnswerNotAnOption)
        );
        assert_eq!(
            choice_question("riddle", "A")
                .check()
                .unwrap_err()
                .get("kind"),
            Some(Problem::NotInList)
        );
    }

    #[test]
    fn true_false_and_short_answer_keys() {
        let mut draft = choice_question("true_false", "对");
        draft.options.clear();
        assert_eq!(draft.check().unwrap().key, AnswerKey::Truth(true));
        draft.kind = "short_answer".into();
        draft.answer = "ISO 14001 | ｉｓｏ　１４００１\nGB/T 24001".into();
        assert_eq!(
            draft.check().unwrap().key,
            AnswerKey::Accepted(vec!["ISO 14001".into(), "GB/T 24001".into()])
        );
        draft.kind = "essay".into();
        assert_eq!(draft.check().unwrap().key, AnswerKey::None);
    }

    #[test]
    fn full_and_half_width_fold_together() {
        assert_eq!(fold("  ＩＳＯ　１４００１ "), "iso 14001");
        assert_eq!(fold("ISO   14001"), "iso 14001");
        assert_eq!(fold("源头削减"), "源头削减");
        assert_eq!(fold("Ａｂｃ，ｄ"), "abc,d");
    }

    #[test]
    fn short_answers_match_or_go_to_a_person() {
        let key = AnswerKey::Accepted(vec!["源头削减".into(), "Source reduction".into()]);
        let text = |s: &str| Response::Text(s.into());
        assert_eq!(
            score(&key, 3, Some(&text(" ＳＯＵＲＣＥ reduction "))),
            Scored::Points(3)
        );
        assert_eq!(score(&key, 3, Some(&text("源头削减"))), Scored::Points(3));
        assert_eq!(
            score(&key, 3, Some(&text("末端治理"))),
            Scored::NeedsGrading
        );
        assert_eq!(score(&key, 3, None), Scored::Points(0));
        assert_eq!(
            score(&AnswerKey::None, 10, Some(&text("…"))),
            Scored::NeedsGrading
        );
    }

    #[test]
    fn responses_parse_by_kind() {
        use QuestionKind::*;
        assert_eq!(
            Response::parse(Multiple, "2,0", 3).unwrap(),
            Some(Response::Choices([0, 2].into()))
        );
        assert_eq!(Response::parse(Multiple, "", 3).unwrap(), None);
        assert_eq!(
            Response::parse(Multiple, "3", 3),
            Err(Problem::AnswerNotAnOption)
        );
        assert_eq!(
            Response::parse(Single, "0,1", 3),
            Err(Problem::SingleNeedsOneAnswer)
        );
        assert_eq!(
            Response::parse(TrueFalse, "false", 0).unwrap(),
            Some(Response::Truth(false))
        );
        assert_eq!(
            Response::parse(TrueFalse, "maybe", 0),
            Err(Problem::NotInList)
        );
        assert_eq!(Response::parse(Essay, "  ", 0).unwrap(), None);
        let long = "字".repeat(RESPONSE_MAX_CHARS + 1);
        assert!(Response::parse(Essay, &long, 0).is_err());
    }

    #[test]
    fn the_counted_attempt() {
        let attempts = [(1, Some(40)), (2, Some(90)), (3, Some(70))];
        assert_eq!(counted_attempt(Counting::Highest, &attempts), Some(1));
        assert_eq!(counted_attempt(Counting::Last, &attempts), Some(2));
        // A tie goes to the earlier attempt.
        assert_eq!(
            counted_attempt(Counting::Highest, &[(1, Some(80)), (2, Some(80))]),
            Some(0)
        );
        // Ungraded work leaves the result open.
        assert_eq!(
            counted_attempt(Counting::Highest, &[(1, Some(80)), (2, None)]),
            Some(1)
        );
        assert_eq!(counted_attempt(Counting::Last, &[]), None);
    }

    #[test]
    fn pass_marks_compare_exactly() {
        assert!(passes(60, 100, 60));
        assert!(!passes(119, 200, 60));
        assert!(passes(3, 5, 60));
        assert_eq!(percent(119, 200), 60);
        assert_eq!(percent(1, 3), 33);
        assert!(!passes(0, 0, 0));
    }

    #[test]
    fn overlapping_tags_never_starve_each_other() {
        let draw = |tag: &str, count, pool: &[i64]| Draw {
            tag: tag.into(),
            count,
            pool: pool.to_vec(),
        };
        // Tag A has {1, 2}, tag B only {2}: B must get 2, A then gets 1,
        // whatever order the candidates come in.
        let draws = [draw("A", 1, &[1, 2]), draw("B", 1, &[2])];
        for reverse in [false, true] {
            let mut plan = plan_draw(&draws, |c| {
                if reverse {
                    c.reverse()
                }
            })
            .unwrap();
            plan.sort();
            assert_eq!(plan, vec![1, 2]);
        }
        // Within a tag, questions no later tag needs go first.
        let draws = [draw("A", 2, &[1, 2, 3]), draw("B", 1, &[1, 2, 3, 4])];
        let plan = plan_draw(&draws, |_| {}).unwrap();
        assert_eq!(plan.len(), 3);
        assert_eq!(
            plan_draw(&[draw("A", 3, &[1, 2])], |_| {}),
            Err(("A".into(), 2))
        );
    }

    #[test]
    fn extra_time_stretches_the_limit_but_not_past_closing() {
        assert_eq!(deadline(1000, 60, 100, 1_000_000), 1000 + 3600);
        assert_eq!(deadline(1000, 60, 150, 1_000_000), 1000 + 5400);
        assert_eq!(deadline(1000, 60, 150, 2000), 2000);
    }

    #[test]
    fn item_analysis_finds_the_weak_question() {
        // Question 1 separates strong from weak; question 2 everyone gets.
        let attempts: Vec<ScoredAttempt> = (0..10)
            .map(|i| ScoredAttempt {
                total: i,
                items: vec![(1, i64::from(i >= 5), 1), (2, 1, 1)],
            })
            .collect();
        let stats = item_analysis(&[1, 2], &attempts);
        assert_eq!(stats[0].answered, 10);
        assert!((stats[0].facility - 0.5).abs() < 1e-9);
        assert_eq!(stats[0].discrimination, Some(1.0));
        assert!(!stats[0].is_weak());
        assert_eq!(stats[1].discrimination, Some(0.0));
        assert!(stats[1].is_weak());
    }

    fn arb_key_and_response() -> impl Strategy<Value = (AnswerKey, Option<Response>, i64)> {
        let choices = proptest::collection::btree_set(0u32..6, 0..6);
        prop_oneof![
            (choices.clone(), choices)
                .prop_map(|(k, r)| (AnswerKey::Choices(k), Some(Response::Choices(r)))),
            (any::<bool>(), proptest::option::of(any::<bool>()))
                .prop_map(|(k, r)| (AnswerKey::Truth(k), r.map(Response::Truth))),
            (proptest::collection::vec(".{0,8}", 1..4), ".{0,8}")
                .prop_map(|(k, r)| (AnswerKey::Accepted(k), Some(Response::Text(r)))),
        ]
        .prop_flat_map(|(k, r)| (Just(k), Just(r), -5i64..=100))
    }

    proptest! {
        #[test]
        fn a_score_stays_between_zero_and_the_maximum((key, response, points) in arb_key_and_response()) {
            if let Scored::Points(p) = score(&key, points, response.as_ref()) {
                prop_assert!(p >= 0);
                prop_assert!(p <= points.max(0));
            }
        }

        #[test]
        fn key_order_never_matters(mut keyed in proptest::collection::vec(0u32..8, 1..8), chosen in proptest::collection::btree_set(0u32..8, 0..8)) {
            let forward = AnswerKey::Choices(keyed.iter().copied().collect());
            keyed.reverse();
            let backward = AnswerKey::Choices(keyed.iter().copied().collect());
            let response = Response::Choices(chosen);
            prop_assert_eq!(score(&forward, 4, Some(&response)), score(&backward, 4, Some(&response)));
        }

        #[test]
        fn shuffling_the_display_never_changes_a_score(
            keyed in proptest::collection::btree_set(0u32..5, 1..5),
            wanted in proptest::collection::btree_set(0u32..5, 0..5),
            order in Just((0u32..5).collect::<Vec<u32>>()).prop_shuffle(),
        ) {
            // The page lists options in the attempt's order, each input
            // carrying its option's original index; a trainee who ticks the
            // same options in any order sends the same indexes.
            let ticked: Vec<String> = order
                .iter()
                .filter(|original| wanted.contains(original))
                .map(u32::to_string)
                .collect();
            let in_order: Vec<String> = wanted.iter().map(u32::to_string).collect();
            let key = AnswerKey::Choices(keyed);
            let shuffled = Response::parse(QuestionKind::Multiple, &ticked.join(","), 5).unwrap();
            let plain = Response::parse(QuestionKind::Multiple, &in_order.join(","), 5).unwrap();
            prop_assert_eq!(score(&key, 3, shuffled.as_ref()), score(&key, 3, plain.as_ref()));
        }

        #[test]
        fn folding_is_idempotent(text in ".{0,20}") {
            prop_assert_eq!(fold(&fold(&text)), fold(&text));
        }

        #[test]
        fn the_counted_attempt_is_one_of_them(scores in proptest::collection::vec(proptest::option::of(0i64..100), 1..6)) {
            let attempts: Vec<(i64, Option<i64>)> = scores.iter().enumerate().map(|(i, s)| (i as i64 + 1, *s)).collect();
            for counting in [Counting::Highest, Counting::Last] {
                let i = counted_attempt(counting, &attempts).unwrap();
                prop_assert!(i < attempts.len());
                if counting == Counting::Highest && attempts.iter().all(|(_, s)| s.is_some()) {
                    prop_assert!(attempts.iter().all(|(_, s)| *s <= attempts[i].1));
                }
            }
        }
    }
}
