//! Every visible string, in Simplified Chinese and English.
//!
//! A [`Text`] is one language's full set; both constants must fill every field,
//! so a string missing in one language is a compile error, not a blank.

mod en;
mod zh;

use crate::domain::Role;
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    Zh,
    En,
}

/// The cookie that remembers the language switch.
pub const LANG_COOKIE: &str = "academy_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag used in `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first supported language from an `Accept-Language` header,
    /// honouring q-values; English when nothing matches.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut ranked: Vec<(f32, usize, Lang)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let lang = Lang::from_tag(parts.next()?)?;
                let quality = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2).unwrap_or(Lang::En)
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::Zh => &zh::TEXT,
            Lang::En => &en::TEXT,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn role(self, role: Role) -> &'static str {
        let t = self.text();
        match role {
            Role::Trainee => t.role_trainee,
            Role::Instructor => t.role_instructor,
            Role::Administrator => t.role_administrator,
        }
    }

    pub fn problem(self, problem: Problem) -> String {
        match self {
            Lang::Zh => zh::problem(problem),
            Lang::En => en::problem(problem),
        }
    }

    /// The message for an error that is not about one field.
    pub fn error(self, error: &AppError) -> String {
        match self {
            Lang::Zh => zh::error(error),
            Lang::En => en::error(error),
        }
    }

    pub fn category(self, category: crate::domain::catalogue::Category) -> &'static str {
        use crate::domain::catalogue::Category;
        let t = self.text();
        match category {
            Category::AuditorTraining => t.category_auditor_training,
            Category::PostCertification => t.category_post_certification,
            Category::Lecture => t.category_lecture,
        }
    }

    pub fn enrolment_state(self, state: crate::domain::enrolment::EnrolmentState) -> &'static str {
        use crate::domain::enrolment::EnrolmentState as S;
        let t = self.text();
        match state {
            S::Pending => t.state_pending,
            S::Approved => t.state_approved,
            S::Waitlisted => t.state_waitlisted,
            S::Rejected => t.state_rejected,
            S::Withdrawn => t.state_withdrawn,
            S::Completed => t.state_completed,
        }
    }

    pub fn seats_left(self, left: i64, capacity: i64) -> String {
        match self {
            Lang::Zh => format!("剩余 {left} / {capacity} 个名额"),
            Lang::En => format!("{left} of {capacity} seats left"),
        }
    }

    pub fn waiting(self, count: i64) -> String {
        match self {
            Lang::Zh => format!("候补 {count} 人"),
            Lang::En => format!("{count} on the waiting list"),
        }
    }

    pub fn waitlist_position(self, position: i64) -> String {
        match self {
            Lang::Zh => format!("候补第 {position} 位"),
            Lang::En => format!("Number {position} on the waiting list"),
        }
    }

    pub fn kind(self, kind: crate::domain::exam::QuestionKind) -> &'static str {
        use crate::domain::exam::QuestionKind as K;
        let t = self.text();
        match kind {
            K::Single => t.bank_kind_single,
            K::Multiple => t.bank_kind_multiple,
            K::TrueFalse => t.bank_kind_true_false,
            K::ShortAnswer => t.bank_kind_short_answer,
            K::Essay => t.bank_kind_essay,
        }
    }

    pub fn standing(self, standing: crate::api::exams::Standing) -> &'static str {
        use crate::api::exams::Standing as S;
        match (self, standing) {
            (Lang::Zh, S::NotOpenYet) => "尚未开始",
            (Lang::Zh, S::Open) => "可以参加",
            (Lang::Zh, S::InProgress) => "作答中",
            (Lang::Zh, S::AwaitingGrading) => "待评阅",
            (Lang::Zh, S::AwaitingRelease) => "已交卷，成绩待发布",
            (Lang::Zh, S::Passed) => "及格",
            (Lang::Zh, S::Failed) => "不及格",
            (Lang::Zh, S::Closed) => "已结束",
            (Lang::En, S::NotOpenYet) => "Not open yet",
            (Lang::En, S::Open) => "Open",
            (Lang::En, S::InProgress) => "In progress",
            (Lang::En, S::AwaitingGrading) => "Awaiting grading",
            (Lang::En, S::AwaitingRelease) => "Handed in, results not released yet",
            (Lang::En, S::Passed) => "Passed",
            (Lang::En, S::Failed) => "Failed",
            (Lang::En, S::Closed) => "Closed",
        }
    }

    /// The CSS modifier for a standing (`standing-…`); one per colour.
    pub fn standing_class(self, standing: crate::api::exams::Standing) -> &'static str {
        use crate::api::exams::Standing as S;
        match standing {
            S::Open | S::InProgress => "open",
            S::AwaitingGrading | S::AwaitingRelease => "waiting",
            S::Passed => "passed",
            S::Failed => "failed",
            S::NotOpenYet | S::Closed => "closed",
        }
    }

    pub fn attempt_state(self, state: crate::api::exams::AttemptState) -> &'static str {
        use crate::api::exams::AttemptState as A;
        let t = self.text();
        match state {
            A::InProgress => t.attempt_in_progress,
            A::AwaitingGrading => t.grading_waiting,
            A::Graded => t.grading_graded,
        }
    }

    pub fn attempt_number(self, n: i64) -> String {
        match self {
            Lang::Zh => format!("第{n}次作答"),
            Lang::En => format!("Attempt {n}"),
        }
    }

    pub fn attempts_used(self, used: i64, allowed: i64) -> String {
        match self {
            Lang::Zh => format!("已作答 {used} / {allowed} 次"),
            Lang::En => format!("{used} of {allowed} attempts used"),
        }
    }

    pub fn attempts_allowed(self, n: i64) -> String {
        match (self, n) {
            (Lang::Zh, _) => format!("可作答{n}次"),
            (Lang::En, 1) => "1 attempt".into(),
            (Lang::En, _) => format!("{n} attempts"),
        }
    }

    pub fn attempt_counts(self, in_progress: i64, awaiting: i64, graded: i64) -> String {
        match self {
            Lang::Zh => format!("作答中 {in_progress} · 待评阅 {awaiting} · 已评分 {graded}"),
            Lang::En => {
                format!("{in_progress} in progress · {awaiting} awaiting grading · {graded} graded")
            }
        }
    }

    pub fn minutes(self, n: i64) -> String {
        match (self, n) {
            (Lang::Zh, _) => format!("{n}分钟"),
            (Lang::En, 1) => "1 minute".into(),
            (Lang::En, _) => format!("{n} minutes"),
        }
    }

    pub fn points(self, n: i64) -> String {
        match (self, n) {
            (Lang::Zh, _) => format!("{n}分"),
            (Lang::En, 1) => "1 point".into(),
            (Lang::En, _) => format!("{n} points"),
        }
    }

    pub fn question_count(self, n: i64) -> String {
        match (self, n) {
            (Lang::Zh, _) => format!("{n}道题"),
            (Lang::En, 1) => "1 question".into(),
            (Lang::En, _) => format!("{n} questions"),
        }
    }

    pub fn question_of(self, i: usize, n: usize) -> String {
        match self {
            Lang::Zh => format!("第{i}题（共{n}题）"),
            Lang::En => format!("Question {i} of {n}"),
        }
    }

    pub fn question_label(self, i: usize) -> String {
        match self {
            Lang::Zh => format!("第{i}题"),
            Lang::En => format!("Q{i}"),
        }
    }

    pub fn still_waiting(self, n: i64) -> String {
        match self {
            Lang::Zh => format!("仍有{n}份作答待评阅；它们的成绩将在评完后显示。"),
            Lang::En => {
                format!("{n} attempts still await grading; their results show once graded.")
            }
        }
    }

    pub fn waiting_to_grade(self, n: i64) -> String {
        match self {
            Lang::Zh => format!("{n}份待评阅"),
            Lang::En => format!("{n} to grade"),
        }
    }

    /// Extra time as trainees and instructors read it (150 → +50 %).
    pub fn extra_time(self, percent: i64) -> String {
        let extra = percent - 100;
        match self {
            Lang::Zh => format!("延时 {extra}%"),
            Lang::En => format!("+{extra}% time"),
        }
    }

    /// A certificate's status in large words.
    pub fn certificate_status(self, status: &str) -> &'static str {
        match (self, status) {
            (Lang::Zh, "valid") => "有效",
            (Lang::Zh, "suspended") => "暂停",
            (Lang::Zh, "revoked") => "已撤销",
            (Lang::Zh, "superseded") => "已更正，本证书作废",
            (Lang::Zh, "expired") => "已过期",
            (Lang::Zh, _) => "状态不明",
            (Lang::En, "valid") => "Valid",
            (Lang::En, "suspended") => "Suspended",
            (Lang::En, "revoked") => "Revoked",
            (Lang::En, "superseded") => "Replaced by a correction",
            (Lang::En, "expired") => "Expired",
            (Lang::En, _) => "Unknown status",
        }
    }

    pub fn certificate_status_hint(self, status: &str) -> &'static str {
        match (self, status) {
            (Lang::Zh, "valid") => "本证书真实有效。",
            (Lang::Zh, "suspended") => "本证书暂停使用，暂停期间持证人不得以此资格执业。",
            (Lang::Zh, "revoked") => "本证书已被撤销，不再有效。",
            (Lang::Zh, "superseded") => "本证书已被更正后的证书取代。",
            (Lang::Zh, "expired") => "本证书已超过有效期。",
            (Lang::Zh, _) => "",
            (Lang::En, "valid") => "This certificate is genuine and in force.",
            (Lang::En, "suspended") => {
                "This certificate is suspended: the holder may not practise under it meanwhile."
            }
            (Lang::En, "revoked") => "This certificate has been revoked and is no longer in force.",
            (Lang::En, "superseded") => "This certificate was replaced by a corrected one.",
            (Lang::En, "expired") => "This certificate is past its validity.",
            (Lang::En, _) => "",
        }
    }

    pub fn certificate_action(self, action: &str) -> &'static str {
        match (self, action) {
            (Lang::Zh, "issued") => "发证",
            (Lang::Zh, "suspended") => "暂停",
            (Lang::Zh, "reinstated") => "恢复",
            (Lang::Zh, "revoked") => "撤销",
            (Lang::Zh, "renewed") => "续期",
            (Lang::Zh, "corrected") => "更正",
            (Lang::En, "issued") => "Issued",
            (Lang::En, "suspended") => "Suspended",
            (Lang::En, "reinstated") => "Reinstated",
            (Lang::En, "revoked") => "Revoked",
            (Lang::En, "renewed") => "Renewed",
            (Lang::En, "corrected") => "Corrected",
            (_, _) => "—",
        }
    }

    /// A lifecycle change's name (`suspend`, `reinstate`, …), as a choice.
    pub fn certificate_change(self, change: &str) -> &'static str {
        match (self, change) {
            (Lang::Zh, "suspend") => "暂停",
            (Lang::Zh, "reinstate") => "恢复",
            (Lang::Zh, "revoke") => "撤销",
            (Lang::Zh, "renew") => "续期",
            (Lang::Zh, "correct") => "更正",
            (Lang::En, "suspend") => "Suspend",
            (Lang::En, "reinstate") => "Reinstate",
            (Lang::En, "revoke") => "Revoke",
            (Lang::En, "renew") => "Renew",
            (Lang::En, "correct") => "Correct",
            (_, _) => "—",
        }
    }

    /// What a lifecycle change does, said before it is applied.
    pub fn certificate_change_hint(self, change: &str) -> &'static str {
        match (self, change) {
            (Lang::Zh, "suspend") => "暂停期间证书不可使用；可指定结束日期，到期自动恢复。",
            (Lang::Zh, "reinstate") => "结束暂停，证书恢复有效。",
            (Lang::Zh, "revoke") => "撤销是最终决定，不可恢复。",
            (Lang::Zh, "renew") => "发放一张新证书，开始新的有效期，并与本证书关联。",
            (Lang::Zh, "correct") => "发放一张更正后的新证书取代本证书；本证书的公开页面将指向新证书。",
            (Lang::En, "suspend") => "The certificate may not be used meanwhile; with an end date it comes back into force by itself.",
            (Lang::En, "reinstate") => "Ends the suspension: the certificate is in force again.",
            (Lang::En, "revoke") => "Revocation is final and cannot be undone.",
            (Lang::En, "renew") => "Issues a new certificate for a new validity period, linked to this one.",
            (Lang::En, "correct") => "Issues a corrected certificate that replaces this one; this number's public page will point to it.",
            (_, _) => "",
        }
    }

    /// A history entry's reason as shown. The record made by a renewal or
    /// a correction is stored with the reason "renew {number}" or "correct
    /// {number}" (the old record's number), said here in the page's
    /// language; reasons typed by administrators are shown as written.
    pub fn event_reason(self, action: &str, reason: &str) -> String {
        let made_by = |prefix: &str| {
            reason
                .strip_prefix(prefix)
                .filter(|number| !number.contains(' '))
        };
        match (action, made_by("renew "), made_by("correct ")) {
            ("issued", Some(old), _) => match self {
                Lang::Zh => format!("续期自 {old}"),
                Lang::En => format!("Renews {old}"),
            },
            ("issued", _, Some(old)) => match self {
                Lang::Zh => format!("更正 {old}"),
                Lang::En => format!("Corrects {old}"),
            },
            _ => reason.to_owned(),
        }
    }

    /// Days until a certificate's last valid day, or since it passed.
    pub fn days_left(self, days: i64) -> String {
        match (self, days) {
            (Lang::Zh, d) if d < 0 => format!("已过期 {} 天", -d),
            (Lang::Zh, 0) => "今天到期".into(),
            (Lang::Zh, d) => format!("{d} 天"),
            (Lang::En, d) if d < 0 => format!("expired {} days ago", -d),
            (Lang::En, 0) => "last day today".into(),
            (Lang::En, 1) => "1 day".into(),
            (Lang::En, d) => format!("{d} days"),
        }
    }

    pub fn months(self, months: i64) -> String {
        match self {
            Lang::Zh => format!("{months} 个月"),
            Lang::En if months == 1 => "1 month".into(),
            Lang::En => format!("{months} months"),
        }
    }

    pub fn issued_count(self, count: usize) -> String {
        match self {
            Lang::Zh => format!("已发放 {count} 张证书。"),
            Lang::En if count == 1 => "1 certificate issued.".into(),
            Lang::En => format!("{count} certificates issued."),
        }
    }

    pub fn issue_selected(self, count: usize) -> String {
        match self {
            Lang::Zh => format!("为所选 {count} 人发证"),
            Lang::En => format!("Issue to the {count} selected"),
        }
    }

    pub fn issue_all(self, count: usize) -> String {
        match self {
            Lang::Zh => format!("为全部 {count} 名符合条件者发证"),
            Lang::En => format!("Issue to all {count} eligible"),
        }
    }

    pub fn auditors_found(self, count: i64) -> String {
        match self {
            Lang::Zh => format!("共 {count} 条有效证书"),
            Lang::En if count == 1 => "1 certificate in force".into(),
            Lang::En => format!("{count} certificates in force"),
        }
    }

    /// Between items of a short list in running text.
    pub fn list_separator(self) -> &'static str {
        match self {
            Lang::Zh => "；",
            Lang::En => "; ",
        }
    }

    /// The colon after a label: full-width in Chinese.
    pub fn colon(self) -> &'static str {
        match self {
            Lang::Zh => "：",
            Lang::En => ": ",
        }
    }

    /// A date and time (from Unix seconds, shown in China Standard Time).
    pub fn date_time(self, unix_secs: i64) -> String {
        let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix_secs + 8 * 3600) else {
            return String::new();
        };
        let (y, m, d, h, min) = (
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
        );
        match self {
            Lang::Zh => format!("{y}年{m}月{d}日 {h:02}:{min:02}"),
            Lang::En => format!("{y}-{m:02}-{d:02} {h:02}:{min:02} CST"),
        }
    }

    /// A calendar date given as YYYY-MM-DD.
    pub fn iso_date(self, date: &str) -> String {
        let mut parts = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
        match (
            self,
            parts.next().flatten(),
            parts.next().flatten(),
            parts.next().flatten(),
        ) {
            (Lang::Zh, Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
            _ => date.to_owned(),
        }
    }

    /// A date (from Unix seconds) as this language writes it.
    pub fn date(self, unix_secs: i64) -> String {
        let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix_secs) else {
            return String::new();
        };
        let (y, m, d) = (at.year(), u8::from(at.month()), at.day());
        match self {
            Lang::Zh => format!("{y}年{m}月{d}日"),
            Lang::En => format!("{y}-{m:02}-{d:02}"),
        }
    }
}

/// The page's language. On the server the app provides it; an island in
/// the browser sees no server context and reads what the server rendered.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(document_lang)
}

#[cfg(feature = "hydrate")]
fn document_lang() -> Lang {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::En)
}

#[cfg(not(feature = "hydrate"))]
fn document_lang() -> Lang {
    Lang::En
}

/// The page's strings.
pub fn use_text() -> &'static Text {
    use_lang().text()
}

pub struct Text {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_me: &'static str,
    pub nav_users: &'static str,
    pub nav_login: &'static str,
    pub nav_register: &'static str,
    pub nav_logout: &'static str,
    pub switch_language: &'static str,
    pub language_name: &'static str,
    pub signed_in_as: &'static str,
    pub footer: &'static str,

    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub home_trainees_title: &'static str,
    pub home_trainees_body: &'static str,
    pub home_instructors_title: &'static str,
    pub home_instructors_body: &'static str,
    pub home_verify_title: &'static str,
    pub home_verify_body: &'static str,
    pub home_cta_register: &'static str,
    pub home_cta_login: &'static str,
    pub home_history: &'static str,

    pub field_name: &'static str,
    pub field_email: &'static str,
    pub field_password: &'static str,
    pub field_new_password: &'static str,
    pub field_organisation: &'static str,
    pub field_province: &'static str,
    pub field_industry: &'static str,
    pub field_role: &'static str,
    pub choose: &'static str,
    pub optional: &'static str,
    pub password_hint: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub working: &'static str,

    pub login_title: &'static str,
    pub login_submit: &'static str,
    pub login_no_account: &'static str,
    pub register_title: &'static str,
    pub register_lead: &'static str,
    pub register_submit: &'static str,
    pub register_have_account: &'static str,

    pub me_title: &'static str,
    pub me_role: &'static str,
    pub me_member_since: &'static str,
    pub me_sign_out_everywhere: &'static str,
    pub me_sign_out_everywhere_hint: &'static str,
    pub me_welcome: &'static str,
    pub not_given: &'static str,

    pub role_trainee: &'static str,
    pub role_instructor: &'static str,
    pub role_administrator: &'static str,

    pub users_title: &'static str,
    pub users_search: &'static str,
    pub users_search_submit: &'static str,
    pub users_all_roles: &'static str,
    pub users_filter_role: &'static str,
    pub users_col_name: &'static str,
    pub users_col_email: &'static str,
    pub users_col_role: &'static str,
    pub users_col_status: &'static str,
    pub users_col_created: &'static str,
    pub users_col_actions: &'static str,
    pub users_active: &'static str,
    pub users_inactive: &'static str,
    pub users_deactivate: &'static str,
    pub users_reactivate: &'static str,
    pub users_set_password: &'static str,
    pub users_password_set: &'static str,
    pub users_none: &'static str,
    pub users_total: &'static str,
    pub users_create_title: &'static str,
    pub users_create_lead: &'static str,
    pub users_create_submit: &'static str,
    pub users_created: &'static str,
    pub pager_previous: &'static str,
    pub pager_next: &'static str,
    pub pager_page: &'static str,
    pub cancel: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_body: &'static str,
    pub try_later_title: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub request_id: &'static str,
    pub back_home: &'static str,
    pub loading: &'static str,

    pub nav_courses: &'static str,
    pub courses_title: &'static str,
    pub courses_lead: &'static str,
    pub courses_search: &'static str,
    pub courses_category: &'static str,
    pub courses_all_categories: &'static str,
    pub courses_centre: &'static str,
    pub courses_all_centres: &'static str,
    pub courses_city: &'static str,
    pub courses_open_now: &'static str,
    pub courses_none: &'static str,
    pub courses_found: &'static str,
    pub course_hours: &'static str,
    pub course_next_start: &'static str,
    pub course_open_badge: &'static str,
    pub category_auditor_training: &'static str,
    pub category_post_certification: &'static str,
    pub category_lecture: &'static str,
    pub course_classes: &'static str,
    pub course_no_classes: &'static str,
    pub course_back: &'static str,
    pub class_dates: &'static str,
    pub class_place: &'static str,
    pub class_seats: &'static str,
    pub class_window: &'static str,
    pub approval_automatic: &'static str,
    pub approval_manual: &'static str,
    pub enrol_note: &'static str,
    pub enrol_submit: &'static str,
    pub enrol_join_waitlist: &'static str,
    pub enrol_sign_in: &'static str,
    pub enrol_full: &'static str,
    pub enrol_staff: &'static str,
    pub state_pending: &'static str,
    pub state_approved: &'static str,
    pub state_waitlisted: &'static str,
    pub state_rejected: &'static str,
    pub state_withdrawn: &'static str,
    pub state_completed: &'static str,
    pub withdraw: &'static str,
    pub your_place: &'static str,
    pub me_enrolments: &'static str,
    pub me_no_enrolments: &'static str,
    pub me_browse: &'static str,
    pub reason: &'static str,

    pub nav_teach: &'static str,
    pub teach_title: &'static str,
    pub teach_none: &'static str,
    pub teach_pending: &'static str,
    pub teach_roster: &'static str,
    pub teach_export: &'static str,
    pub teach_back: &'static str,
    pub roster_position: &'static str,
    pub roster_attended: &'static str,
    pub roster_applied: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub reject_reason: &'static str,
    pub mark_attended: &'static str,
    pub unmark_attended: &'static str,
    pub mark_completed: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub roster_empty: &'static str,

    pub nav_import: &'static str,
    pub import_title: &'static str,
    pub import_lead: &'static str,
    pub import_csv: &'static str,
    pub import_class: &'static str,
    pub import_no_class: &'static str,
    pub import_check: &'static str,
    pub import_submit: &'static str,
    pub import_line: &'static str,
    pub import_problems: &'static str,
    pub import_ok: &'static str,
    pub import_ready: &'static str,
    pub import_done: &'static str,
    pub import_link: &'static str,
    pub set_password_title: &'static str,
    pub set_password_lead: &'static str,
    pub set_password_submit: &'static str,

    pub nav_catalogue: &'static str,
    pub catalogue_title: &'static str,
    pub col_code: &'static str,
    pub col_title: &'static str,
    pub col_classes: &'static str,
    pub published: &'static str,
    pub draft: &'static str,
    pub edit: &'static str,
    pub course_form_new: &'static str,
    pub course_form_edit: &'static str,
    pub field_code: &'static str,
    pub field_title_zh: &'static str,
    pub field_title_en: &'static str,
    pub field_summary_zh: &'static str,
    pub field_summary_en: &'static str,
    pub field_hours: &'static str,
    pub field_published: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub class_form_title: &'static str,
    pub field_course: &'static str,
    pub field_class_name_zh: &'static str,
    pub field_class_name_en: &'static str,
    pub field_starts_on: &'static str,
    pub field_ends_on: &'static str,
    pub field_city_zh: &'static str,
    pub field_city_en: &'static str,
    pub field_venue: &'static str,
    pub field_capacity: &'static str,
    pub field_waitlist: &'static str,
    pub field_approval: &'static str,
    pub field_opens_at: &'static str,
    pub field_closes_at: &'static str,
    pub field_instructor: &'static str,
    pub field_co_instructor: &'static str,
    pub class_created: &'static str,
    pub approval_label_automatic: &'static str,
    pub approval_label_manual: &'static str,
    pub save_class: &'static str,
    pub centre_form_title: &'static str,
    pub field_centre_code: &'static str,
    pub field_centre_kind: &'static str,
    pub field_centre_name_zh: &'static str,
    pub field_centre_name_en: &'static str,
    pub centre_national: &'static str,
    pub centre_industry: &'static str,
    pub centre_provincial: &'static str,
    // Question bank (/teach/courses/{code}/questions)
    pub bank_title: &'static str,
    pub bank_lead: &'static str,
    pub bank_back: &'static str,
    pub bank_kind_single: &'static str,
    pub bank_kind_multiple: &'static str,
    pub bank_kind_true_false: &'static str,
    pub bank_kind_short_answer: &'static str,
    pub bank_kind_essay: &'static str,
    pub bank_add_title: &'static str,
    pub bank_field_kind: &'static str,
    pub bank_field_prompt_zh: &'static str,
    pub bank_field_prompt_en: &'static str,
    pub bank_field_options: &'static str,
    pub bank_options_hint: &'static str,
    pub bank_field_answer: &'static str,
    pub bank_answer_hint_any: &'static str,
    pub bank_answer_hint_single: &'static str,
    pub bank_answer_hint_multiple: &'static str,
    pub bank_answer_hint_true_false: &'static str,
    pub bank_answer_hint_short_answer: &'static str,
    pub bank_answer_hint_essay: &'static str,
    pub bank_field_points: &'static str,
    pub bank_field_tags: &'static str,
    pub bank_tags_hint: &'static str,
    pub bank_field_explanation_zh: &'static str,
    pub bank_field_explanation_en: &'static str,
    pub bank_explanation_hint: &'static str,
    pub bank_add_submit: &'static str,
    pub bank_save_submit: &'static str,
    pub bank_added: &'static str,
    pub bank_saved: &'static str,
    pub bank_regraded: &'static str,
    pub bank_kind_fixed: &'static str,
    pub bank_regrade_note: &'static str,
    pub bank_edit: &'static str,
    pub bank_retire: &'static str,
    pub bank_restore: &'static str,
    pub bank_retired: &'static str,
    pub bank_retired_note: &'static str,
    pub bank_answered: &'static str,
    pub bank_key: &'static str,
    pub bank_correct: &'static str,
    pub bank_true: &'static str,
    pub bank_false: &'static str,
    pub bank_accepted: &'static str,
    pub bank_graded_by_person: &'static str,
    pub bank_explanation: &'static str,
    pub bank_empty: &'static str,
    pub bank_no_match: &'static str,
    pub bank_search: &'static str,
    pub bank_tag: &'static str,
    pub bank_all_tags: &'static str,
    pub bank_filter: &'static str,
    pub bank_total: &'static str,
    pub bank_import_title: &'static str,
    pub bank_import_lead: &'static str,
    pub bank_import_format: &'static str,
    pub bank_import_text: &'static str,
    pub bank_import_check: &'static str,
    pub bank_import_submit: &'static str,
    pub bank_import_ready: &'static str,
    pub bank_imported: &'static str,
    pub bank_export_title: &'static str,
    pub bank_export_lead: &'static str,
    pub bank_export_csv: &'static str,
    pub bank_export_json: &'static str,
    pub bank_row: &'static str,
    pub bank_question: &'static str,
    // Certificate verification (/verify)
    pub nav_verify: &'static str,
    pub verify_title: &'static str,
    pub verify_lead: &'static str,
    pub verify_number: &'static str,
    pub verify_submit: &'static str,
    pub verify_none: &'static str,
    pub verify_none_hint: &'static str,
    pub verify_holder: &'static str,
    pub verify_type: &'static str,
    pub verify_centre: &'static str,
    pub verify_issued: &'static str,
    pub verify_expires: &'static str,
    pub verify_suspended_until: &'static str,
    pub verify_superseded_by: &'static str,
    pub verify_renews: &'static str,
    pub verify_renewed_by: &'static str,
    pub verify_history: &'static str,
    pub verify_credential_title: &'static str,
    pub verify_credential_explain: &'static str,
    pub verify_credential_download: &'static str,
    pub nav_auditors: &'static str,
    pub nav_certificates: &'static str,
    pub me_certificates: &'static str,
    pub auditors_title: &'static str,
    pub auditors_lead: &'static str,
    pub auditors_none: &'static str,
    pub auditors_placeholder: &'static str,
    pub auditors_search: &'static str,
    pub auditors_submit: &'static str,
    pub cert_admin_title: &'static str,
    pub cert_types_title: &'static str,
    pub cert_apply: &'static str,
    pub cert_candidates: &'static str,
    pub cert_eligible_of: &'static str,
    pub cert_certified: &'static str,
    pub cert_change: &'static str,
    pub cert_change_title: &'static str,
    pub cert_choose: &'static str,
    pub cert_class: &'static str,
    pub cert_classes_title: &'static str,
    pub cert_completed: &'static str,
    pub cert_completion_always: &'static str,
    pub cert_corrected_name: &'static str,
    pub cert_course: &'static str,
    pub cert_credential: &'static str,
    pub cert_days_left: &'static str,
    pub cert_decide: &'static str,
    pub cert_decided_by: &'static str,
    pub cert_decision_title: &'static str,
    pub cert_eligible: &'static str,
    pub cert_ends: &'static str,
    pub cert_exam: &'static str,
    pub cert_expired_list: &'static str,
    pub cert_expiring_title: &'static str,
    pub cert_find: &'static str,
    pub cert_iso_rule: &'static str,
    pub cert_issue_date: &'static str,
    pub cert_issued: &'static str,
    pub cert_issuing: &'static str,
    pub cert_name_en: &'static str,
    pub cert_name_zh: &'static str,
    pub cert_no_changes: &'static str,
    pub cert_no_type: &'static str,
    pub cert_none_expiring: &'static str,
    pub cert_not_passed: &'static str,
    pub cert_not_required: &'static str,
    pub cert_open: &'static str,
    pub cert_outcome: &'static str,
    pub cert_passed: &'static str,
    pub cert_pdf: &'static str,
    pub cert_prefix: &'static str,
    pub cert_prefix_hint: &'static str,
    pub cert_print: &'static str,
    pub cert_print_button: &'static str,
    pub cert_public_page: &'static str,
    pub cert_record_title: &'static str,
    pub cert_renewed_on: &'static str,
    pub cert_requirements: &'static str,
    pub cert_requires_completion: &'static str,
    pub cert_requires_completion_exam: &'static str,
    pub cert_requires_exam: &'static str,
    pub cert_short_certified: &'static str,
    pub cert_short_exam: &'static str,
    pub cert_short_not_completed: &'static str,
    pub cert_show: &'static str,
    pub cert_type_edit: &'static str,
    pub cert_type_new: &'static str,
    pub cert_until: &'static str,
    pub cert_until_hint: &'static str,
    pub cert_validity: &'static str,
    pub cert_validity_months: &'static str,
    pub cert_within_30: &'static str,
    pub cert_within_60: &'static str,
    pub cert_within_90: &'static str,
    pub cert_you_taught: &'static str,
    // Exams, attempts, grading (/exams, /teach/exams)
    pub exam_not_saved: &'static str,
    pub release_while_open: &'static str,
    pub exam_answers_withheld: &'static str,
    pub attempt_in_progress: &'static str,
    pub col_question: &'static str,
    pub counting_highest: &'static str,
    pub counting_last: &'static str,
    pub exam_all_saved: &'static str,
    pub exam_attempts: &'static str,
    pub exam_attempts_allowed: &'static str,
    pub exam_autosave_hint: &'static str,
    pub exam_back: &'static str,
    pub exam_bank_empty: &'static str,
    pub exam_closed_by_deadline: &'static str,
    pub exam_closes: &'static str,
    pub exam_continue: &'static str,
    pub exam_correct_answer: &'static str,
    pub exam_counting: &'static str,
    pub exam_create: &'static str,
    pub exam_draws: &'static str,
    pub exam_draws_hint: &'static str,
    pub exam_explanation: &'static str,
    pub exam_failed: &'static str,
    pub exam_feedback: &'static str,
    pub exam_new: &'static str,
    pub exam_no_answer: &'static str,
    pub exam_not_graded: &'static str,
    pub exam_not_released: &'static str,
    pub exam_opens: &'static str,
    pub exam_overridden: &'static str,
    pub exam_pass_mark: &'static str,
    pub exam_pass_percent: &'static str,
    pub exam_passed: &'static str,
    pub exam_pick_questions: &'static str,
    pub exam_released: &'static str,
    pub exam_result: &'static str,
    pub exam_saved: &'static str,
    pub exam_saving: &'static str,
    pub exam_see_result: &'static str,
    pub exam_selection: &'static str,
    pub exam_selection_fixed: &'static str,
    pub exam_selection_random: &'static str,
    pub exam_shuffle: &'static str,
    pub exam_start: &'static str,
    pub exam_start_again: &'static str,
    pub exam_start_hint: &'static str,
    pub exam_submit: &'static str,
    pub exam_submit_hint: &'static str,
    pub exam_needs_javascript: &'static str,
    pub exam_submitting: &'static str,
    pub exam_time_left: &'static str,
    pub exam_time_limit: &'static str,
    pub exam_title_en: &'static str,
    pub exam_title_zh: &'static str,
    pub exam_your_answer: &'static str,
    pub exams_back: &'static str,
    pub exams_none: &'static str,
    pub extra_time_label: &'static str,
    pub extra_time_none: &'static str,
    pub extra_time_save: &'static str,
    pub grade_answers: &'static str,
    pub gradebook: &'static str,
    pub gradebook_empty: &'static str,
    pub gradebook_exam: &'static str,
    pub gradebook_export: &'static str,
    pub gradebook_history: &'static str,
    pub gradebook_overridden: &'static str,
    pub gradebook_override: &'static str,
    pub gradebook_override_hint: &'static str,
    pub gradebook_override_save: &'static str,
    pub gradebook_percent: &'static str,
    pub gradebook_trainee: &'static str,
    pub grading_accepted: &'static str,
    pub grading_candidate: &'static str,
    pub grading_done: &'static str,
    pub grading_feedback: &'static str,
    pub grading_graded: &'static str,
    pub grading_hide_names: &'static str,
    pub grading_nothing: &'static str,
    pub grading_points: &'static str,
    pub grading_queue: &'static str,
    pub grading_save: &'static str,
    pub grading_show_names: &'static str,
    pub grading_waiting: &'static str,
    pub item_analysis: &'static str,
    pub item_analysis_hint: &'static str,
    pub item_answered: &'static str,
    pub item_discrimination: &'static str,
    pub item_facility: &'static str,
    pub item_weak: &'static str,
    pub me_exams: &'static str,
    pub release_hint: &'static str,
    pub release_results: &'static str,
    pub teach_class_pages: &'static str,
    pub teach_exams: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        for (header, expected, why) in [
            ("zh-CN,zh;q=0.9,en;q=0.8", Lang::Zh, "Chinese first"),
            ("en-US,en;q=0.9,zh-CN;q=0.8", Lang::En, "English first"),
            (
                "fr-FR,fr;q=0.9,zh;q=0.5",
                Lang::Zh,
                "unsupported first, then Chinese",
            ),
            ("de,fr", Lang::En, "nothing supported falls back to English"),
            ("", Lang::En, "no header"),
            (
                "en;q=0.2,zh-TW;q=0.7",
                Lang::Zh,
                "q-values decide, not order",
            ),
            ("zh;q=0,en", Lang::En, "q=0 means not acceptable"),
            ("zh_CN", Lang::Zh, "underscore form"),
        ] {
            assert_eq!(Lang::negotiate(header), expected, "{why}: {header:?}");
        }
    }

    #[test]
    fn every_problem_has_words_in_both_languages() {
        for problem in [
            Problem::Required,
            Problem::TooLong { max: 10 },
            Problem::EmailInvalid,
            Problem::EmailTaken,
            Problem::PasswordTooShort { min: 8 },
            Problem::PasswordTooLong { max: 128 },
            Problem::PasswordTooCommon,
            Problem::PasswordContainsEmail,
            Problem::NotInList,
            Problem::CannotChangeOwnAccount,
        ] {
            for lang in Lang::ALL {
                assert!(!lang.problem(problem).is_empty(), "{problem:?} in {lang:?}");
            }
        }
        assert!(Lang::Zh
            .problem(Problem::PasswordTooShort { min: 8 })
            .contains('8'));
    }

    #[test]
    fn internal_errors_show_the_request_id_but_nothing_else() {
        let error = AppError::Internal {
            request_id: "req-42".into(),
        };
        for lang in Lang::ALL {
            assert!(lang.error(&error).contains("req-42"));
        }
        let transport = AppError::Transport("sqlite: disk I/O error at /secret".into());
        for lang in Lang::ALL {
            assert!(
                !lang.error(&transport).contains("secret"),
                "raw details leak"
            );
        }
    }

    #[test]
    fn dates_are_written_the_local_way() {
        // 2000-06-30 00:00:00 UTC
        assert_eq!(Lang::Zh.date(962_323_200), "2000年6月30日");
        assert_eq!(Lang::En.date(962_323_200), "2000-06-30");
    }
}
