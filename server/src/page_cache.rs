//! Public pages kept whole for visitors who are not signed in.
//!
//! A certificate's verify page, the register and the catalogue are the same
//! for every visitor in a language on a day, until what they show changes.
//! Rendering one takes Leptos's whole machinery (owners, views, an async
//! render) and several database reads; sending a kept copy takes a map
//! lookup. A copy is kept by the page's address, its language, the day and
//! the version of what it shows ([`app::ssr::db::changes`]): a change this
//! server commits drops it at once, one another process makes is seen in
//! its write-ahead log, and no copy is older than [`MAX_AGE`] whatever
//! happens (a page may say "closes in an hour").
//!
//! Each response still gets its own script nonce: a copy is stored cut
//! where its nonce was, and sewn together with a fresh one. A nonce is 128
//! random bits drawn for its request, so nothing in the data contains it.

use app::i18n::Lang;
use app::ssr::db::changes::Topic;
use app::ssr::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No copy is older than this, whatever the versions say.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Bytes of copies at most (a verify page is about 5 KB: some 13,000 of
/// them); past it the stale ones go, then all.
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// A page larger than this is sent, not kept.
const MAX_PAGE_BYTES: usize = 256 * 1024;
/// Tells a test or an operator that a response was a kept copy.
pub const HIT_HEADER: &str = "x-page-cache";

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    lang: Lang,
    today: String,
    version: u64,
}

struct Page {
    made: Instant,
    /// Its own share of [`MAX_AGE`]: between a half and all of it, by its
    /// address, so that pages made in the same second (a burst of new
    /// visitors) are not all made again in the same second.
    max_age: Duration,
    headers: HeaderMap,
    /// The body cut where the nonce was.
    pieces: Vec<Bytes>,
}

/// The kept pages of one server.
#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<Mutex<Pages>>,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<Key, Arc<Page>>,
    bytes: usize,
}

impl Page {
    fn bytes(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum::<usize>() + 256
    }
}

impl PageCache {
    fn get(&self, key: &Key) -> Option<Arc<Page>> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .by_key
            .get(key)
            .filter(|page| page.made.elapsed() < page.max_age)
            .cloned()
    }

    fn put(&self, key: Key, page: Page) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let pages = &mut *pages;
        if pages.bytes + page.bytes() > MAX_BYTES {
            pages
                .by_key
                .retain(|kept, page| kept.today == key.today && page.made.elapsed() < page.max_age);
            pages.bytes = pages.by_key.values().map(|p| p.bytes()).sum();
            if pages.bytes + page.bytes() > MAX_BYTES {
                pages.by_key.clear();
                pages.bytes = 0;
            }
        }
        pages.bytes += page.bytes();
        if let Some(old) = pages.by_key.insert(key, Arc::new(page)) {
            pages.bytes -= old.bytes();
        }
    }
}

/// Which pages are kept, and what each shows. Everything else (a signed-in
/// page, a form, an admin's list) is rendered for each request.
fn topic(path: &str) -> Option<Topic> {
    let one_segment_under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    };
    match path {
        "/verify" | "/auditors" => Some(Topic::Certificates),
        _ if one_segment_under("/verify/") => Some(Topic::Certificates),
        "/" | "/courses" => Some(Topic::Public),
        _ if one_segment_under("/courses/") => Some(Topic::Public),
        _ => None,
    }
}

/// Pages that are public lookups, limited per address like the API (the
/// verify form's `?number=` included).
fn is_lookup(path: &str, query: Option<&str>) -> bool {
    let number_asked =
        query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(key, _)| key == "number"));
    path.starts_with("/verify/") || path == "/auditors" || (path == "/verify" && number_asked)
}

/// A visitor: no cookie but the language switch's.
fn is_visitor(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .all(|c| c.is_ok_and(|c| c.name() == app::i18n::LANG_COOKIE))
}

pub async fn keep_public_pages(
    State((state, pages)): State<(AppState, PageCache)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let Some(topic) = topic(path) else {
        return next.run(request).await;
    };
    // A page rendered in answer to a form post carries what was posted:
    // it is that caller's, never kept nor answered from what is kept.
    let answers_a_form = request
        .extensions()
        .get::<app::ssr::forms::Posted>()
        .is_some();
    if request.method() != Method::GET || answers_a_form || !is_visitor(request.headers()) {
        return next.run(request).await;
    }
    let key = Key {
        path_and_query: request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        lang: app::ssr::context::lang_of(request.headers()),
        today: app::ssr::db::china_today(),
        version: state.db.changes.version(topic),
    };
    if let Some(page) = pages.get(&key) {
        // A kept copy still counts against the caller's lookups; one over
        // the limit is rendered, and the page says to wait.
        let admitted = !is_lookup(path, request.uri().query()) || {
            let socket = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0);
            match crate::public_api::caller(&state, request.headers(), socket) {
                Some(address) => state.lookups.check(address, app::ssr::db::now()).is_none(),
                None => true,
            }
        };
        if admitted {
            return sew(&page);
        }
        return next.run(request).await;
    }
    let response = next.run(request).await;
    keep(&state, &pages, key, topic, response).await
}

/// A kept page with a fresh nonce.
fn sew(page: &Page) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let mut body = Vec::with_capacity(page.pieces.iter().map(Bytes::len).sum::<usize>() + 64);
    for (i, piece) in page.pieces.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(nonce.as_bytes());
        }
        body.extend_from_slice(piece);
    }
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = page.headers.clone();
    if let Ok(policy) = HeaderValue::from_str(&app::ssr::policy::page_policy(&nonce)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
        .headers_mut()
        .insert(HIT_HEADER, HeaderValue::from_static("hit"));
    response
}

/// Keeps `response` if it is a plain page everyone would be sent, and
/// nothing it shows changed while it was made.
async fn keep(
    state: &AppState,
    pages: &PageCache,
    key: Key,
    topic: Topic,
    response: Response,
) -> Response {
    let nonce = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of)
        .map(str::to_owned);
    let plain = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    let Some(nonce) = nonce.filter(|_| plain) else {
        return response;
    };
    let (parts, bytes) = match read_body(response).await {
        Ok(read) => read,
        Err(sent_as_it_comes) => return sent_as_it_comes,
    };
    if state.db.changes.unchanged_since(topic, key.version) {
        let mut headers = parts.headers.clone();
        headers.remove(header::CONTENT_SECURITY_POLICY);
        let max_age = max_age_of(&key.path_and_query);
        pages.put(
            key,
            Page {
                made: Instant::now(),
                max_age,
                headers,
                pieces: cut(&bytes, nonce.as_bytes()),
            },
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A rendered page's body whole, or — too long to keep, or failed part-way
/// — the response to send instead, with everything it would have had.
async fn read_body(response: Response) -> Result<(axum::http::response::Parts, Bytes), Response> {
    let (parts, body) = response.into_parts();
    let mut stream = body.into_data_stream();
    let mut read: Vec<Bytes> = Vec::new();
    let mut length = 0;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => {
                length += chunk.len();
                read.push(chunk);
                if length > MAX_PAGE_BYTES {
                    // Too long to keep: sent as it comes, what was read first.
                    let head = futures::stream::iter(read.into_iter().map(Ok));
                    return Err(Response::from_parts(
                        parts,
                        Body::from_stream(head.chain(stream)),
                    ));
                }
            }
            Err(error) => {
                // The render failed part-way: send what there is and the
                // error, as the page would have without us.
                let head = futures::stream::iter(read.into_iter().map(Ok));
                let failed = futures::stream::once(async move { Err(error) });
                return Err(Response::from_parts(
                    parts,
                    Body::from_stream(head.chain(failed)),
                ));
            }
        }
    }
    Ok((parts, Bytes::from(read.concat())))
}

/// Between half of [`MAX_AGE`] and all of it, spread by `path`.
fn max_age_of(path: &str) -> Duration {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut hasher);
    let half = MAX_AGE / 2;
    half + Duration::from_millis(hasher.finish() % (half.as_millis() as u64 + 1))
}

/// The nonce a page policy allows scripts by.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(&policy[start..start + len]).filter(|n| !n.is_empty())
}

/// `bytes` cut at every `needle`.
fn cut(bytes: &Bytes, needle: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at + needle.len() <= bytes.len() {
        if &bytes[at..at + needle.len()] == needle {
            pieces.push(bytes.slice(start..at));
            at += needle.len();
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push(bytes.slice(start..));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_are_kept() {
        assert_eq!(topic("/verify/P01-2023-00001"), Some(Topic::Certificates));
        assert_eq!(topic("/verify"), Some(Topic::Certificates));
        assert_eq!(topic("/auditors"), Some(Topic::Certificates));
        assert_eq!(topic("/"), Some(Topic::Public));
        assert_eq!(topic("/courses"), Some(Topic::Public));
        assert_eq!(topic("/courses/SC01-AUD"), Some(Topic::Public));
        for private in [
            "/me",
            "/login",
            "/register",
            "/courses/SC01-AUD/enrol",
            "/courses/",
            "/verify/",
            "/admin/certificates",
            "/teach",
            "/api/v1/certificates/P01-2023-00001",
        ] {
            assert_eq!(topic(private), None, "{private}");
        }
    }

    #[test]
    fn the_verify_form_is_a_lookup_too() {
        assert!(is_lookup("/verify/P01-2024-00001", None));
        assert!(is_lookup("/verify", Some("number=P01-2024-00001")));
        assert!(is_lookup("/auditors", Some("q=%E7%8E%8B")));
        assert!(!is_lookup("/verify", None));
        assert!(!is_lookup("/courses", Some("q=number")));
    }

    #[tokio::test]
    async fn a_page_too_long_to_keep_is_sent_whole() {
        let state_free_body: String = "x".repeat(MAX_PAGE_BYTES + 10);
        let chunks: Vec<Result<Bytes, std::io::Error>> = state_free_body
            .as_bytes()
            .chunks(4096)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'nonce-abc'"),
        );
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let Err(sent) = read_body(response).await else {
            panic!("a page that long is not kept");
        };
        let sent = axum::body::to_bytes(sent.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(sent.len(), MAX_PAGE_BYTES + 10);
    }

    #[test]
    fn pages_made_together_age_apart() {
        let ages: std::collections::BTreeSet<Duration> = (0..50)
            .map(|n| max_age_of(&format!("/verify/P01-2024-{n:05}")))
            .collect();
        assert!(ages.len() > 40, "spread: {ages:?}");
        assert!(ages
            .iter()
            .all(|age| *age >= MAX_AGE / 2 && *age <= MAX_AGE));
    }

    #[test]
    fn a_signed_in_caller_is_not_a_visitor() {
        let mut headers = HeaderMap::new();
        assert!(is_visitor(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("academy_lang=zh"));
        assert!(is_visitor(&headers));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("academy_lang=zh; academy_session=abc"),
        );
        assert!(!is_visitor(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("garbage"));
        assert!(!is_visitor(&headers));
    }

    #[test]
    fn a_page_is_cut_at_its_nonce_and_sewn_with_a_new_one() {
        let page = Bytes::from_static(b"<script nonce=\"abc\">x</script><p>abc</p>");
        let pieces = cut(&page, b"abc");
        assert_eq!(pieces.len(), 3);
        let sewn = sew(&Page {
            made: Instant::now(),
            max_age: MAX_AGE,
            headers: HeaderMap::new(),
            pieces,
        });
        let policy = sewn.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let fresh = nonce_of(&policy).unwrap();
        assert_ne!(fresh, "abc");
        assert_eq!(cut(&Bytes::from_static(b"abc"), b"abc").len(), 2);
        assert_eq!(
            nonce_of("script-src 'self' 'nonce-xyz' 'wasm-unsafe-eval'"),
            Some("xyz")
        );
    }
}
