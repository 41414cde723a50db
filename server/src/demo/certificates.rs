//! The demo world's certificates: the 70 auditors of 1999–2000 certified
//! from their classes and since renewed (one let it lapse; one is
//! suspended, one revoked, one corrected), and EIA post certificates from
//! last year's Shanghai class, two of whose trainees still await a decision.
//! Everything goes through the same code as the administrators' pages.

use super::{at, date, DAY};
use app::domain::certificate::Change;
use app::ssr::db::certificates::{self, ChangeRequest, NewType, TypeRow};
use sqlx::SqliteConnection;

pub struct Ids {
    pub admin: i64,
    pub cpa_course: i64,
    pub eia_course: i64,
    pub cpa1999: i64,
    pub cpa2000: i64,
    pub eia_past: i64,
}

/// The trainee whose name was misspelt on the certificate and its renewal.
pub const MISSPELT: (&str, &str) = ("trainee041@academy.test", "王玉蓝");

async fn new_type(
    conn: &mut SqliteConnection,
    new: NewType<'_>,
    now: i64,
) -> anyhow::Result<TypeRow> {
    let id = certificates::insert_type(conn, &new, now).await?;
    certificates::certificate_type(conn, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo certificate type {} vanished", new.prefix))
}

/// Issues `kind` to the trainees who completed `class_id` (all of them
/// unless `leave` are left to decide later), dated `issued_on`.
async fn issue_class(
    conn: &mut SqliteConnection,
    kind: &TypeRow,
    class_id: i64,
    issued_on: &str,
    leave: &[i64],
    admin: i64,
) -> anyhow::Result<Vec<certificates::Issued>> {
    let holders: Vec<i64> = sqlx::query_scalar(
        "SELECT trainee_id FROM enrolments WHERE class_id = ? AND state = 'completed' ORDER BY id",
    )
    .bind(class_id)
    .fetch_all(&mut *conn)
    .await?;
    let holders: Vec<i64> = holders.into_iter().filter(|h| !leave.contains(h)).collect();
    let decided = at(issued_on);
    match certificates::issue_in(
        conn,
        kind,
        class_id,
        &holders,
        issued_on,
        admin,
        None,
        decided,
        &|_| {},
    )
    .await
    .map_err(|e| anyhow::anyhow!("issuing demo certificates: {e:?}"))?
    {
        Ok(issued) => Ok(issued),
        Err(refused) => anyhow::bail!("demo candidates refused: {refused:?}"),
    }
}

async fn change(
    conn: &mut SqliteConnection,
    certificate_id: i64,
    request: ChangeRequest<'_>,
    admin: i64,
    today: &str,
    now: i64,
) -> anyhow::Result<Option<certificates::Issued>> {
    certificates::change_in(conn, certificate_id, &request, admin, today, now)
        .await
        .map_err(|e| anyhow::anyhow!("changing a demo certificate: {e:?}"))
}

pub async fn load(
    conn: &mut SqliteConnection,
    ids: &Ids,
    trainee_emails: &std::collections::HashMap<String, i64>,
    now: i64,
) -> anyhow::Result<()> {
    let today = app::ssr::db::china_today();
    let cpa = new_type(
        conn,
        NewType {
            prefix: "CPA",
            name: ("清洁生产审核员", "Cleaner Production Auditor"),
            validity_months: 36,
            course_id: ids.cpa_course,
            requires_exam: true,
        },
        at("1999-03-01"),
    )
    .await?;
    let eia = new_type(
        conn,
        NewType {
            prefix: "EIA",
            name: ("环境影响评价人员上岗证", "EIA Staff Post Certificate"),
            validity_months: 60,
            course_id: ids.eia_course,
            requires_exam: false,
        },
        now - 400 * DAY,
    )
    .await?;

    // One name was typed wrong when the 2000 class enrolled; it was put
    // right on the account later, and the certificate must follow.
    let misspelt = *trainee_emails
        .get(MISSPELT.0)
        .ok_or_else(|| anyhow::anyhow!("demo trainee {} missing", MISSPELT.0))?;
    let right_name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
        .bind(misspelt)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE users SET name = ? WHERE id = ?")
        .bind(MISSPELT.1)
        .bind(misspelt)
        .execute(&mut *conn)
        .await?;
    let mut originals = issue_class(conn, &cpa, ids.cpa1999, "1999-06-30", &[], ids.admin).await?;
    originals.extend(issue_class(conn, &cpa, ids.cpa2000, "2000-06-30", &[], ids.admin).await?);
    sqlx::query("UPDATE users SET name = ? WHERE id = ?")
        .bind(&right_name)
        .bind(misspelt)
        .execute(&mut *conn)
        .await?;

    // Continuing education renews the certificates; the last auditor of
    // 2000 never came back, so theirs simply expired. Renewals are numbered
    // in the order they happened, spread over the past three years so that
    // some fall due in the coming weeks.
    let lapsed = originals.pop();
    let mut renewals: Vec<(String, i64, i64)> = originals
        .iter()
        .enumerate()
        .map(|(n, issued)| {
            let ago = 320 + (n as i64 * 37) % 770;
            (
                date(now - ago * DAY),
                issued.certificate_id,
                issued.holder_id,
            )
        })
        .collect();
    renewals.sort();
    let mut current = Vec::new();
    for (on, certificate_id, holder) in &renewals {
        let renewed = change(
            conn,
            *certificate_id,
            ChangeRequest {
                change: Change::Renew,
                reason: "继续教育考核合格，换发新证。",
                until: None,
                corrected_name: None,
                renewed_on: Some(on),
                ip: None,
            },
            ids.admin,
            &today,
            at(on),
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("a renewal made no certificate"))?;
        current.push((renewed, *holder));
    }
    if lapsed.is_none() {
        anyhow::bail!("no demo certificate left to lapse");
    }

    // One suspended while a complaint is looked into, one revoked, one
    // corrected.
    let pick = |n: usize| {
        current
            .get(n)
            .map(|(issued, _)| issued.certificate_id)
            .ok_or_else(|| anyhow::anyhow!("fewer than {} demo renewals", n + 1))
    };
    let suspended = pick(5)?;
    change(
        conn,
        suspended,
        ChangeRequest {
            change: Change::Suspend,
            reason: "企业投诉审核报告数据与现场不符，调查期间暂停。",
            until: Some(&date(now + 60 * DAY)),
            corrected_name: None,
            renewed_on: None,
            ip: None,
        },
        ids.admin,
        &today,
        now - 10 * DAY,
    )
    .await?;
    let revoked = pick(12)?;
    change(
        conn,
        revoked,
        ChangeRequest {
            change: Change::Revoke,
            reason: "审核报告弄虚作假，经调查属实，撤销审核员资格。",
            until: None,
            corrected_name: None,
            renewed_on: None,
            ip: None,
        },
        ids.admin,
        &today,
        now - 40 * DAY,
    )
    .await?;
    let Some((wrong, _)) = current.iter().find(|(_, holder)| *holder == misspelt) else {
        anyhow::bail!("the misspelt holder has no current certificate");
    };
    change(
        conn,
        wrong.certificate_id,
        ChangeRequest {
            change: Change::Correct,
            reason: "姓名有误：“王玉蓝”应为“王玉兰”。",
            until: None,
            corrected_name: Some(&right_name),
            renewed_on: None,
            ip: None,
        },
        ids.admin,
        &today,
        now - 20 * DAY,
    )
    .await?;

    // EIA post certificates from last year's Shanghai class; two trainees
    // are left for an administrator to decide.
    let undecided: Vec<i64> = sqlx::query_scalar(
        "SELECT trainee_id FROM enrolments WHERE class_id = ? AND state = 'completed'
         ORDER BY id DESC LIMIT 2",
    )
    .bind(ids.eia_past)
    .fetch_all(&mut *conn)
    .await?;
    issue_class(
        conn,
        &eia,
        ids.eia_past,
        &date(now - 280 * DAY),
        &undecided,
        ids.admin,
    )
    .await?;
    Ok(())
}
