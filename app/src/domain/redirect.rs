//! Where to send someone after they sign in: only ever a path on this site.

/// `next` if it is a local path (`/me`, `/courses?page=2`), otherwise `None`.
/// Refuses absolute URLs and `//host` and `/\host` forms, which browsers treat
/// as another site: an open redirect would let a phishing link borrow our login.
pub fn local_path(next: &str) -> Option<&str> {
    let next = next.trim();
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        for (input, expected) in [
            ("/me", Some("/me")),
            ("/courses?page=2", Some("/courses?page=2")),
            ("", None),
            ("me", None),
            ("https://evil.example/", None),
            ("//evil.example/", None),
            ("/\\evil.example", None),
            ("/me\r\nSet-Cookie: x", None),
        ] {
            assert_eq!(local_path(input), expected, "{input:?}");
        }
    }
}
