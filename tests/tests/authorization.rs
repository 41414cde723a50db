//! The authorisation matrix: every server function, page and plain route
//! the server has, and the answer each kind of caller gets from it — a
//! visitor, the trainee whose records they are, another trainee, the
//! instructor of the class, an instructor of another class, an
//! administrator, and the administrator who taught the class.
//!
//! The lists to cover come from the server itself (`server_fn_paths()`,
//! `page_paths()`, `plain_routes()`), so a new function or route without a
//! row here fails. Every call runs in a world of its own (fresh accounts,
//! classes, an exam with attempts, a certificate), so a call that changes
//! something — a withdrawal, a sign-out everywhere, a revoked certificate —
//! never changes the answer another call gets.

use academy_tests::{encode_form, spawn_app_with, TestApp, ORIGIN, PASSWORD};
use app::domain::catalogue::{Category, CentreKind};
use app::domain::enrolment::{Approval, EnrolmentState};
use app::domain::exam::QuestionDraft;
use app::domain::Role;
use app::error::{AppError, Problem};
use app::ssr::auth::{token_hash, SESSION_COOKIE};
use app::ssr::db::{self, catalogue, certificates, enrolments, exams, password_tokens, questions};
use app::ssr::db::{sessions, users};
use futures::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, ORIGIN as ORIGIN_HEADER};
use reqwest::{Client, Method};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use Answer::*;

// ------------------------------------------------------------ who and what

/// The callers, in the order of the table's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// No session.
    Visitor,
    /// The trainee whose records the calls name: enrolled in class C,
    /// sitting its exam, holding a certificate from it.
    Trainee,
    /// A trainee of another class, calling with the first trainee's ids.
    OtherTrainee,
    /// An instructor of class C.
    Instructor,
    /// The instructor of class D, of another course.
    OtherInstructor,
    /// An administrator who did not teach class C.
    Admin,
    /// An administrator who is also one of class C's instructors.
    AdminWhoTaught,
}

const COLUMNS: [Who; 7] = [
    Who::Visitor,
    Who::Trainee,
    Who::OtherTrainee,
    Who::Instructor,
    Who::OtherInstructor,
    Who::Admin,
    Who::AdminWhoTaught,
];

/// What a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 2xx: let through. The arguments are valid, so this means the call
    /// did what it says (a validation error would not count).
    Allowed,
    /// 401: sign in first.
    SignIn,
    /// A redirect to the sign-in page (pages, the PDF download).
    ToLogin,
    /// Another redirect (the language switch goes back where it came from).
    Redirect,
    /// 403.
    Forbidden,
    /// 404: for this caller the record does not exist.
    NotFound,
    /// 409 with this problem: the caller passed the role check, but a rule
    /// about the record refuses.
    Conflict(Problem),
    /// Any other status; never expected.
    Other(u16),
}

/// Columns: visitor, trainee, other trainee, instructor, other instructor,
/// administrator, administrator who taught.
type Expect = [Answer; 7];

/// The answers many rows share.
#[rustfmt::skip]
mod common {
    use super::{Answer, Answer::*, Expect};
    use app::error::Problem;

    pub const ANYONE: Expect =     [Allowed; 7];
    pub const SIGNED_IN: Expect =  [SignIn, Allowed,   Allowed,   Allowed,   Allowed,   Allowed, Allowed];
    pub const STAFF: Expect =      [SignIn, Forbidden, Forbidden, Allowed,   Allowed,   Allowed, Allowed];
    /// Class C's (or its course's) instructors and every administrator.
    pub const TEACHERS: Expect =   [SignIn, Forbidden, Forbidden, Allowed,   Forbidden, Allowed, Allowed];
    pub const ADMINS: Expect =     [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Allowed, Allowed];
    /// The certificate's holder and administrators; to anyone else it does
    /// not exist (its public record is at /verify).
    pub const HOLDER: Expect =     [SignIn, Allowed,   NotFound,  NotFound,  NotFound,  Allowed, Allowed];

    // Pages send a visitor to sign in and come back.
    pub const PAGE_SIGNED_IN: Expect = [ToLogin, Allowed,   Allowed,   Allowed,   Allowed,   Allowed, Allowed];
    pub const PAGE_STAFF: Expect =     [ToLogin, Forbidden, Forbidden, Allowed,   Allowed,   Allowed, Allowed];
    pub const PAGE_TEACHERS: Expect =  [ToLogin, Forbidden, Forbidden, Allowed,   Forbidden, Allowed, Allowed];
    pub const PAGE_ADMINS: Expect =    [ToLogin, Forbidden, Forbidden, Forbidden, Forbidden, Allowed, Allowed];
    pub const PAGE_HOLDER: Expect =    [ToLogin, Allowed,   NotFound,  NotFound,  NotFound,  Allowed, Allowed];

    /// Staff pass the sign-in check, but only trainees enrol.
    pub const ONLY_TRAINEES: Answer = Conflict(Problem::OnlyTraineesEnrol);
    /// Only the class's own trainees sit its exam.
    pub const NOT_IN_CLASS: Answer = Conflict(Problem::NotApprovedForClass);
    /// Whoever taught a class does not certify from it: training and
    /// certification stay apart (ISO/IEC 17024).
    pub const TAUGHT_THE_CLASS: Answer = Conflict(Problem::DeciderTaughtClass);
}
use common::*;

type Form = Vec<(&'static str, String)>;

/// Form fields from `key => value` pairs (any value with `to_string`).
macro_rules! form {
    ($($key:literal => $value:expr),* $(,)?) => {
        vec![$(($key, ($value).to_string())),*]
    };
}

/// A server function: its endpoint (under the server-function prefix), the
/// fields to post, and what each caller gets.
struct ServerFn {
    endpoint: &'static str,
    form: fn(&World) -> Form,
    expect: Expect,
}

fn call(endpoint: &'static str, form: fn(&World) -> Form, expect: Expect) -> ServerFn {
    ServerFn {
        endpoint,
        form,
        expect,
    }
}

/// A page or a plain route: its path as the router has it, the values of
/// its parameters (any other value goes in the query string), the fields
/// to post (plain POST routes), and what each caller gets.
struct Route {
    method: Method,
    pattern: &'static str,
    params: fn(&World) -> Form,
    body: fn(&World) -> Form,
    expect: Expect,
}

fn page(pattern: &'static str, params: fn(&World) -> Form, expect: Expect) -> Route {
    Route {
        method: Method::GET,
        pattern,
        params,
        body: |_| vec![],
        expect,
    }
}

fn get(pattern: &'static str, params: fn(&World) -> Form, expect: Expect) -> Route {
    page(pattern, params, expect)
}

fn post(pattern: &'static str, body: fn(&World) -> Form, expect: Expect) -> Route {
    Route {
        method: Method::POST,
        pattern,
        params: |_| vec![],
        body,
        expect,
    }
}

/// `pattern` with its `{parameters}` filled in from `params`; the other
/// values become the query string.
fn fill(pattern: &str, params: Form) -> String {
    let mut path = pattern.to_owned();
    let mut query = Vec::new();
    for (key, value) in &params {
        let slot = format!("{{{key}}}");
        if path.contains(&slot) {
            path = path.replace(&slot, value);
        } else {
            query.push((*key, value.as_str()));
        }
    }
    assert!(
        !path.contains('{'),
        "{pattern}: a parameter has no value in the matrix"
    );
    if !query.is_empty() {
        path = format!("{path}?{}", encode_form(&query));
    }
    path
}

/// The account with a password the caller of `column` signs in to.
fn sign_in_email(column: usize) -> String {
    format!("sign-in-{column}@example.cn")
}

// ------------------------------------------------------------ the matrix

/// Every server function. Each call targets the trainee's and class C's
/// records; the world is described at [`World`].
#[rustfmt::skip]
fn server_functions() -> Vec<ServerFn> {
    vec![
        // Signing in and out, and the account itself.
        call("auth/current_user", |_| form![], ANYONE),
        call("auth/login", |w| form!["email" => w.sign_in, "password" => PASSWORD], ANYONE),
        call("auth/register", |w| form![
            "name" => "新学员", "email" => format!("new-{}@example.cn", w.n), "password" => PASSWORD,
            "organisation" => "天津化工厂", "province" => "tianjin", "industry" => "chemicals",
        ], ANYONE),
        call("auth/set_password", |w| form!["token" => w.link, "password" => PASSWORD], ANYONE),
        call("auth/sign_out_everywhere", |_| form![], SIGNED_IN),
        call("auth/logout", |_| form![], ANYONE),
        call("users/my_profile", |_| form![], SIGNED_IN),
        call("users/my_page", |_| form![], SIGNED_IN),

        // Administrators manage accounts (the classmate's, here).
        call("admin/list_users", |_| form!["search" => "", "page" => 1], ADMINS),
        call("admin/create_staff_account", |w| form![
            "name" => "新讲师", "email" => format!("staff-{}@example.cn", w.n),
            "role" => "instructor", "password" => PASSWORD,
        ], ADMINS),
        call("admin/set_user_active", |w| form!["user_id" => w.classmate, "active" => false], ADMINS),
        call("admin/set_user_password", |w| form!["user_id" => w.classmate, "password" => PASSWORD], ADMINS),

        // The public catalogue.
        call("catalogue/centres", |_| form![], ANYONE),
        call("catalogue/search", |_| form!["q" => "", "open_now" => false, "page" => 1], ANYONE),
        call("catalogue/course", |w| form!["code" => w.course], ANYONE),

        // Enrolling. Staff pass the sign-in check, but only trainees enrol.
        call("enrolment/enrol", |w| form!["class_id" => w.open_class],
            [SignIn, Allowed, Allowed, ONLY_TRAINEES, ONLY_TRAINEES, ONLY_TRAINEES, ONLY_TRAINEES]),
        // Only the trainee withdraws, from class F (not taught by anyone
        // here); to everyone else their enrolment does not exist.
        call("enrolment/withdraw", |w| form!["enrolment_id" => w.enrolment_elsewhere],
            [SignIn, Allowed, NotFound, NotFound, NotFound, NotFound, NotFound]),
        call("enrolment/mine", |_| form![], SIGNED_IN),

        // Teaching class C.
        call("teach/classes", |_| form![], STAFF),
        call("teach/roster", |w| form!["class_id" => w.class], TEACHERS),
        call("teach/decide", |w| form!["enrolment_id" => w.classmate_enrolment, "decision" => "complete"], TEACHERS),
        call("teach/attendance", |w| form!["enrolment_id" => w.classmate_enrolment, "attended" => true], TEACHERS),
        call("teach/extra-time", |w| form!["enrolment_id" => w.enrolment, "percent" => 150], TEACHERS),

        // Sitting class C's exam. Administrators pass every role check, so
        // they meet the rule that only the class's trainees sit its exam.
        call("exams/mine", |_| form![],
            [SignIn, Allowed, Allowed, Forbidden, Forbidden, Allowed, Allowed]),
        call("exams/view", |w| form!["exam_id" => w.exam],
            [SignIn, Allowed, NotFound, Forbidden, Forbidden, NotFound, NotFound]),
        call("exams/start", |w| form!["exam_id" => w.exam],
            [SignIn, Allowed, NOT_IN_CLASS, Forbidden, Forbidden, NOT_IN_CLASS, NOT_IN_CLASS]),
        call("exams/answer", |w| form!["attempt_id" => w.attempt, "question_id" => w.true_false, "answer" => "true"],
            [SignIn, Allowed, NotFound, Forbidden, Forbidden, NotFound, NotFound]),
        call("exams/submit", |w| form!["attempt_id" => w.attempt],
            [SignIn, Allowed, NotFound, Forbidden, Forbidden, NotFound, NotFound]),

        // Setting and grading class C's exams.
        call("teach/exams", |w| form!["class_id" => w.class], TEACHERS),
        call("teach/exams/create", |w| form![
            "class_id" => w.class, "title_zh" => "补考", "title_en" => "Resit", "selection" => "fixed",
            "questions[]" => w.true_false, "time_limit_minutes" => 30,
            "opens_at" => china_time(db::now() + 86_400), "closes_at" => china_time(db::now() + 2 * 86_400),
            "attempts_allowed" => 1, "counting" => "highest", "pass_percent" => 60,
        ], TEACHERS),
        call("teach/exams/overview", |w| form!["exam_id" => w.exam], TEACHERS),
        call("teach/exams/queue", |w| form!["exam_id" => w.exam, "anonymous" => false], TEACHERS),
        call("teach/exams/grade", |w| form![
            "attempt_id" => w.submitted, "question_id" => w.essay, "points" => 3, "feedback" => "言之有物",
        ], TEACHERS),
        call("teach/exams/release", |w| form!["exam_id" => w.exam], TEACHERS),
        call("teach/gradebook", |w| form!["class_id" => w.class], TEACHERS),
        call("teach/gradebook/override", |w| form![
            "exam_id" => w.exam, "trainee_id" => w.trainee, "percent" => 80, "reason" => "复核后改分",
        ], TEACHERS),

        // Course K's question bank: its classes' instructors (the other
        // instructor teaches a class of another course) and administrators.
        call("teach/bank_course", |w| form!["course_code" => w.course], TEACHERS),
        call("teach/bank_questions", |w| form!["course_code" => w.course], TEACHERS),
        call("teach/save_question", |w| form![
            "course_code" => w.course, "kind" => "true_false", "prompt_zh" => "清洁生产从源头削减。",
            "prompt_en" => "Cleaner production reduces at source.", "answer" => "对", "points" => 1,
        ], TEACHERS),
        call("teach/retire_question", |w| form!["question_id" => w.true_false, "retired" => true], TEACHERS),
        call("teach/import_bank", |w| form![
            "course_code" => w.course, "format" => "csv",
            "text" => "kind,prompt_zh,prompt_en,points\nessay,论述审核的七个阶段。,The seven phases.,5\n",
            "commit" => true,
        ], TEACHERS),

        // Certificates: the public record, and the holder's own copy.
        call("verify", |w| form!["number" => w.certificate], ANYONE),
        call("auditors", |_| form!["query" => "", "page" => 1], ANYONE),
        call("me/certificates", |_| form![], SIGNED_IN),
        call("certificate_sheet", |w| form!["number" => w.certificate], HOLDER),

        // Certification, by administrators.
        call("admin/certificate_types", |_| form![], ADMINS),
        call("admin/save_certificate_type", |w| form![
            "prefix" => format!("N{}", w.n), "name_zh" => "清洁生产审核师", "name_en" => "Cleaner Production Assessor",
            "validity_months" => 36, "course" => w.course,
        ], ADMINS),
        call("admin/certification", |_| form![], ADMINS),
        // The administrator who taught the class may look at its candidates
        // (the page says why they cannot decide) ...
        call("admin/candidates", |w| form!["class_id" => w.class], ADMINS),
        // ... but not certify them.
        call("admin/issue_certificates", |w| form![
            "class_id" => w.class, "type_id" => w.certificate_type, "trainees" => w.graduate,
            "issued_on" => db::china_today(),
        ], [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Allowed, TAUGHT_THE_CLASS]),
        call("admin/issue_progress", |w| form!["class_id" => w.class], ADMINS),
        call("admin/certificate", |w| form!["number" => w.certificate], ADMINS),
        // Changing a certificate issued from the class is not held back from
        // the administrator who taught it: only the decision to certify is.
        call("admin/change_certificate", |w| form![
            "number" => w.certificate, "change" => "revoke", "reason" => "证书信息有误",
        ], ADMINS),

        // Importing trainees, by administrators.
        call("admin/import_classes", |_| form![], ADMINS),
        call("admin/import_trainees", |w| form![
            "csv" => format!("name,email,organisation,province,industry\n赵敏,import-{}@example.cn,,beijing,chemicals\n", w.n),
            "class_id" => w.class, "commit" => true,
        ], ADMINS),

        // The catalogue, by administrators.
        call("admin/catalogue", |_| form![], ADMINS),
        call("admin/create_centre", |w| form![
            "centre_code" => format!("CTR{}", w.n), "kind" => "provincial",
            "centre_name_zh" => "山西省清洁生产中心", "centre_name_en" => "Shanxi Cleaner Production Centre",
        ], ADMINS),
        call("admin/save_course", |w| form![
            "code" => format!("NEW{}", w.n), "centre" => w.centre, "category" => "lecture",
            "title_zh" => "清洁生产讲座", "title_en" => "Cleaner production lecture",
            "summary_zh" => "", "summary_en" => "", "hours" => 4, "published" => true,
        ], ADMINS),
        call("admin/save_class", |w| form![
            "course" => w.course, "name_zh" => "第2期", "name_en" => "Class 2",
            "starts_on" => "2031-05-01", "ends_on" => "2031-05-10", "city_zh" => "太原", "city_en" => "Taiyuan",
            "venue" => "", "capacity" => 30, "waitlist" => true, "approval" => "automatic",
            "opens_at" => china_time(db::now()), "closes_at" => china_time(db::now() + 30 * 86_400),
            "instructor" => w.instructor,
        ], ADMINS),
    ]
}

/// Every page, asked for with GET as a browser does.
#[rustfmt::skip]
fn pages() -> Vec<Route> {
    vec![
        page("/", |_| form![], ANYONE),
        page("/courses", |_| form![], ANYONE),
        page("/courses/{code}", |w| form!["code" => w.course], ANYONE),
        page("/login", |_| form![], ANYONE),
        page("/register", |_| form![], ANYONE),
        page("/set-password", |w| form!["token" => w.link], ANYONE),
        page("/verify", |_| form![], ANYONE),
        page("/verify/{number}", |w| form!["number" => w.certificate], ANYONE),
        page("/auditors", |_| form![], ANYONE),
        page("/me", |_| form![], PAGE_SIGNED_IN),
        page("/exams/{id}", |w| form!["id" => w.exam],
            [ToLogin, Allowed, NotFound, Forbidden, Forbidden, NotFound, NotFound]),
        page("/certificates/{number}", |w| form!["number" => w.certificate], PAGE_HOLDER),
        page("/teach", |_| form![], PAGE_STAFF),
        page("/teach/classes/{id}", |w| form!["id" => w.class], PAGE_TEACHERS),
        page("/teach/classes/{id}/exams", |w| form!["id" => w.class], PAGE_TEACHERS),
        page("/teach/classes/{id}/gradebook", |w| form!["id" => w.class], PAGE_TEACHERS),
        page("/teach/exams/{id}", |w| form!["id" => w.exam], PAGE_TEACHERS),
        page("/teach/exams/{id}/grade", |w| form!["id" => w.exam], PAGE_TEACHERS),
        page("/teach/courses/{code}/questions", |w| form!["code" => w.course], PAGE_TEACHERS),
        page("/admin/users", |_| form![], PAGE_ADMINS),
        page("/admin/courses", |_| form![], PAGE_ADMINS),
        page("/admin/import", |_| form![], PAGE_ADMINS),
        page("/admin/certificates", |_| form![], PAGE_ADMINS),
        page("/admin/certificates/types", |_| form![], PAGE_ADMINS),
        page("/admin/certificates/classes/{id}", |w| form!["id" => w.class], PAGE_ADMINS),
        page("/admin/certificates/record", |w| form!["number" => w.certificate], PAGE_ADMINS),
    ]
}

/// Every route that is neither a page nor a server function.
#[rustfmt::skip]
fn plain_routes() -> Vec<Route> {
    vec![
        get("/healthz", |_| form![], ANYONE),
        // The language switch goes back where it came from.
        post("/lang", |_| form!["lang" => "zh-CN", "next" => "/courses"], [Redirect; 7]),
        get("/.well-known/did.json", |_| form![], ANYONE),
        get("/api/v1/openapi.json", |_| form![], ANYONE),
        get("/api/v1/certificates/{number}", |w| form!["number" => w.certificate], ANYONE),
        get("/api/v1/certificates/{number}/credential", |w| form!["number" => w.certificate], ANYONE),
        get("/api/v1/status-lists/{list}/{purpose}", |_| form!["list" => "1", "purpose" => "revocation"], ANYONE),
        // A download link followed after the session ended: sign in and come back.
        get("/certificates/{number}/pdf", |w| form!["number" => w.certificate],
            [ToLogin, Allowed, NotFound, NotFound, NotFound, Allowed, Allowed]),
        // Downloads answer a visitor with 401, not a redirect.
        get("/teach/classes/{id}/roster.csv", |w| form!["id" => w.class], TEACHERS),
        get("/teach/classes/{id}/gradebook.csv", |w| form!["id" => w.class], TEACHERS),
        get("/teach/courses/{code}/questions.csv", |w| form!["code" => w.course], TEACHERS),
        get("/teach/courses/{code}/questions.json", |w| form!["code" => w.course], TEACHERS),
    ]
}

// ------------------------------------------------------------ the tests

#[tokio::test]
async fn every_server_function_page_and_route_has_a_row_in_the_matrix() {
    let mut problems = Vec::new();

    let prefix = app::ssr::context::SERVER_FN_PREFIX;
    let mut registered = Vec::new();
    for (path, method) in server_fn::axum::server_fn_paths() {
        if method != Method::POST {
            problems.push(format!(
                "{method} {path}: a server function the matrix only posts to"
            ));
        }
        registered.push(path.to_owned());
    }
    let rows: Vec<String> = server_functions()
        .iter()
        .map(|f| format!("{prefix}{}", f.endpoint))
        .collect();
    compare("server function", &registered, &rows, &mut problems);

    compare(
        "page",
        &server::routes::page_paths(),
        &pages()
            .iter()
            .map(|p| p.pattern.to_owned())
            .collect::<Vec<_>>(),
        &mut problems,
    );
    compare(
        "route",
        &server::routes::plain_routes()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>(),
        &plain_routes()
            .iter()
            .map(|r| format!("{} {}", r.method, r.pattern))
            .collect::<Vec<_>>(),
        &mut problems,
    );
    assert!(
        problems.is_empty(),
        "the matrix does not match the server:\n{}",
        problems.join("\n")
    );
    assert!(
        registered.len() > 50,
        "server functions: {}",
        registered.len()
    );
}

/// Each of `served` has exactly one row, and each row names one of `served`.
fn compare(what: &str, served: &[String], rows: &[String], problems: &mut Vec<String>) {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        *count.entry(row).or_default() += 1;
    }
    for path in served {
        match count.get(path.as_str()) {
            None => problems.push(format!("{what} {path} has no row in the matrix")),
            Some(1) => {}
            Some(n) => problems.push(format!("{what} {path} has {n} rows in the matrix")),
        }
    }
    for row in count.keys() {
        if !served.iter().any(|p| p == row) {
            problems.push(format!(
                "the matrix names {what} {row}, which the server does not have"
            ));
        }
    }
}

/// One request of the walk: what to ask, and what each caller gets.
struct Probe {
    /// The method and path as the server lists them.
    label: String,
    method: Method,
    /// Pages are asked for as a browser asks (`Accept: text/html`), server
    /// functions as the app's own code calls them (JSON back).
    page: bool,
    path: Box<dyn Fn(&World) -> String + Send + Sync>,
    form: fn(&World) -> Form,
    expect: Expect,
}

fn probes() -> Vec<Probe> {
    let prefix = app::ssr::context::SERVER_FN_PREFIX;
    let functions = server_functions().into_iter().map(|f| {
        let path = format!("{prefix}{}", f.endpoint);
        Probe {
            label: format!("POST {path}"),
            method: Method::POST,
            page: false,
            path: Box::new(move |_| path.clone()),
            form: f.form,
            expect: f.expect,
        }
    });
    let routes = |page: bool| {
        move |r: Route| Probe {
            label: format!("{} {}", r.method, r.pattern),
            method: r.method,
            page,
            path: Box::new(move |world| fill(r.pattern, (r.params)(world))),
            form: r.body,
            expect: r.expect,
        }
    };
    functions
        .chain(pages().into_iter().map(routes(true)))
        .chain(plain_routes().into_iter().map(routes(false)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_caller_gets_the_answer_the_matrix_gives() {
    let app = spawn_app_with(|config| {
        // The walk asks for public records far more often than one address may.
        config.lookups_per_minute = 1_000_000;
    })
    .await;
    for column in 0..COLUMNS.len() {
        app.create_account(Role::Trainee, &sign_in_email(column))
            .await;
    }
    let probes = probes();
    let asks = probes.iter().flat_map(|probe| {
        COLUMNS
            .iter()
            .enumerate()
            .map(move |(column, who)| (probe, column, *who))
    });
    let mut mismatches: Vec<String> = futures::stream::iter(asks)
        .map(|(probe, column, who)| {
            let app = &app;
            async move {
                let (got, detail) = ask(app, probe, column).await;
                let expected = probe.expect[column];
                (got != expected).then(|| {
                    format!(
                        "{} as {who:?}: expected {expected:?}, got {got:?}{detail}",
                        probe.label
                    )
                })
            }
        })
        .buffer_unordered(8)
        .filter_map(|mismatch| async move { mismatch })
        .collect()
        .await;
    mismatches.sort();
    assert!(
        mismatches.is_empty(),
        "{} of {} answers differ from the matrix:\n{}",
        mismatches.len(),
        probes.len() * COLUMNS.len(),
        mismatches.join("\n")
    );
}

/// Asks `probe` as the caller of `column`, in a world made for this one
/// request: the answer, and what the server said when it did not let the
/// caller through.
async fn ask(app: &TestApp, probe: &Probe, column: usize) -> (Answer, String) {
    let world = World::new(app, column).await;
    let path = (probe.path)(&world);
    let form = (probe.form)(&world);
    let accept = if probe.page {
        "text/html"
    } else {
        "application/json"
    };
    let mut request = world
        .client(app)
        .request(probe.method.clone(), app.url(&path))
        // Every state change must say it comes from our pages.
        .header(ORIGIN_HEADER, ORIGIN)
        .header(ACCEPT, accept);
    if probe.method == Method::POST {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        request = request
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode_form(&fields));
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    if status.is_success() {
        return (Allowed, String::new());
    }
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await.unwrap_or_default();
    let to_login = location
        .as_deref()
        .is_some_and(|to| to.starts_with("/login"));
    let answer = match status.as_u16() {
        300..=399 if to_login => ToLogin,
        300..=399 => Redirect,
        401 => SignIn,
        403 => Forbidden,
        404 => NotFound,
        409 => match serde_json::from_str(&body) {
            Ok(AppError::Conflict(problem)) => Conflict(problem),
            _ => Other(409),
        },
        other => Other(other),
    };
    let body: String = body.chars().take(200).collect();
    let detail = format!(" ({status}, location {location:?}: {body}) [{path}]");
    (answer, detail)
}

// ------------------------------------------------------------ the world

static WORLDS: AtomicUsize = AtomicUsize::new(1);

/// Everything one call may touch, made afresh for each call:
///
/// - course K with class C, taught by the instructor and by the
///   administrator who taught; the trainee completed it (and holds a
///   certificate of K's type from it), a classmate is approved in it and a
///   graduate completed it without a certificate yet;
/// - class C's exam (a true/false question and an essay, two attempts): the
///   trainee's first attempt waits for the essay's grade, the second is open;
/// - class D, of another course, taught by the other instructor, where the
///   other trainee is approved;
/// - class F, where the trainee is approved (to withdraw from), and class G,
///   open to enrol, neither taught by anyone here;
/// - a set-password link for the graduate.
struct World {
    n: usize,
    /// The asking caller's session token; none for the visitor.
    session: Option<String>,
    /// An account with a password, to sign in to (one per caller, so that
    /// parallel sign-ins never meet the throttle).
    sign_in: String,
    trainee: i64,
    classmate: i64,
    graduate: i64,
    instructor: i64,
    centre: String,
    course: String,
    class: i64,
    open_class: i64,
    enrolment: i64,
    classmate_enrolment: i64,
    enrolment_elsewhere: i64,
    exam: i64,
    true_false: i64,
    essay: i64,
    submitted: i64,
    attempt: i64,
    certificate_type: i64,
    certificate: String,
    link: String,
}

impl World {
    /// A world in which the caller of `column` asks.
    async fn new(app: &TestApp, column: usize) -> World {
        let n = WORLDS.fetch_add(1, Ordering::Relaxed);
        let now = db::now();
        let state = &app.state;
        let mut tx = state.db.begin_write().await.expect("transaction");

        let mut ids = [0i64; 7];
        for (id, who) in ids.iter_mut().zip(COLUMNS).skip(1) {
            let role = match who {
                Who::Trainee | Who::OtherTrainee => Role::Trainee,
                Who::Instructor | Who::OtherInstructor => Role::Instructor,
                _ => Role::Administrator,
            };
            let email = format!("{who:?}-{n}@example.cn").to_lowercase();
            *id = person(&mut tx, role, &email, now).await;
        }
        let session = match COLUMNS[column] {
            Who::Visitor => None,
            _ => {
                let token = format!("matrix-session-{n}");
                sessions::insert(
                    &mut tx,
                    &token_hash(&token),
                    ids[column],
                    now,
                    now + 3600,
                    None,
                    None,
                )
                .await
                .expect("session");
                Some(token)
            }
        };
        let [_, trainee, other_trainee, instructor, other_instructor, _, admin_who_taught] = ids;
        let admin = ids[5];
        let classmate = person(
            &mut tx,
            Role::Trainee,
            &format!("classmate-{n}@example.cn"),
            now,
        )
        .await;
        let graduate = person(
            &mut tx,
            Role::Trainee,
            &format!("graduate-{n}@example.cn"),
            now,
        )
        .await;

        let centre = format!("CP{n}");
        let centre_id = catalogue::insert_centre(
            &mut tx,
            &catalogue::NewCentre {
                code: &centre,
                kind: CentreKind::National,
                name_zh: "国家清洁生产中心",
                name_en: "National Cleaner Production Centre",
            },
            now,
        )
        .await
        .expect("centre");
        let course = format!("K{n}");
        let (course_id, class) = class_of_new_course(&mut tx, centre_id, &course, now).await;
        let (_, other_class) = class_of_new_course(&mut tx, centre_id, &format!("L{n}"), now).await;
        let (_, class_elsewhere) =
            class_of_new_course(&mut tx, centre_id, &format!("F{n}"), now).await;
        let (_, open_class) = class_of_new_course(&mut tx, centre_id, &format!("G{n}"), now).await;
        for (class_id, teacher) in [
            (class, instructor),
            (class, admin_who_taught),
            (other_class, other_instructor),
        ] {
            catalogue::add_instructor(&mut tx, class_id, teacher)
                .await
                .expect("instructor");
        }
        let enrol = [
            (class, trainee, EnrolmentState::Completed),
            (class, classmate, EnrolmentState::Approved),
            (class, graduate, EnrolmentState::Completed),
            (other_class, other_trainee, EnrolmentState::Approved),
            (class_elsewhere, trainee, EnrolmentState::Approved),
        ];
        let mut enrolment_ids = Vec::new();
        for (class_id, trainee_id, state) in enrol {
            let id = enrolments::insert_as_is(&mut tx, class_id, trainee_id, state, "", now)
                .await
                .expect("enrolment");
            enrolment_ids.push(id);
        }

        // The trainee's certificate from class C, decided by the
        // administrator who did not teach it.
        let certificate_type = certificates::insert_type(
            &mut tx,
            &certificates::NewType {
                prefix: &course,
                name: ("清洁生产审核员", "Cleaner Production Auditor"),
                validity_months: 36,
                course_id,
                requires_exam: false,
            },
            now,
        )
        .await
        .expect("certificate type");
        let kind = certificates::certificate_type(&mut tx, certificate_type)
            .await
            .expect("certificate type")
            .expect("just made");
        let issued = certificates::issue_in(
            &mut tx,
            &kind,
            class,
            &[trainee],
            &db::china_today(),
            admin,
            None,
            now,
            &|_| {},
        )
        .await
        .expect("issue")
        .expect("the trainee is eligible");
        let certificate = issued[0].number.to_string();

        let link = format!("matrix-link-{n}");
        password_tokens::insert(
            &mut tx,
            &token_hash(&link),
            graduate,
            Some(admin),
            now,
            now + 86_400,
        )
        .await
        .expect("set-password link");
        tx.commit().await.expect("commit");

        // Class C's exam, set by its instructor.
        let question = |kind: &str, prompt: &str, answer: &str, points: i64| {
            QuestionDraft {
                kind: kind.into(),
                prompt_zh: prompt.into(),
                prompt_en: prompt.into(),
                options: String::new(),
                answer: answer.into(),
                points: points.to_string(),
                tags: String::new(),
                explanation_zh: String::new(),
                explanation_en: String::new(),
            }
            .check()
            .expect("a valid question")
        };
        let db = &state.db;
        let true_false = questions::save(
            db,
            instructor,
            course_id,
            None,
            &question("true_false", "末端治理优先。", "错", 1),
            None,
            now,
        )
        .await
        .expect("question")
        .id;
        let essay = questions::save(
            db,
            instructor,
            course_id,
            None,
            &question("essay", "论述源头削减。", "", 5),
            None,
            now,
        )
        .await
        .expect("question")
        .id;
        let exam = exams::create(
            db,
            instructor,
            class,
            exams::ExamForm {
                title_zh: "结业考试".into(),
                title_en: "Final examination".into(),
                selection: "fixed".into(),
                questions: vec![true_false, essay],
                draws: String::new(),
                time_limit_minutes: "60".into(),
                opens_at: china_time(now - 3600),
                closes_at: china_time(now + 7 * 86_400),
                attempts_allowed: "2".into(),
                counting: "highest".into(),
                pass_percent: "60".into(),
                shuffle: false,
            },
            None,
            now,
        )
        .await
        .expect("exam");
        let submitted = exams::start(db, trainee, exam, None, now)
            .await
            .expect("first attempt");
        exams::save_answer(db, trainee, submitted, essay, "从源头削减污染。", now)
            .await
            .expect("essay answered");
        exams::submit(db, trainee, submitted, now)
            .await
            .expect("submitted");
        let attempt = exams::start(db, trainee, exam, None, now)
            .await
            .expect("second attempt");

        World {
            n,
            session,
            sign_in: sign_in_email(column),
            trainee,
            classmate,
            graduate,
            instructor,
            centre,
            course,
            class,
            open_class,
            enrolment: enrolment_ids[0],
            classmate_enrolment: enrolment_ids[1],
            enrolment_elsewhere: enrolment_ids[4],
            exam,
            true_false,
            essay,
            submitted,
            attempt,
            certificate_type,
            certificate,
            link,
        }
    }

    /// The caller's browser, with their session (none for the visitor),
    /// which follows no redirects.
    fn client(&self, app: &TestApp) -> Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        if let Some(token) = &self.session {
            jar.add_cookie_str(
                &format!("{SESSION_COOKIE}={token}"),
                &app.url("/").parse().expect("url"),
            );
        }
        Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client")
    }
}

async fn person(tx: &mut sqlx::SqliteConnection, role: Role, email: &str, now: i64) -> i64 {
    users::insert(
        tx,
        &users::NewUser {
            email,
            name: email,
            password_hash: "!",
            role,
            organisation: "",
            province: None,
            industry: None,
        },
        now,
    )
    .await
    .expect("user")
}

async fn class_of_new_course(
    tx: &mut sqlx::SqliteConnection,
    centre_id: i64,
    code: &str,
    now: i64,
) -> (i64, i64) {
    let course_id = catalogue::insert_course(
        tx,
        &catalogue::NewCourse {
            code,
            centre_id,
            category: Category::AuditorTraining,
            title: ("清洁生产审核员培训", "Cleaner Production Auditor Training"),
            summary: ("", ""),
            hours: 40,
            published: true,
        },
        now,
    )
    .await
    .expect("course");
    let class_id = catalogue::insert_class(
        tx,
        &catalogue::NewClass {
            course_id,
            name: ("第1期", "Class 1"),
            starts_on: "2031-03-01",
            ends_on: "2031-03-10",
            city: ("北京", "Beijing"),
            venue: "",
            capacity: 30,
            waitlist: true,
            approval: Approval::Automatic,
            enrol_opens_at: now - 3600,
            enrol_closes_at: now + 30 * 86_400,
        },
        now,
    )
    .await
    .expect("class");
    (course_id, class_id)
}

/// `unix` as the forms write it: China time, `YYYY-MM-DDTHH:MM`.
fn china_time(unix: i64) -> String {
    let local = unix + 8 * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}
