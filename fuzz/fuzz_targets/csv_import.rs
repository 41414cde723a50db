//! The trainee import's CSV check: any text gives rows or a problem, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = app::domain::import::check(text);
        let _ = app::domain::csv::parse_lines(text);
    }
});
