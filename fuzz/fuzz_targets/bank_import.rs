//! The question bank's import (CSV and JSON): any text gives rows or a problem.
#![no_main]
use app::domain::bank::{check, BankFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = check(BankFormat::Csv, text);
        let _ = check(BankFormat::Json, text);
    }
});
