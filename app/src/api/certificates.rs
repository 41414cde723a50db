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
            let Ok(number) = CertificateNumber::parse(&number) else {
                return Ok(None);
            };
            let mut conn = state.db.reader.acquire().await?;
            let today = crate::ssr::db::china_today();
            Ok(certificates::public(&mut conn, &number.to_string(), &today).await?)
        }
        .await,
    )
}
