//! Public verification of certificates: what anyone may know from a number.

use crate::api::catalogue::Localized;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One entry of a certificate's public history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct HistoryEntry {
    pub action: String,
    pub reason: String,
    pub until: Option<String>,
    pub at: i64,
}

/// What the public may know of a certificate: nothing private (no email,
/// no organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCertificate {
    pub number: String,
    /// valid, suspended, revoked, superseded or expired, as of today.
    pub status: String,
    pub holder_name: String,
    pub type_name: Localized,
    pub centre_name: Localized,
    pub issued_on: String,
    pub expires_on: String,
    pub suspended_until: Option<String>,
    /// The corrected record that replaces this one.
    pub superseded_by: Option<String>,
    /// The certificate this one renews.
    pub renews: Option<String>,
    /// The certificate that renewed this one (its next validity period).
    pub renewed_by: Option<String>,
    pub history: Vec<HistoryEntry>,
}

/// The public record of a certificate number; `None` when there is no such
/// certificate (a mistyped number is not an error).
#[server(endpoint = "verify")]
pub async fn verify_certificate(number: String) -> Result<Option<PublicCertificate>, AppError> {
    use crate::domain::certificate::CertificateNumber;
    use crate::ssr::db::certificates;
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            auth::allow_visitors();
            let state = context::state()?;
            crate::ssr::rate_limit::admit(&state, &state.lookups)?;
            let Ok(number) = CertificateNumber::parse(&number) else {
                return Ok(None);
            };
            Ok(certificates::public_cached(
                &state.db,
                &state.public_records,
                &number.to_string(),
                &crate::ssr::db::china_today(),
            )
            .await?)
        }
        .await,
    )
}

/// A holder of a currently valid certificate, as the public register shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub holder_name: String,
    pub number: String,
    pub type_name: Localized,
    pub centre_name: Localized,
    pub expires_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPage {
    pub entries: Vec<RegisterEntry>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The longest search the register takes (a name or a number is short).
pub const REGISTER_QUERY_MAX_CHARS: usize = 100;

/// The public register of certified auditors: holders of certificates in
/// force today, found by name or number.
#[server(endpoint = "auditors")]
pub async fn auditor_register(query: String, page: i64) -> Result<RegisterPage, AppError> {
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            auth::allow_visitors();
            let state = context::state()?;
            crate::ssr::rate_limit::admit(&state, &state.lookups)?;
            if query.chars().count() > REGISTER_QUERY_MAX_CHARS {
                return Err(AppError::field(
                    "q",
                    crate::error::Problem::TooLong {
                        max: REGISTER_QUERY_MAX_CHARS as u32,
                    },
                ));
            }
            let per_page = 25;
            // Far beyond any real register; keeps the offset arithmetic safe.
            let page = page.clamp(1, 100_000);
            let mut conn = state.db.reader.acquire().await?;
            let today = db::china_today();
            // Counting the register reads all of it (100,000 certificates
            // at national scale): a count is kept until the day or the
            // certificates move on.
            let topic = crate::ssr::db::changes::Topic::Certificates;
            let version = state.db.changes.version(topic);
            let key = (query.trim().to_owned(), today.clone(), version as i64);
            let known = state.register_totals.get(&key);
            let (entries, total) = certificates::register(
                &mut conn,
                query.trim(),
                &today,
                per_page,
                (page - 1) * per_page,
                known,
            )
            .await?;
            if known.is_none() && state.db.changes.unchanged_since(topic, version) {
                state.register_totals.put(key, total);
            }
            Ok(RegisterPage {
                entries,
                total,
                page,
                per_page,
            })
        }
        .await,
    )
}

/// One of the signed-in trainee's certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCertificate {
    pub number: String,
    pub type_name: Localized,
    /// As of today: valid, suspended, revoked, superseded or expired.
    pub status: String,
    pub issued_on: String,
    pub expires_on: String,
}

#[server(endpoint = "me/certificates")]
pub async fn my_certificates() -> Result<Vec<MyCertificate>, AppError> {
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let user = auth::require_user(&state).await?;
            let today = db::china_today();
            Ok(state
                .db
                .read(|db| certificates::of_holder(db, user.id, &today))?)
        }
        .await,
    )
}

/// The certificate to print: its public facts, the address its QR code
/// opens and the code itself (SVG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSheet {
    pub certificate: PublicCertificate,
    pub verify_url: String,
    pub qr_svg: String,
}

/// The printable certificate, for its holder and administrators only: to
/// anyone else it does not exist (the public record is at `/verify`).
#[server(endpoint = "certificate_sheet")]
pub async fn load_certificate_sheet(number: String) -> Result<CertificateSheet, AppError> {
    use crate::domain::certificate::CertificateNumber;
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let user = auth::require_user(&state).await?;
            let number = CertificateNumber::parse(&number).map_err(|_| AppError::NotFound)?;
            let mut conn = state.db.reader.acquire().await?;
            let row = certificates::by_number(&mut conn, &number.to_string())
                .await?
                .ok_or(AppError::NotFound)?;
            if !certificates::may_hold_copy(&user, &row) {
                return Err(AppError::NotFound);
            }
            let certificate = certificates::public(&mut conn, &row.number, &db::china_today())
                .await?
                .ok_or(AppError::NotFound)?;
            let verify_url = format!("{}/verify/{}", state.issuer.public_url, row.number);
            let qr_svg = crate::ssr::qr::svg(&verify_url, &verify_url);
            Ok(CertificateSheet {
                certificate,
                verify_url,
                qr_svg,
            })
        }
        .await,
    )
}
