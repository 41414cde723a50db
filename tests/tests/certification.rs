//! Certification over HTTP: administrators issue certificates for a class
//! and change them over their lifetime through the server functions; the
//! public verifies them and browses the register; holders (and only they,
//! or administrators) download their PDF.

use academy_tests::{json, spawn_app, ClassSpec, TestApp};
use app::api::certificates::{CertificateSheet, MyCertificate, PublicCertificate, RegisterPage};
use app::api::certification::{
    AdminCertificate, CertificationOverview, DecisionPage, IssueProgress, IssuedCertificate,
    TypesPage,
};
use app::domain::certificate::Shortfall;
use app::domain::enrolment::EnrolmentState;
use app::domain::Role;
use app::error::{AppError, Problem};
use app::ssr::db::{self, certificates, enrolments};
use reqwest::{Client, Response, StatusCode};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

// ---------------------------------------------------------------- helpers

/// A trainee of a class: a signed-in client, the account id and the name
/// printed on certificates.
struct Trainee {
    client: Client,
    id: i64,
    name: String,
}

/// A class whose course leads to a certificate type (prefix = the course
/// code, 36 months, no exam), an administrator who did not teach it, and
/// its trainees.
struct Class {
    class_id: i64,
    type_id: i64,
    prefix: String,
    admin: Client,
    admin_id: i64,
    trainees: Vec<Trainee>,
}

/// A trainee named `name` enrolled in `class_id` in `state`.
async fn enrol(
    app: &TestApp,
    class_id: i64,
    email: &str,
    name: &str,
    state: EnrolmentState,
) -> Trainee {
    let (client, id) = app.quick_session(Role::Trainee, email).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE users SET name = ? WHERE id = ?")
        .bind(name)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    enrolments::insert_as_is(&mut tx, class_id, id, state, "", 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Trainee {
        client,
        id,
        name: name.to_owned(),
    }
}

/// A class (course code `code`) whose trainees named `names` all completed
/// it, and a certificate type with prefix `code` for its course.
async fn completed_class(app: &TestApp, code: &str, names: &[&str]) -> Class {
    let class_id = app.seed_class(code, ClassSpec::default()).await;
    let (admin, admin_id) = app
        .quick_session(
            Role::Administrator,
            &format!("admin-{code}@example.cn").to_lowercase(),
        )
        .await;
    let mut trainees = Vec::new();
    for (n, name) in names.iter().enumerate() {
        let email = format!("t{n}-{code}@example.cn").to_lowercase();
        trainees.push(enrol(app, class_id, &email, name, EnrolmentState::Completed).await);
    }
    let mut tx = app.state.db.begin_write().await.unwrap();
    let course_id: i64 = sqlx::query_scalar("SELECT course_id FROM classes WHERE id = ?")
        .bind(class_id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let type_id = certificates::insert_type(
        &mut tx,
        &certificates::NewType {
            prefix: code,
            name: ("清洁生产审核员", "Cleaner Production Auditor"),
            validity_months: 36,
            course_id,
            requires_exam: false,
        },
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Class {
        class_id,
        type_id,
        prefix: code.to_owned(),
        admin,
        admin_id,
        trainees,
    }
}

impl Class {
    /// `admin/issue_certificates` by `by` with the `trainees` field as given.
    async fn issue_raw(&self, app: &TestApp, by: &Client, trainees: &str, on: &str) -> Response {
        app.call(
            by,
            "admin/issue_certificates",
            &[
                ("class_id", &self.class_id.to_string()),
                ("type_id", &self.type_id.to_string()),
                ("trainees", trainees),
                ("issued_on", on),
            ],
        )
        .await
    }

    /// `admin/issue_certificates` for `holders`, dated `issued_on`, by `by`.
    async fn issue_as(
        &self,
        app: &TestApp,
        by: &Client,
        holders: &[i64],
        issued_on: &str,
    ) -> Response {
        let ids = holders
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.issue_raw(app, by, &ids, issued_on).await
    }

    /// Issues to `holders` as the class's administrator; must succeed.
    async fn issue(
        &self,
        app: &TestApp,
        holders: &[i64],
        issued_on: &str,
    ) -> Vec<IssuedCertificate> {
        let response = self.issue_as(app, &self.admin, holders, issued_on).await;
        assert_eq!(response.status(), StatusCode::OK, "issue to {holders:?}");
        json(response).await
    }

    /// Issues to every trainee today; their numbers in trainee order.
    async fn issue_all_today(&self, app: &TestApp) -> Vec<String> {
        let ids: Vec<i64> = self.trainees.iter().map(|t| t.id).collect();
        self.issue(app, &ids, &db::china_today())
            .await
            .into_iter()
            .map(|i| i.number)
            .collect()
    }

    async fn candidates(&self, app: &TestApp) -> DecisionPage {
        let response = app
            .call(
                &self.admin,
                "admin/candidates",
                &[("class_id", &self.class_id.to_string())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        json(response).await
    }

    /// Applies a change that must succeed; the new number of a renewal or
    /// a correction.
    async fn apply(
        &self,
        app: &TestApp,
        number: &str,
        change: &str,
        fields: &[(&str, &str)],
    ) -> Option<String> {
        let response = self.change(app, number, change, fields).await;
        assert_eq!(response.status(), StatusCode::OK, "{change} {number}");
        json(response).await
    }

    /// `admin/change_certificate` of `number` with `change` and `fields`.
    async fn change(
        &self,
        app: &TestApp,
        number: &str,
        change: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let mut form = vec![("number", number), ("change", change)];
        form.extend_from_slice(fields);
        app.call(&self.admin, "admin/change_certificate", &form)
            .await
    }
}

/// The error a refused call answered with.
async fn error(response: Response) -> AppError {
    json::<AppError>(response).await
}

/// Asserts a 422 naming `field` and returns its problem.
async fn field_error(response: Response, field: &str) -> Problem {
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "field {field}"
    );
    let error = error(response).await;
    error
        .field_problem(field)
        .unwrap_or_else(|| panic!("no problem with {field}: {error:?}"))
}

/// The public record of `number`, looked up by a visitor; it must exist.
async fn verify(app: &TestApp, number: &str) -> PublicCertificate {
    let response = app
        .call(&app.client(), "verify", &[("number", number)])
        .await;
    assert_eq!(response.status(), StatusCode::OK, "verify {number}");
    json::<Option<PublicCertificate>>(response)
        .await
        .unwrap_or_else(|| panic!("{number} not found"))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap()
}

/// Runs a command-line tool from Debian package `package`, which must be
/// installed and must succeed.
fn run(tool: &str, package: &str, args: &[&str]) -> Output {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install the Debian package `{package}`")
    });
    assert!(
        output.status.success(),
        "`{tool} {}` failed ({}): {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn an_administrator_issues_consecutive_numbers_to_eligible_trainees_only() {
    let app = spawn_app().await;
    let class = completed_class(&app, "CPA", &["王小明", "李晓梅", "张伟"]).await;
    let absent = enrol(
        &app,
        class.class_id,
        "absent@example.cn",
        "刘洋",
        EnrolmentState::Approved,
    )
    .await;
    let completed: Vec<i64> = class.trainees.iter().map(|t| t.id).collect();

    // Before: the three who completed are eligible, the fourth is not.
    let before = class.candidates(&app).await;
    assert_eq!(before.type_id, Some(class.type_id));
    assert!(!before.taught_by_me);
    assert_eq!(before.candidates.len(), 4);
    for candidate in &before.candidates {
        if candidate.trainee_id == absent.id {
            assert!(!candidate.completed);
            assert_eq!(candidate.shortfalls, vec![Shortfall::NotCompleted]);
        } else {
            assert!(completed.contains(&candidate.trainee_id));
            assert!(candidate.completed, "{candidate:?}");
            assert!(candidate.shortfalls.is_empty(), "{candidate:?}");
            assert_eq!(candidate.certificate, None);
            assert_eq!(candidate.passed_exam, None, "no exam required");
        }
    }

    // One ineligible trainee among those chosen: nothing is issued.
    let today = db::china_today();
    let refused = class
        .issue_as(&app, &class.admin, &[completed[0], absent.id], &today)
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        error(refused).await,
        AppError::Conflict(Problem::NotEligible { count: 1 })
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificate_sequences").await,
        0,
        "no number was taken"
    );
    assert_eq!(class.candidates(&app).await.candidates, before.candidates);

    // No one chosen, or no real date: the form says which field.
    for nobody in ["", " , "] {
        let response = class.issue_raw(&app, &class.admin, nobody, &today).await;
        assert_eq!(
            field_error(response, "trainees").await,
            Problem::NoCandidatesChosen
        );
    }
    for bad in ["2025-02-30", "next tuesday", "2025/06/01"] {
        let response = class.issue_as(&app, &class.admin, &completed, bad).await;
        assert_eq!(
            field_error(response, "issued_on").await,
            Problem::DateInvalid,
            "{bad}"
        );
    }
    let response = class.issue_as(&app, &class.admin, &completed, " ").await;
    assert_eq!(field_error(response, "issued_on").await, Problem::Required);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, 0);

    // The three who completed: consecutive numbers, in the order chosen.
    let issued = class.issue(&app, &completed, &today).await;
    let (prefix, year) = (&class.prefix, &today[..4]);
    assert_eq!(
        issued,
        vec![
            IssuedCertificate {
                name: "王小明".into(),
                number: format!("{prefix}-{year}-00001"),
            },
            IssuedCertificate {
                name: "李晓梅".into(),
                number: format!("{prefix}-{year}-00002"),
            },
            IssuedCertificate {
                name: "张伟".into(),
                number: format!("{prefix}-{year}-00003"),
            },
        ]
    );

    // After: each holds their number and is "already certified".
    let after = class.candidates(&app).await;
    for candidate in &after.candidates {
        if candidate.trainee_id == absent.id {
            assert_eq!(candidate.certificate, None);
            assert_eq!(candidate.shortfalls, vec![Shortfall::NotCompleted]);
        } else {
            let at = completed
                .iter()
                .position(|&id| id == candidate.trainee_id)
                .unwrap();
            assert_eq!(candidate.certificate.as_deref(), Some(&*issued[at].number));
            assert_eq!(candidate.shortfalls, vec![Shortfall::AlreadyCertified]);
        }
    }
    // A second issue to someone already certified from the class is refused.
    let again = class
        .issue_as(&app, &class.admin, &completed[..1], &today)
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, 3);

    // No bulk issue is running any more; the overview counts the class.
    let progress = app
        .call(
            &class.admin,
            "admin/issue_progress",
            &[("class_id", &class.class_id.to_string())],
        )
        .await;
    assert_eq!(progress.status(), StatusCode::OK);
    assert_eq!(json::<Option<IssueProgress>>(progress).await, None);
    let overview: CertificationOverview =
        json(app.call(&class.admin, "admin/certification", &[]).await).await;
    let listed = overview
        .classes
        .iter()
        .find(|c| c.class_id == class.class_id)
        .expect("the class is listed");
    assert_eq!((listed.completed, listed.certified), (3, 3));
    assert!(!listed.taught_by_me);

    // The administrators' view of one: who decided, and its history.
    let response = app
        .call(
            &class.admin,
            "admin/certificate",
            &[("number", &issued[1].number)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let record: AdminCertificate = json(response).await;
    assert_eq!(record.public.holder_name, "李晓梅");
    assert_eq!(record.public.status, "valid");
    assert_eq!(record.holder_email, "t1-cpa@example.cn");
    assert_eq!(record.class_id, Some(class.class_id));
    assert_eq!(record.decided_by.as_deref(), Some("admin-cpa@example.cn"));
    assert_eq!(
        record
            .history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["issued"]
    );
    assert_eq!(
        record.allowed,
        ["suspend", "revoke", "renew", "correct"],
        "a valid certificate may not be reinstated"
    );
}

#[tokio::test]
async fn only_an_administrator_who_did_not_teach_the_class_may_decide() {
    let app = spawn_app().await;
    let class = completed_class(&app, "ISO", &["王小明"]).await;
    let today = db::china_today();
    let number = class.issue_all_today(&app).await.remove(0);
    let holder = class.trainees[0].id.to_string();
    let (teacher, teacher_id) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    app.assign_instructor(class.class_id, teacher_id).await;

    let class_id = class.class_id.to_string();
    let type_id = class.type_id.to_string();
    let course = class.prefix.clone();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "admin/issue_certificates",
            vec![
                ("class_id", &class_id),
                ("type_id", &type_id),
                ("trainees", &holder),
                ("issued_on", &today),
            ],
        ),
        ("admin/candidates", vec![("class_id", &class_id)]),
        (
            "admin/change_certificate",
            vec![
                ("number", &number),
                ("change", "revoke"),
                ("reason", "伪造材料"),
            ],
        ),
        (
            "admin/save_certificate_type",
            vec![
                ("prefix", "NEW"),
                ("name_zh", "新证书"),
                ("name_en", "New certificate"),
                ("validity_months", "12"),
                ("course", &course),
            ],
        ),
        ("admin/certificate_types", vec![]),
        ("admin/certification", vec![]),
        ("admin/issue_progress", vec![("class_id", &class_id)]),
        ("admin/certificate", vec![("number", &number)]),
    ];
    let trainee = &class.trainees[0].client;
    for (endpoint, form) in &calls {
        let response = app.call(trainee, endpoint, form).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "trainee: {endpoint}"
        );
        assert_eq!(error(response).await, AppError::Forbidden);
        let response = app.call(&teacher, endpoint, form).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "instructor: {endpoint}"
        );
        let response = app.call(&app.client(), endpoint, form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "visitor: {endpoint}"
        );
        assert_eq!(error(response).await, AppError::Unauthorized);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificate_types").await,
        1
    );
    assert_eq!(verify(&app, &number).await.status, "valid");

    // An administrator who taught the class may look but not decide.
    let second = enrol(
        &app,
        class.class_id,
        "second@example.cn",
        "李晓梅",
        EnrolmentState::Completed,
    )
    .await;
    let (taught, taught_id) = app
        .quick_session(Role::Administrator, "taught@example.cn")
        .await;
    app.assign_instructor(class.class_id, taught_id).await;
    let response = class.issue_as(&app, &taught, &[second.id], &today).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        error(response).await,
        AppError::Conflict(Problem::DeciderTaughtClass)
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, 1);
    let deciders: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT actor_id FROM audit_events WHERE action = 'issue_certificates'")
            .fetch_all(&app.state.db.reader)
            .await
            .unwrap();
    assert_eq!(
        deciders,
        [Some(class.admin_id)],
        "only the first, allowed issue is in the audit log"
    );
    let page: DecisionPage = json(
        app.call(&taught, "admin/candidates", &[("class_id", &class_id)])
            .await,
    )
    .await;
    assert!(page.taught_by_me);
    let overview: CertificationOverview =
        json(app.call(&taught, "admin/certification", &[]).await).await;
    assert!(overview
        .classes
        .iter()
        .any(|c| c.class_id == class.class_id && c.taught_by_me));

    // Another administrator may.
    let issued = class.issue(&app, &[second.id], &today).await;
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].name, "李晓梅");
}

#[tokio::test]
async fn a_certificate_pdf_is_for_its_holder_and_administrators_only() {
    let app = spawn_app().await;
    let class = completed_class(&app, "PDF", &["王小明", "李晓梅"]).await;
    let numbers = class.issue_all_today(&app).await;
    let (mine, theirs) = (&numbers[0], &numbers[1]);
    let holder = &class.trainees[0];
    let pdf = |client: &Client, number: &str| {
        client
            .get(app.url(&format!("/certificates/{number}/pdf")))
            .send()
    };

    // Another trainee's certificate does not exist for them.
    let response = pdf(&holder.client, theirs).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app
        .call(&holder.client, "certificate_sheet", &[("number", theirs)])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error(response).await, AppError::NotFound);
    // Nor does a number never issued, or a malformed one.
    for missing in ["PDF-2000-09999", "nonsense"] {
        let response = pdf(&holder.client, missing).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    // Visitors must sign in first: the link leads to the sign-in page and
    // back to the certificate, never to a file holding an error.
    let response = pdf(&app.client(), mine).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/login?next=/certificates/{mine}").as_str()
    );
    let response = app
        .call(&app.client(), "certificate_sheet", &[("number", mine)])
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The holder's own sheet and PDF.
    let verify_url = format!("{}/verify/{mine}", app.state.issuer.public_url);
    let response = app
        .call(&holder.client, "certificate_sheet", &[("number", mine)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let sheet: CertificateSheet = json(response).await;
    assert_eq!(sheet.verify_url, verify_url);
    assert_eq!(sheet.certificate.holder_name, holder.name);
    assert!(sheet.qr_svg.contains("<svg"), "{}", sheet.qr_svg);

    let response = pdf(&holder.client, mine).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");

    // An administrator may download anyone's.
    let response = pdf(&class.admin, theirs).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));
    let response = app
        .call(&class.admin, "certificate_sheet", &[("number", theirs)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // What is in the file: the name and number as text, an embedded font
    // subset, and a QR code that opens the public record.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let text = run(
        "pdftotext",
        "poppler-utils",
        &["-enc", "UTF-8", path(&file), "-"],
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("王小明"),
        "holder's name not in the text: {text}"
    );
    assert!(
        text.contains(mine.as_str()),
        "number not in the text: {text}"
    );

    let fonts = run("pdffonts", "poppler-utils", &[path(&file)]);
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    assert!(
        fonts.lines().skip(2).any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.first().is_some_and(|name| name.contains('+'))
                && words.windows(2).any(|w| w == ["yes", "yes"])
        }),
        "no embedded subset font:\n{fonts}"
    );

    let image = dir.path().join("page");
    run(
        "pdftoppm",
        "poppler-utils",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-singlefile",
            path(&file),
            path(&image),
        ],
    );
    let png = dir.path().join("page.png");
    assert!(png.exists(), "pdftoppm wrote no page.png");
    let decoded = run("zbarimg", "zbar-tools", &["--raw", "-q", path(&png)]);
    assert_eq!(
        String::from_utf8(decoded.stdout).unwrap().trim(),
        verify_url,
        "the QR code opens the public record"
    );
}

#[tokio::test]
async fn suspension_reinstatement_renewal_correction_and_final_revocation() {
    let app = spawn_app().await;
    let class = completed_class(&app, "LIFE", &["王小明"]).await;
    let number = class.issue_all_today(&app).await.remove(0);
    let year = db::china_today()[..4].to_owned();
    assert_eq!(number, format!("LIFE-{year}-00001"));

    // A suspension needs a reason, and cannot end in the past.
    let response = class
        .change(&app, &number, "suspend", &[("reason", "  ")])
        .await;
    assert_eq!(field_error(response, "reason").await, Problem::Required);
    let response = class
        .change(
            &app,
            &number,
            "suspend",
            &[("reason", "审核报告抽查不合格"), ("until", "2000-01-01")],
        )
        .await;
    assert_eq!(field_error(response, "until").await, Problem::DateInPast);
    let response = class
        .change(
            &app,
            &number,
            "suspend",
            &[("reason", "审核报告抽查不合格"), ("until", "2000-02-30")],
        )
        .await;
    assert_eq!(field_error(response, "until").await, Problem::DateInvalid);
    assert_eq!(verify(&app, &number).await.status, "valid");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificate_events").await,
        1,
        "refused changes write nothing"
    );

    // Suspend, then reinstate.
    let none = class
        .apply(
            &app,
            &number,
            "suspend",
            &[("reason", "审核报告抽查不合格"), ("until", "2099-12-31")],
        )
        .await;
    assert_eq!(none, None);
    let public = verify(&app, &number).await;
    assert_eq!(public.status, "suspended");
    assert_eq!(public.suspended_until.as_deref(), Some("2099-12-31"));
    assert_eq!(public.history[1].action, "suspended");
    assert_eq!(public.history[1].reason, "审核报告抽查不合格");
    // A suspended certificate cannot be renewed.
    let response = class
        .change(&app, &number, "renew", &[("reason", "到期")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    class
        .apply(&app, &number, "reinstate", &[("reason", "复查合格")])
        .await;
    let public = verify(&app, &number).await;
    assert_eq!(public.status, "valid");
    assert_eq!(public.suspended_until, None);

    // Renew: a new record linked both ways.
    let renewal = class
        .apply(&app, &number, "renew", &[("reason", "继续教育合格")])
        .await
        .expect("a renewal makes a new number");
    assert_eq!(renewal, format!("LIFE-{year}-00002"));
    let new = verify(&app, &renewal).await;
    assert_eq!(new.renews.as_deref(), Some(&*number));
    assert_eq!(new.status, "valid");
    assert_eq!(new.holder_name, "王小明");
    let old = verify(&app, &number).await;
    assert_eq!(old.renewed_by.as_deref(), Some(&*renewal));

    // Correct the name: the old record is superseded and points onward.
    let response = class
        .change(&app, &renewal, "correct", &[("reason", "姓名有误")])
        .await;
    assert_eq!(
        field_error(response, "corrected_name").await,
        Problem::Required
    );
    let corrected = class
        .apply(
            &app,
            &renewal,
            "correct",
            &[("reason", "姓名有误"), ("corrected_name", "王晓明")],
        )
        .await
        .expect("a correction makes a new number");
    assert_eq!(corrected, format!("LIFE-{year}-00003"));
    let old = verify(&app, &renewal).await;
    assert_eq!(old.status, "superseded");
    assert_eq!(old.superseded_by.as_deref(), Some(&*corrected));
    assert_eq!(old.holder_name, "王小明");
    let new = verify(&app, &corrected).await;
    assert_eq!(new.status, "valid");
    assert_eq!(new.holder_name, "王晓明");
    // A superseded record is history.
    let response = class
        .change(&app, &renewal, "revoke", &[("reason", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    // Revoke: final.
    class
        .apply(&app, &corrected, "revoke", &[("reason", "伪造培训记录")])
        .await;
    assert_eq!(verify(&app, &corrected).await.status, "revoked");
    let events = count(&app, "SELECT COUNT(*) FROM certificate_events").await;
    for (change, extra) in [
        ("suspend", None),
        ("reinstate", None),
        ("revoke", None),
        ("renew", None),
        ("correct", Some(("corrected_name", "王晓明"))),
    ] {
        let mut fields = vec![("reason", "再次申请")];
        fields.extend(extra);
        let response = class.change(&app, &corrected, change, &fields).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{change}");
        assert_eq!(
            error(response).await,
            AppError::Conflict(Problem::CertificateChangeNotAllowed)
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificate_events").await,
        events
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM certificates").await, 3);
    let record: AdminCertificate = json(
        app.call(&class.admin, "admin/certificate", &[("number", &corrected)])
            .await,
    )
    .await;
    assert!(record.allowed.is_empty(), "{:?}", record.allowed);
    assert_eq!(
        record
            .history
            .iter()
            .map(|h| (h.action.as_str(), h.actor.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("issued", Some("admin-life@example.cn")),
            ("revoked", Some("admin-life@example.cn"))
        ]
    );

    // Unknown changes and numbers.
    let response = class
        .change(&app, &number, "destroy", &[("reason", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = class
        .change(&app, "LIFE-2000-09999", "revoke", &[("reason", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_auditor_register_lists_only_certificates_in_force_and_nothing_private() {
    let app = spawn_app().await;
    let class = completed_class(&app, "REG", &["王小明", "李晓梅", "张伟", "赵敏", "陈静"]).await;
    let ids: Vec<i64> = class.trainees.iter().map(|t| t.id).collect();
    let today = db::china_today();
    let numbers: Vec<String> = class
        .issue(&app, &ids[..4], &today)
        .await
        .into_iter()
        .map(|i| i.number)
        .collect();
    // Issued long ago: expired.
    let expired = class.issue(&app, &ids[4..], "2000-05-21").await.remove(0);
    assert_eq!(expired.number, "REG-2000-00001");
    assert_eq!(verify(&app, &expired.number).await.status, "expired");

    let ok = |response: Response| {
        assert_eq!(response.status(), StatusCode::OK);
        response
    };
    ok(class
        .change(&app, &numbers[1], "revoke", &[("reason", "伪造材料")])
        .await);
    ok(class
        .change(&app, &numbers[2], "suspend", &[("reason", "抽查")])
        .await);
    let corrected: Option<String> = json(ok(class
        .change(
            &app,
            &numbers[3],
            "correct",
            &[("reason", "姓名有误"), ("corrected_name", "赵慧敏")],
        )
        .await))
    .await;
    let corrected = corrected.unwrap();

    let visitor = app.client();
    let register = |query: String| {
        let visitor = visitor.clone();
        let app = &app;
        async move {
            let response = app
                .call(&visitor, "auditors", &[("query", &query), ("page", "1")])
                .await;
            assert_eq!(response.status(), StatusCode::OK, "query {query:?}");
            let text = response.text().await.unwrap();
            let page: RegisterPage = serde_json::from_str(&text).unwrap();
            (page, text)
        }
    };
    let listed = |page: &RegisterPage| {
        page.entries
            .iter()
            .map(|e| (e.holder_name.clone(), e.number.clone()))
            .collect::<Vec<_>>()
    };

    // In force: the valid one and the corrected record; not the revoked,
    // suspended, expired or superseded ones.
    let (all, text) = register(String::new()).await;
    let mut expected = vec![
        ("王小明".to_owned(), numbers[0].clone()),
        ("赵慧敏".to_owned(), corrected.clone()),
    ];
    expected.sort();
    let mut got = listed(&all);
    got.sort();
    assert_eq!(got, expected);
    assert_eq!((all.total, all.page, all.per_page), (2, 1, 25));
    let entry = &all.entries.iter().find(|e| e.number == numbers[0]).unwrap();
    assert_eq!(entry.type_name.zh, "清洁生产审核员");
    assert_eq!(entry.centre_name.en, "National Cleaner Production Centre");

    // Nothing private: exactly these fields, and no email anywhere.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys = |v: &serde_json::Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<String>>()
    };
    assert_eq!(
        keys(&value),
        BTreeSet::from(["entries", "page", "per_page", "total"].map(String::from))
    );
    for entry in value["entries"].as_array().unwrap() {
        assert_eq!(
            keys(entry),
            BTreeSet::from(
                [
                    "centre_name",
                    "expires_on",
                    "holder_name",
                    "number",
                    "type_name"
                ]
                .map(String::from)
            )
        );
    }
    assert!(!text.contains('@'), "an email in the register: {text}");
    assert!(!text.contains("example.cn"), "{text}");

    // By part of a name.
    let (found, _) = register("小明".into()).await;
    assert_eq!(listed(&found), [("王小明".to_owned(), numbers[0].clone())]);
    assert_eq!(found.total, 1);
    let (found, _) = register("慧敏".into()).await;
    assert_eq!(listed(&found), [("赵慧敏".to_owned(), corrected.clone())]);
    // The revoked, suspended and expired holders are not found by name.
    for name in ["李晓梅", "张伟", "陈静", "赵敏"] {
        let (found, _) = register(name.into()).await;
        assert_eq!(found.total, 0, "{name}: {:?}", listed(&found));
    }
    // By a lower-case number prefix.
    let full = numbers[0].to_lowercase();
    let (found, _) = register(full[..full.len() - 1].to_owned()).await;
    assert_eq!(found.total, 2, "{:?}", listed(&found));
    let (found, _) = register(full.clone()).await;
    assert_eq!(listed(&found), [("王小明".to_owned(), numbers[0].clone())]);
    let (found, _) = register("reg-2000".into()).await;
    assert_eq!(found.total, 0, "the expired one: {:?}", listed(&found));
    // Wildcards are taken literally.
    let (found, _) = register("%".into()).await;
    assert_eq!(found.total, 0);
}

#[tokio::test]
async fn a_trainee_sees_only_their_own_certificates() {
    let app = spawn_app().await;
    let class = completed_class(&app, "MINE", &["王小明", "李晓梅"]).await;
    let numbers = class.issue_all_today(&app).await;
    let (other_class_trainee, _) = app.quick_session(Role::Trainee, "nothing@example.cn").await;

    let mine: Vec<MyCertificate> = json(
        app.call(&class.trainees[0].client, "me/certificates", &[])
            .await,
    )
    .await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].number, numbers[0]);
    assert_eq!(mine[0].status, "valid");
    assert_eq!(mine[0].type_name.zh, "清洁生产审核员");
    let theirs: Vec<MyCertificate> = json(
        app.call(&class.trainees[1].client, "me/certificates", &[])
            .await,
    )
    .await;
    assert_eq!(
        theirs.iter().map(|c| &c.number).collect::<Vec<_>>(),
        [&numbers[1]]
    );
    let none: Vec<MyCertificate> =
        json(app.call(&other_class_trainee, "me/certificates", &[]).await).await;
    assert!(none.is_empty());
    // The administrator holds none of them.
    let admins: Vec<MyCertificate> =
        json(app.call(&class.admin, "me/certificates", &[]).await).await;
    assert!(admins.is_empty());
    // /me's single call shows the same, each trainee only their own; an
    // administrator's page has no trainee sections.
    for (trainee, number) in class.trainees.iter().zip(&numbers) {
        let page: app::api::users::MyAccount =
            json(app.call(&trainee.client, "users/my_page", &[]).await).await;
        let record = page.trainee.expect("a trainee's page");
        assert_eq!(
            record
                .certificates
                .iter()
                .map(|c| &c.number)
                .collect::<Vec<_>>(),
            [number]
        );
        assert_eq!(record.enrolments.len(), 1);
    }
    let page: app::api::users::MyAccount =
        json(app.call(&other_class_trainee, "users/my_page", &[]).await).await;
    assert!(page
        .trainee
        .expect("a trainee's page")
        .certificates
        .is_empty());
    let page: app::api::users::MyAccount =
        json(app.call(&class.admin, "users/my_page", &[]).await).await;
    assert!(page.trainee.is_none());

    // A renewal is the holder's too: newest first, with the status today.
    let renewal = class
        .apply(&app, &numbers[0], "renew", &[("reason", "继续教育合格")])
        .await
        .unwrap();
    class
        .apply(&app, &numbers[1], "revoke", &[("reason", "伪造材料")])
        .await;
    let mine: Vec<MyCertificate> = json(
        app.call(&class.trainees[0].client, "me/certificates", &[])
            .await,
    )
    .await;
    assert_eq!(
        mine.iter()
            .map(|c| (c.number.as_str(), c.status.as_str()))
            .collect::<Vec<_>>(),
        [(renewal.as_str(), "valid"), (numbers[0].as_str(), "valid")]
    );
    let theirs: Vec<MyCertificate> = json(
        app.call(&class.trainees[1].client, "me/certificates", &[])
            .await,
    )
    .await;
    assert_eq!(
        theirs
            .iter()
            .map(|c| (c.number.as_str(), c.status.as_str()))
            .collect::<Vec<_>>(),
        [(numbers[1].as_str(), "revoked")]
    );

    let response = app.call(&app.client(), "me/certificates", &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn public_lookups_are_limited_to_sixty_a_minute_per_address() {
    let app = spawn_app().await;
    let class = completed_class(&app, "RATE", &["王小明"]).await;
    let number = class.issue_all_today(&app).await.remove(0);

    // Start early in a minute so that all 61 calls fall within it.
    let seconds = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    if seconds() % 60 > 50 {
        tokio::time::sleep(std::time::Duration::from_secs(61 - seconds() % 60)).await;
    }
    let minute = seconds() / 60;
    let client = app.client();
    for call in 1..=60 {
        let response = app.call(&client, "verify", &[("number", &number)]).await;
        assert_eq!(response.status(), StatusCode::OK, "call {call}");
    }
    let response = app.call(&client, "verify", &[("number", &number)]).await;
    assert_eq!(
        seconds() / 60,
        minute,
        "the calls took too long to fall in one minute"
    );
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    match error(response).await {
        AppError::Throttled { retry_after_secs } => assert_eq!(retry_after_secs, wait),
        other => panic!("expected a throttle, got {other:?}"),
    }

    // Per address, not per client: a fresh client from the same address
    // waits too, and so does the register, which shares the limit.
    let response = app
        .call(&app.client(), "verify", &[("number", &number)])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let response = app
        .call(&client, "auditors", &[("query", ""), ("page", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another address is unaffected.
    let elsewhere = Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let response = app.call(&elsewhere, "verify", &[("number", &number)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Administrators' and holders' own calls are not lookups.
    let response = app
        .call(&class.admin, "admin/certificate", &[("number", &number)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn certificate_types_are_checked_and_a_prefix_is_fixed_once_used() {
    let app = spawn_app().await;
    let class = completed_class(&app, "CPA", &["王小明"]).await;
    let save = |fields: Vec<(&'static str, String)>| {
        let admin = class.admin.clone();
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&admin, "admin/save_certificate_type", &form).await
        }
    };
    let form = |id: Option<i64>, prefix: &str| {
        let mut fields = vec![
            ("prefix", prefix.to_owned()),
            ("name_zh", "环境影响评价师".to_owned()),
            ("name_en", "Environmental Impact Assessor".to_owned()),
            ("validity_months", "24".to_owned()),
            ("course", "cpa".to_owned()),
            ("requires_exam", "true".to_owned()),
        ];
        if let Some(id) = id {
            fields.push(("id", id.to_string()));
        }
        fields
    };

    // A prefix is 2–10 capital letters and digits, starting with a letter.
    for bad in ["C", "C-P", "1AB", "ABCDEFGHIJK", "环境", ""] {
        let problem = field_error(save(form(None, bad)).await, "prefix").await;
        assert!(
            matches!(problem, Problem::PrefixInvalid | Problem::Required),
            "{bad:?}: {problem:?}"
        );
    }
    // Other fields are checked at the same time.
    let mut bad = form(None, "EIA");
    bad.retain(|(k, _)| *k != "course");
    bad.push(("course", "NOPE".into()));
    bad.retain(|(k, _)| *k != "validity_months");
    bad.push(("validity_months", "0".into()));
    let response = save(bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problems = error(response).await;
    assert_eq!(problems.field_problem("course"), Some(Problem::NotInList));
    assert!(problems.field_problem("validity_months").is_some());
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificate_types").await,
        1
    );

    // A valid type (the prefix in any case) appears in the list.
    let response = save(form(None, "eia")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let eia: i64 = json(response).await;
    let page: TypesPage = json(app.call(&class.admin, "admin/certificate_types", &[]).await).await;
    let saved = page
        .types
        .iter()
        .find(|t| t.id == eia)
        .expect("the new type is listed");
    assert_eq!(saved.prefix, "EIA");
    assert_eq!(saved.name.zh, "环境影响评价师");
    assert_eq!(saved.validity_months, 24);
    assert_eq!(saved.course_code, "CPA");
    assert!(saved.requires_exam);
    assert_eq!(saved.issued, 0);
    assert!(page.courses.iter().any(|c| c.code == "CPA"));

    // Prefixes are unique.
    for taken in ["EIA", "cpa"] {
        assert_eq!(
            field_error(save(form(None, taken)).await, "prefix").await,
            Problem::PrefixTaken,
            "{taken}"
        );
    }
    assert_eq!(
        field_error(save(form(Some(eia), "CPA")).await, "prefix").await,
        Problem::PrefixTaken
    );

    // Unused, a prefix may change; once a number was issued, it may not,
    // though the rest of the type may.
    let response = save(form(Some(eia), "EIA2")).await;
    assert_eq!(response.status(), StatusCode::OK);
    class.issue_all_today(&app).await;
    let mut renamed = form(Some(class.type_id), "AUD");
    renamed.retain(|(k, _)| *k != "requires_exam");
    assert_eq!(
        field_error(save(renamed.clone()).await, "prefix").await,
        Problem::PrefixFixed
    );
    renamed.retain(|(k, _)| *k != "prefix");
    renamed.push(("prefix", "cpa".into()));
    let response = save(renamed).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json::<i64>(response).await, class.type_id);
    let page: TypesPage = json(app.call(&class.admin, "admin/certificate_types", &[]).await).await;
    let prefixes: Vec<(&str, i64, &str)> = page
        .types
        .iter()
        .map(|t| (t.prefix.as_str(), t.issued, t.name.zh.as_str()))
        .collect();
    assert_eq!(
        prefixes,
        [("CPA", 1, "环境影响评价师"), ("EIA2", 0, "环境影响评价师")]
    );
    assert_eq!(class.prefix, "CPA");
}

/// Correcting the name on a suspended certificate does not lift the
/// suspension: the corrected record is suspended too, until the same day,
/// and stays out of the register.
#[tokio::test]
async fn correcting_a_suspended_certificate_keeps_it_suspended() {
    let app = spawn_app().await;
    let class = completed_class(&app, "SUS", &["王小明"]).await;
    let number = class.issue_all_today(&app).await.remove(0);
    class
        .apply(
            &app,
            &number,
            "suspend",
            &[("reason", "审核报告抽查不合格"), ("until", "2099-12-31")],
        )
        .await;
    let corrected = class
        .apply(
            &app,
            &number,
            "correct",
            &[("reason", "姓名有误"), ("corrected_name", "王晓明")],
        )
        .await
        .unwrap();
    assert_eq!(verify(&app, &number).await.status, "superseded");

    let register: RegisterPage = json(
        app.call(&app.client(), "auditors", &[("query", ""), ("page", "1")])
            .await,
    )
    .await;
    let new = verify(&app, &corrected).await;
    assert_eq!(
        (new.status.as_str(), new.suspended_until.as_deref()),
        ("suspended", Some("2099-12-31")),
        "a name correction must not lift the suspension of {number}"
    );
    assert_eq!(register.total, 0, "the suspended holder is not in force");
}

/// A certificate is renewed once: the next period renews the renewal, so
/// a second renewal of the same record is refused and burns no number.
#[tokio::test]
async fn a_certificate_is_renewed_only_once() {
    let app = spawn_app().await;
    let class = completed_class(&app, "REN", &["王小明"]).await;
    let number = class.issue_all_today(&app).await.remove(0);
    let renew = || class.change(&app, &number, "renew", &[("reason", "继续教育合格")]);
    let first = renew().await;
    assert_eq!(first.status(), StatusCode::OK);
    let first = json::<Option<String>>(first).await.unwrap();
    let again = renew().await;
    let status = again.status();
    let body = again.text().await.unwrap();
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM certificates").await,
        2,
        "a second renewal of {number} made another record: {body}"
    );
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        verify(&app, &number).await.renewed_by.as_deref(),
        Some(&*first)
    );
}

/// The findings of the review of this feature, one test each: a revoked
/// holder is not eligible again, dates of issue and renewal cannot lie in
/// the future, an early renewal keeps the remaining days and lists the
/// holder once, a correction keeps the renewal chain, a revoked
/// certificate gets no fresh credential, and a far page of the register
/// is simply empty.
#[tokio::test]
async fn revocation_is_final_dates_are_honest_and_chains_hold() {
    let app = spawn_app().await;
    let class = completed_class(&app, "FIN", &["王小明", "李小红"]).await;
    let today = db::china_today();

    // No certificate dated in the future.
    let tomorrow = {
        let (_, days) = app::domain::catalogue::parse_date(&today).unwrap();
        let d = time::Date::from_julian_day((days + 1 + 2_440_588) as i32).unwrap();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    };
    let ids: Vec<i64> = class.trainees.iter().map(|t| t.id).collect();
    let response = class.issue_as(&app, &class.admin, &ids, &tomorrow).await;
    assert_eq!(
        field_error(response, "issued_on").await,
        Problem::DateInFuture
    );
    let numbers = class.issue_all_today(&app).await;
    let (first, second) = (numbers[0].clone(), numbers[1].clone());

    // Revoked is final: the holder cannot be certified again from the class.
    class
        .apply(&app, &first, "revoke", &[("reason", "弄虚作假")])
        .await;
    let page = class.candidates(&app).await;
    let revoked = page
        .candidates
        .iter()
        .find(|c| c.trainee_id == class.trainees[0].id)
        .unwrap();
    assert_eq!(revoked.certificate.as_deref(), Some(&*first));
    assert!(!revoked.shortfalls.is_empty());
    let response = class
        .issue_as(&app, &class.admin, &[class.trainees[0].id], &today)
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    // ...and gets no fresh signed credential.
    let response = app
        .client()
        .get(app.url(&format!("/api/v1/certificates/{first}/credential")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::GONE);

    // Renewing early: not from the future, and no day of the old validity
    // lost; the register lists the holder once, with the renewal.
    let response = class
        .change(
            &app,
            &second,
            "renew",
            &[("reason", "继续教育合格"), ("renewed_on", &tomorrow)],
        )
        .await;
    assert_eq!(
        field_error(response, "renewed_on").await,
        Problem::DateInFuture
    );
    let old = verify(&app, &second).await;
    let renewal = class
        .apply(&app, &second, "renew", &[("reason", "继续教育合格")])
        .await
        .unwrap();
    let new = verify(&app, &renewal).await;
    assert_eq!(
        Some(new.expires_on.clone()),
        app::domain::certificate::continued_expiry(&old.expires_on, 36)
    );
    let register: RegisterPage = json(
        app.call(
            &app.client(),
            "auditors",
            &[("query", "李小红"), ("page", "1")],
        )
        .await,
    )
    .await;
    let listed: Vec<&str> = register.entries.iter().map(|e| e.number.as_str()).collect();
    assert_eq!(listed, [renewal.as_str()]);

    // Correcting the renewed record keeps the chain: the renewal now
    // continues the corrected one, which cannot be renewed a second time.
    let corrected = class
        .apply(
            &app,
            &second,
            "correct",
            &[("reason", "姓名有误"), ("corrected_name", "李晓红")],
        )
        .await
        .unwrap();
    assert_eq!(
        verify(&app, &corrected).await.renewed_by.as_deref(),
        Some(&*renewal)
    );
    assert_eq!(
        verify(&app, &renewal).await.renews.as_deref(),
        Some(&*corrected)
    );
    let response = class
        .change(&app, &corrected, "renew", &[("reason", "again")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    // A page far beyond the register is empty, not an error.
    let response = app
        .call(
            &app.client(),
            "auditors",
            &[("query", ""), ("page", "9223372036854775807")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let far: RegisterPage = json(response).await;
    assert!(far.entries.is_empty());
}

/// A suspension until further notice outlives the expiry date: the
/// certificate shows expired, but it cannot be renewed while suspended.
#[tokio::test]
async fn a_suspended_certificate_is_not_renewed_even_after_it_expires() {
    use app::domain::certificate::Change;
    let app = spawn_app().await;
    let class = completed_class(&app, "SUSP", &["王小明"]).await;
    let number = class.issue_all_today(&app).await.remove(0);
    class
        .apply(&app, &number, "suspend", &[("reason", "调查中")])
        .await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let row = certificates::by_number(&mut tx, &number)
        .await
        .unwrap()
        .unwrap();
    let later = "2099-01-01";
    assert_eq!(row.shown(later), app::domain::certificate::Status::Expired);
    let refused = certificates::change_in(
        &mut tx,
        row.id,
        &certificates::ChangeRequest {
            change: Change::Renew,
            reason: "继续教育合格",
            until: None,
            corrected_name: None,
            renewed_on: Some(later),
            ip: None,
        },
        class.admin_id,
        later,
        db::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused,
        AppError::Conflict(Problem::CertificateChangeNotAllowed)
    );
}

/// Free text shown to the public is bounded, with a message beside the field.
#[tokio::test]
async fn a_change_reason_and_a_register_search_are_bounded() {
    let app = spawn_app().await;
    let class = completed_class(&app, "LONG", &["刘长"]).await;
    let number = class.issue_all_today(&app).await.remove(0);
    let essay = "理由".repeat(151);
    let response = class
        .change(&app, &number, "suspend", &[("reason", &essay)])
        .await;
    assert_eq!(
        field_error(response, "reason").await,
        Problem::TooLong { max: 300 }
    );
    assert_eq!(
        verify(&app, &number).await.status,
        "valid",
        "nothing changed"
    );
    // One line as shown: line breaks in a reason fold into spaces.
    class
        .apply(&app, &number, "suspend", &[("reason", "审核\n报告")])
        .await;
    let shown = verify(&app, &number).await;
    assert_eq!(shown.history.last().unwrap().reason, "审核 报告");

    let long_query = "张".repeat(101);
    let response = app
        .call(
            &app.client(),
            "auditors",
            &[("query", &long_query), ("page", "1")],
        )
        .await;
    assert_eq!(
        field_error(response, "q").await,
        Problem::TooLong { max: 100 }
    );
}
