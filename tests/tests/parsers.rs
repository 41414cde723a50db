//! Properties of everything that parses what users or other systems send:
//! the trainee import's CSV, the question bank's CSV and JSON, a credential
//! handed in for verification, and a server function's body. Whatever the
//! input, each gives a value or an error, never a panic; what Academy
//! writes, it reads back unchanged. `fuzz/` has cargo-fuzz targets for the
//! same parsers (`scripts/fuzz.sh`), for longer runs than a test can afford.

use academy_tests::{spawn_app, ORIGIN};
use app::domain::bank::{self, BankFormat};
use app::domain::csv;
use app::domain::exam::{QuestionDraft, QuestionKind};
use app::ssr::credentials::{self, CertificateFacts, Issuer};
use app::ssr::signing::IssuerKey;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Text a spreadsheet or a careless editor produces: the characters that
/// matter to CSV, JSON and formula defusing, Chinese, and blanks.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[=+@'\"\t\r\n,|;:{}\\[\\]\\-a-zA-Z0-9 对错中文审核\u{feff}]{0,24}",
        1 => any::<String>(),
    ]
}

/// A CSV file made of records of tricky cells.
fn csv_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(tricky_text(), 0..7), 0..6).prop_map(|rows| {
        rows.iter()
            .map(|row| row.join(","))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #![proptest_config(Config::with_cases(256))]

    #[test]
    fn the_trainee_import_answers_any_text_with_rows_or_a_problem(text in prop_oneof![
        csv_text(),
        csv_text().prop_map(|body| format!("name,email,organisation,province,industry\n{body}")),
    ]) {
        match app::domain::import::check(&text) {
            Ok((rows, valid)) => prop_assert_eq!(rows.len(), valid.len()),
            Err((line, _)) => prop_assert!(line >= 1 && line <= text.lines().count().max(1) + 1),
        }
    }

    #[test]
    fn the_bank_import_answers_any_text_with_rows_or_a_problem(text in prop_oneof![
        csv_text(),
        csv_text().prop_map(|body| format!("kind,prompt_zh,prompt_en,options,answer,points\n{body}")),
        tricky_text().prop_map(|t| format!("[{{\"kind\":\"essay\",\"prompt_zh\":{}}}]", serde_json::json!(t))),
    ]) {
        for format in [BankFormat::Csv, BankFormat::Json] {
            if let Ok((rows, valid)) = bank::check(format, &text) {
                prop_assert_eq!(rows.len(), valid.len());
            }
        }
    }

    /// RFC 4180 both ways: records written by `csv::record` parse back to
    /// the same cells, a formula start defused with a leading `'`.
    #[test]
    fn csv_records_parse_back_to_their_cells(
        rows in prop::collection::vec(prop::collection::vec(tricky_text(), 1..6), 1..6)
    ) {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .filter(|row| row.iter().any(|cell| !cell.trim().is_empty()))
            .collect();
        // As Academy writes a file: a byte order mark, then the records.
        let text: String = std::iter::once(csv::BOM.to_owned())
            .chain(rows.iter().map(|row| csv::record(row)))
            .collect();
        let expected: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| csv::field(cell))
                    .map(|written| csv::parse(&format!("x,{written}")).unwrap()[0][1].clone())
                    .collect()
            })
            .collect();
        prop_assert_eq!(csv::parse(&text), Ok(expected));
        for row in &rows {
            for cell in row {
                let written = csv::field(cell);
                let read = &csv::parse(&format!("x,{written}")).unwrap()[0][1];
                // What a spreadsheet sees never starts a formula.
                prop_assert!(!read.starts_with(csv::FORMULA_STARTS), "{:?} → {:?}", cell, read);
            }
        }
    }

    /// A question bank exported as CSV or JSON imports as the same questions,
    /// whatever its texts start with or hold.
    #[test]
    fn an_exported_question_imports_unchanged(
        kind in prop::sample::select(QuestionKind::ALL.to_vec()),
        prompt_zh in tricky_text(),
        prompt_en in tricky_text(),
        options in prop::collection::vec(tricky_text(), 2..5),
        answer in prop_oneof![Just("A".to_owned()), Just("A,B".to_owned()), Just("true".to_owned()), tricky_text()],
        points in 1u32..20,
        tags in tricky_text(),
        explanation_zh in tricky_text(),
    ) {
        let draft = QuestionDraft {
            kind: kind.as_str().to_owned(),
            prompt_zh,
            prompt_en,
            options: options.join("\n"),
            answer,
            points: points.to_string(),
            tags,
            explanation_zh,
            explanation_en: String::new(),
        };
        let Ok(question) = draft.check() else {
            return Ok(());
        };
        for (format, text) in [
            (BankFormat::Csv, bank::to_csv(std::slice::from_ref(&question))),
            (BankFormat::Json, bank::to_json(std::slice::from_ref(&question))),
        ] {
            let (rows, valid) = bank::check(format, &text)
                .map_err(|e| TestCaseError::fail(format!("{format:?} {e:?}\n{text}")))?;
            prop_assert!(rows[0].problems.is_empty(), "{:?}: {:?}\n{}", format, rows[0].problems, text);
            prop_assert_eq!(valid[0].as_ref(), Some(&question), "{:?}\n{}", format, text);
        }
    }

    /// Any JSON handed in as a credential gets a verdict; none passes
    /// without the issuer's signature.
    #[test]
    fn any_json_gets_a_verdict_and_unsigned_json_never_passes(value in json_value()) {
        let key = IssuerKey::from_seed([7; 32]);
        let check = credentials::check_with(
            &value,
            &key.public(),
            "did:web:academy.example#key-1",
            time::OffsetDateTime::UNIX_EPOCH,
        );
        prop_assert!(!check.passed());
        prop_assert!(app::ssr::signing::verify(&value, &key.public()).is_err());
        let _ = credentials::published_key(&value);
    }

    /// Changing any one text in a signed credential breaks its signature.
    #[test]
    fn a_signed_credential_with_any_text_changed_fails(pick in any::<prop::sample::Index>(), text in tricky_text()) {
        let issuer = Issuer::new(IssuerKey::from_seed([7; 32]), "https://academy.example", "Academy");
        let unsigned = credentials::credential(&issuer, &CertificateFacts {
            number: "CPA-2026-000123",
            holder_name: "李晓梅",
            type_name: ("清洁生产审核师", "Cleaner Production Auditor"),
            centre_name: ("国家清洁生产中心", "National Cleaner Production Centre"),
            issued_on: "2026-06-01",
            expires_on: "2029-05-31",
            verify_url: "https://academy.example/verify/CPA-2026-000123",
            course_code: "CP-AUD",
            requires_exam: true,
            status_list: 1,
            status_index: 4711,
        });
        let signed = credentials::sign(&issuer, &unsigned, "2026-06-01T09:00:00+08:00").unwrap();
        prop_assert!(app::ssr::signing::verify(&signed, &issuer.key.public()).is_ok());

        let mut paths = Vec::new();
        strings_in(&signed, String::new(), &mut paths);
        let path = &paths[pick.index(paths.len())];
        let mut changed = signed.clone();
        let slot = changed.pointer_mut(path).unwrap();
        prop_assume!(slot.as_str() != Some(text.as_str()));
        *slot = Value::String(text);
        prop_assert!(
            app::ssr::signing::verify(&changed, &issuer.key.public()).is_err(),
            "{} changed and still verifies", path
        );
    }
}

/// JSON Pointers to every string in `value`.
fn strings_in(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings_in(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let key = key.replace('~', "~0").replace('/', "~1");
                strings_in(item, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// Any JSON value, with the keys a credential has among the random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        tricky_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("proof".to_owned()),
                    Just("proofValue".to_owned()),
                    Just("verificationMethod".to_owned()),
                    Just("validFrom".to_owned()),
                    Just("validUntil".to_owned()),
                    Just("verificationMethod".to_owned()),
                    Just("cryptosuite".to_owned()),
                    tricky_text(),
                ],
                inner,
                0..6
            )
            .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A server function's body, however malformed, is the caller's mistake
/// (4xx) or, decoded, meets the same checks as any call: never a 5xx, and
/// every refusal is an error the client can read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_function_answers_any_body_with_a_value_or_a_readable_error() {
    let app = spawn_app().await;
    let visitor = app.client();
    let paths: Vec<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let body = prop_oneof![
        "[a-z_\\[\\]]{1,12}=[-0-9a-zA-Z%&=+\\[\\]]{0,40}",
        "([a-z_]{1,10}=[%0-9A-F&=+]{0,12}&){0,6}",
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ];
    let mut runner = TestRunner::new(Config::with_cases(256));
    let handle = tokio::runtime::Handle::current();
    let result = runner.run(&(prop::sample::select(paths), body), |(path, body)| {
        let (status, text) = tokio::task::block_in_place(|| {
            handle.block_on(async {
                let response = visitor
                    .post(app.url(&path))
                    .header("origin", ORIGIN)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                (status, response.text().await.unwrap())
            })
        });
        prop_assert!(
            !status.is_server_error(),
            "{} {:?}: {} {}",
            path,
            body,
            status,
            text
        );
        if !status.is_success() {
            prop_assert!(
                serde_json::from_str::<app::error::AppError>(&text).is_ok(),
                "{} {:?}: {} is not an error the client reads: {}",
                path,
                body,
                status,
                text
            );
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
