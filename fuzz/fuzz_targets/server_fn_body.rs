//! A server function's body as the server decodes it (form-encoded, as
//! server_fn's PostUrl does): any bytes give arguments or an error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn decode<T: serde::de::DeserializeOwned>(text: &str) {
    let _ = serde_qs::Config::new(5, false).deserialize_str::<T>(text);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    decode::<app::api::auth::Login>(text);
    decode::<app::api::auth::Register>(text);
    decode::<app::api::certification::IssueCertificates>(text);
    decode::<app::api::certification::ChangeCertificate>(text);
    decode::<app::api::grading::CreateExam>(text);
    decode::<app::api::bank::SaveQuestion>(text);
    decode::<app::api::exams::SaveAnswer>(text);
    decode::<app::api::import::ImportTrainees>(text);
});
