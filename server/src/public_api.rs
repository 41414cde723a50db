//! The public certificate API: `GET /api/v1/certificates/{number}` (JSON),
//! `…/credential` (the signed credential), the status lists any verifier
//! checks a credential against (`/api/v1/status-lists/{list}/{purpose}`),
//! and `/api/v1/openapi.json`. No login; certificate lookups are rate
//! limited per address (a status list names no one, and is cached); an
//! unknown number is a plain "no such certificate", never an error page.

use app::ssr::credentials::{self, CertificateFacts};
use app::ssr::db::{self, certificates, status_lists};
use app::ssr::status_list::{self, Purpose, Served};
use app::ssr::AppState;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The caller's address: the socket's, or behind a trusted proxy the one
/// the proxy saw.
pub fn caller(state: &AppState, headers: &HeaderMap, socket: Option<SocketAddr>) -> Option<IpAddr> {
    if state.settings.trust_proxy {
        if let Some(ip) = app::ssr::context::forwarded_for(headers) {
            return Some(ip);
        }
    }
    socket.map(|s| s.ip())
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        serde_json::json!({ "found": false, "message": "no such certificate" }),
    )
}

/// Refuses the request if its address has used up the minute.
fn limited(state: &AppState, headers: &HeaderMap, socket: Option<SocketAddr>) -> Option<Response> {
    let address = caller(state, headers, socket)?;
    let wait = state.lookups.check(address, db::now())?;
    let mut response = json(
        StatusCode::TOO_MANY_REQUESTS,
        serde_json::json!({ "message": "too many requests", "retry_after_secs": wait }),
    );
    if let Ok(value) = wait.to_string().parse() {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Some(response)
}

fn internal() -> Response {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        serde_json::json!({ "message": "internal error" }),
    )
}

/// The public record behind `number`, or the answer to give instead: rate
/// limited, no such certificate, or an internal error (logged).
async fn lookup(
    state: &AppState,
    number: &str,
    headers: &HeaderMap,
    socket: Option<SocketAddr>,
) -> Result<app::api::certificates::PublicCertificate, Response> {
    if let Some(refused) = limited(state, headers, socket) {
        return Err(refused);
    }
    let number =
        app::domain::certificate::CertificateNumber::parse(number).map_err(|_| not_found())?;
    let found = certificates::public_cached(
        &state.db,
        &state.public_records,
        &number.to_string(),
        &db::china_today(),
    )
    .await;
    match found {
        Ok(Some(public)) => Ok(public),
        Ok(None) => Err(not_found()),
        Err(error) => {
            tracing::error!(%error, "reading a certificate");
            Err(internal())
        }
    }
}

pub async fn certificate(
    State(state): State<AppState>,
    Path(number): Path<String>,
    request: axum::extract::Request,
) -> Response {
    let socket = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let public = match lookup(&state, &number, request.headers(), socket).await {
        Ok(public) => public,
        Err(answer) => return answer,
    };
    let mut body = serde_json::to_value(&public).unwrap_or_default();
    if let Some(object) = body.as_object_mut() {
        object.insert("found".into(), true.into());
        object.insert(
            "credential".into(),
            format!("/api/v1/certificates/{}/credential", public.number).into(),
        );
    }
    json(StatusCode::OK, body)
}

pub async fn credential(
    State(state): State<AppState>,
    Path(number): Path<String>,
    request: axum::extract::Request,
) -> Response {
    let socket = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let public = match lookup(&state, &number, request.headers(), socket).await {
        Ok(public) => public,
        Err(answer) => return answer,
    };
    // A revoked or replaced certificate is no longer vouched for: no fresh
    // copy of its credential (one already saved still shows its status
    // online through credentialStatus).
    if matches!(public.status.as_str(), "revoked" | "superseded") {
        return json(
            StatusCode::GONE,
            serde_json::json!({
                "message": format!("certificate {}", public.status),
                "status": public.status,
                "superseded_by": public.superseded_by,
            }),
        );
    }
    let base = &state.issuer.public_url;
    let verify_url = format!("{base}/verify/{}", public.number);
    let extras = async {
        let mut conn = state.db.reader.acquire().await?;
        certificates::credential_extras(&mut conn, &public.number).await
    }
    .await;
    let (extras, status_list, status_index) = match extras {
        Ok(Some(extras)) => match (extras.status_list, extras.status_index) {
            (Some(list), Some(index)) => (extras, list, index),
            _ => {
                // Every certificate gets its entry when issued, and older
                // ones when the server starts: a missing one is a fault.
                tracing::error!(number = %public.number, "a certificate without a status list entry");
                return internal();
            }
        },
        Ok(None) => {
            tracing::error!(number = %public.number, "a certificate vanished while read");
            return internal();
        }
        Err(error) => {
            tracing::error!(%error, "reading a certificate's credential facts");
            return internal();
        }
    };
    let facts = CertificateFacts {
        number: &public.number,
        holder_name: &public.holder_name,
        type_name: (&public.type_name.zh, &public.type_name.en),
        centre_name: (&public.centre_name.zh, &public.centre_name.en),
        issued_on: &public.issued_on,
        expires_on: &public.expires_on,
        verify_url: &verify_url,
        course_code: &extras.course_code,
        requires_exam: extras.requires_exam,
        status_list,
        status_index,
    };
    let unsigned = credentials::credential(&state.issuer, &facts);
    // Signed as of the issue date: Ed25519 is deterministic, so the same
    // certificate always yields the same credential; its status is in the
    // status lists its credentialStatus names.
    match credentials::sign(
        &state.issuer,
        &unsigned,
        &format!("{}T09:00:00+08:00", public.issued_on),
    ) {
        Ok(signed) => json(StatusCode::OK, signed),
        Err(error) => {
            tracing::error!(%error, "signing a credential");
            internal()
        }
    }
}

pub async fn openapi() -> Response {
    json(StatusCode::OK, openapi_document())
}

/// The OpenAPI 3.1 description of the public API.
pub fn openapi_document() -> serde_json::Value {
    let number = serde_json::json!({
        "name": "number", "in": "path", "required": true,
        "schema": { "type": "string", "pattern": "^[A-Z][A-Z0-9]{1,9}-[0-9]{4}-[0-9]{5,9}$" },
        "example": "CPA-2000-00070"
    });
    let missing = serde_json::json!({ "description": "No such certificate: {\"found\": false, \"message\": \"no such certificate\"}" });
    let limited = serde_json::json!({ "description": "Rate limited; see Retry-After" });
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Academy certificate verification",
            "version": "1",
            "description": "Public, no login. Certificate lookups are rate limited per address (60 a minute unless configured); status lists are not."
        },
        "paths": {
            "/api/v1/certificates/{number}": { "get": {
                "summary": "A certificate's public record and status history",
                "parameters": [number.clone()],
                "responses": {
                    "200": { "description": "Found", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Certificate" } } } },
                    "404": missing.clone(), "429": limited.clone()
                }
            }},
            "/api/v1/certificates/{number}/credential": { "get": {
                "summary": "The signed Open Badges 3.0 credential (eddsa-jcs-2022 Data Integrity proof)",
                "parameters": [number],
                "responses": {
                    "200": { "description": "The credential", "content": { "application/json": {} } },
                    "404": missing, "410": { "description": "Revoked or replaced by a correction: no credential is issued" }, "429": limited
                }
            }},
            "/api/v1/status-lists/{list}/{purpose}": { "get": {
                "summary": "A W3C Bitstring Status List credential (signed, eddsa-jcs-2022): the revocation or suspension bits of the certificates in one list; credentials name their entries in credentialStatus",
                "parameters": [
                    { "name": "list", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } },
                    { "name": "purpose", "in": "path", "required": true, "schema": { "enum": ["revocation", "suspension"] } }
                ],
                "responses": {
                    "200": { "description": "The status list credential; Cache-Control, ETag and Last-Modified say how fresh it is", "content": { "application/vc+ld+json": {} } },
                    "304": { "description": "Not modified since the ETag given in If-None-Match" },
                    "404": { "description": "No such list or purpose" }
                }
            }}
        },
        "components": { "schemas": { "Certificate": {
            "type": "object",
            "required": ["found", "number", "status", "holder_name", "issued_on", "expires_on", "history"],
            "properties": {
                "found": { "type": "boolean" },
                "number": { "type": "string" },
                "status": { "enum": ["valid", "suspended", "revoked", "superseded", "expired"] },
                "holder_name": { "type": "string" },
                "type_name": { "$ref": "#/components/schemas/Localized" },
                "centre_name": { "$ref": "#/components/schemas/Localized" },
                "issued_on": { "type": "string", "format": "date" },
                "expires_on": { "type": "string", "format": "date" },
                "suspended_until": { "type": ["string", "null"], "format": "date" },
                "superseded_by": { "type": ["string", "null"] },
                "renews": { "type": ["string", "null"] },
                "renewed_by": { "type": ["string", "null"] },
                "credential": { "type": "string" },
                "history": { "type": "array", "items": { "type": "object", "properties": {
                    "action": { "enum": ["issued", "suspended", "reinstated", "revoked", "renewed", "corrected"] },
                    "reason": { "type": "string" },
                    "until": { "type": ["string", "null"], "format": "date" },
                    "at": { "type": "integer", "description": "Unix seconds" }
                }}}
            }
        }, "Localized": { "type": "object", "properties": { "zh": { "type": "string" }, "en": { "type": "string" } } } } }
    })
}

/// A signed `BitstringStatusListCredential`: the revocation or suspension
/// bits of one list. Re-signed when the bits change, once a day (after
/// lapsed suspensions are swept) and at least hourly, so a copy always has
/// most of its day of validity ahead; verifiers may cache it for the TTL.
pub async fn status_list(
    State(state): State<AppState>,
    Path((list, purpose)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Ok(list), Some(purpose)) = (list.parse::<i64>(), Purpose::parse(&purpose)) else {
        return json(
            StatusCode::NOT_FOUND,
            serde_json::json!({ "message": "no such status list" }),
        );
    };
    match served_list(&state, list, purpose).await {
        Ok(Some(served)) => {
            let etag = served.etag();
            let fresh = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
            let cache = format!("public, max-age={}", status_list::TTL_SECS);
            let modified = httpdate(served.updated_at);
            let common = [
                (header::CACHE_CONTROL, cache),
                (header::ETAG, etag),
                (header::LAST_MODIFIED, modified),
            ];
            if fresh {
                (StatusCode::NOT_MODIFIED, common).into_response()
            } else {
                (
                    StatusCode::OK,
                    common,
                    [(header::CONTENT_TYPE, "application/vc+ld+json")],
                    served.body.as_str().to_owned(),
                )
                    .into_response()
            }
        }
        Ok(None) => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({ "message": "no such status list" }),
        ),
        Err(error) => {
            tracing::error!(%error, list, "serving a status list");
            internal()
        }
    }
}

async fn served_list(
    state: &AppState,
    list: i64,
    purpose: Purpose,
) -> anyhow::Result<Option<Served>> {
    let today = db::china_today();
    let now = db::now();
    if !state.status_lists.swept_on(&today) {
        // A suspension with an end date lapses at midnight: its bit is
        // cleared by the first request of the day (and at start).
        let mut tx = state.db.begin_write().await?;
        status_lists::sweep_lapsed(&mut tx, &today, now).await?;
        tx.commit().await?;
        state.status_lists.mark_swept(&today);
    }
    let mut conn = state.db.reader.acquire().await?;
    // The version alone first: a served copy usually still stands, and the
    // two 16 KB bitstrings are read only to sign a new one.
    let Some(version) = status_lists::version(&mut conn, list).await? else {
        return Ok(None);
    };
    if let Some(served) = state
        .status_lists
        .get((list, purpose), version, &today, now)
    {
        return Ok(Some(served));
    }
    let Some(stored) = status_lists::load(&mut conn, list).await? else {
        return Ok(None);
    };
    drop(conn);
    let unsigned =
        status_list::list_credential(&state.issuer, list, purpose, stored.bits(purpose), now);
    let signed = credentials::sign(&state.issuer, &unsigned, &status_list::rfc3339(now))?;
    let served = Served {
        version: stored.version,
        day: today,
        signed_at: now,
        updated_at: stored.updated_at,
        body: std::sync::Arc::new(signed.to_string()),
    };
    state.status_lists.put((list, purpose), served.clone());
    Ok(Some(served))
}

/// An HTTP date (RFC 9110 IMF-fixdate) for Unix seconds.
fn httpdate(unix: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}
