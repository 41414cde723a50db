//! Verifying a credential someone hands in (`academy verify`): any JSON,
//! signed or not, gives a verdict, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let key = app::ssr::signing::IssuerKey::from_seed([7; 32]);
    let _ = app::ssr::credentials::check_with(
        &value,
        &key.public(),
        "did:web:academy.example#key-1",
        time::OffsetDateTime::UNIX_EPOCH,
    );
    let _ = app::ssr::signing::verify(&value, &key.public());
    let _ = app::ssr::credentials::published_key(&value);
});
