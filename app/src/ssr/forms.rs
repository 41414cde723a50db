//! Page forms without JavaScript: what the form middleware
//! (`server/src/forms.rs`) and the pages agree on.
//!
//! A form on a server-rendered page posts to the page's own address, naming
//! the server function it calls in [`FN_FIELD`] and itself in [`KEY_FIELD`].
//! The middleware calls the function as the app would. On success the
//! browser is sent back to the page (post/redirect/get) with the form's key
//! in a short-lived cookie, so the page can say it is done; on a refusal
//! the page is rendered in answer to the post itself, with the error and
//! what was typed attached to the request as a [`Posted`].

use crate::error::AppError;

/// The hidden field naming the server function a form calls.
pub const FN_FIELD: &str = "__fn";
/// The hidden field naming the form on its page (one key per form).
pub const KEY_FIELD: &str = "__form";
/// The hidden field saying what the page needs of the function's answer:
/// `output` renders the page in answer to the post, with the answer (a
/// check that reports, such as an import's dry run); `flash` carries a
/// small answer over the redirect (a count). Otherwise the page only hears
/// that the form worked — an answer may hold what must not sit in a cookie.
pub const SHOW_FIELD: &str = "__show";
/// The hidden field naming where to go after success instead of back to the
/// page: a local path in which `{}` stands for the function's answer (a
/// string, such as the number of a renewed certificate).
pub const NEXT_FIELD: &str = "__next";
/// The cookie that tells the page, after the redirect, which form succeeded.
pub const FLASH_COOKIE: &str = "academy_flash";

/// The form a page posted and what became of it, attached as an extension
/// to the request that renders the page in answer.
#[derive(Debug, Clone)]
pub struct Posted {
    pub key: String,
    /// The function's JSON answer (when the form asked to see it), or why
    /// it refused.
    pub outcome: Result<Option<String>, AppError>,
    /// What the user typed, to put back into the form; never secrets.
    pub values: Vec<(String, String)>,
}

/// Fields whose contents are never echoed back into a page.
pub fn is_secret(field: &str) -> bool {
    field.contains("password") || field == "token"
}

/// Where a form goes after success, given its `__next` template and the
/// function's JSON answer: only a local path, and only when the answer is
/// a string to put in it.
pub fn next_after(template: &str, answer: &str) -> Option<String> {
    let value: String = serde_json::from_str(answer).ok()?;
    let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let target = template.replacen("{}", &encoded, 1);
    crate::domain::redirect::local_path(&target).map(str::to_owned)
}

/// A form key as the flash cookie may carry it: letters, digits, `-`, `_`.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens_are_never_echoed() {
        for field in ["password", "new_password", "token"] {
            assert!(is_secret(field), "{field}");
        }
        for field in ["email", "name", "reason", "note"] {
            assert!(!is_secret(field), "{field}");
        }
    }

    #[test]
    fn a_form_goes_on_to_a_local_page_named_by_the_answer() {
        let template = "/admin/certificates/record?number={}";
        assert_eq!(
            next_after(template, "\"CPA-2026-00001\"").as_deref(),
            Some("/admin/certificates/record?number=CPA-2026-00001")
        );
        assert_eq!(next_after(template, "null"), None);
        assert_eq!(next_after("//evil.example/{}", "\"x\""), None);
        assert_eq!(next_after("/\t/evil.example/{}", "\"x\""), None);
        assert_eq!(next_after("https://evil.example/{}", "\"x\""), None);
        assert_eq!(
            next_after("/x?q={}", "\"a&b\"").as_deref(),
            Some("/x?q=a%26b")
        );
    }

    #[test]
    fn keys_are_short_and_plain() {
        assert!(is_valid_key("decide-42"));
        assert!(is_valid_key("create_staff"));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("a;b"));
        assert!(!is_valid_key("a b"));
        assert!(!is_valid_key(&"k".repeat(65)));
    }
}
