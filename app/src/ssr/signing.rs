//! The issuer's Ed25519 key and Data Integrity proofs (`eddsa-jcs-2022`,
//! W3C VC Data Integrity EdDSA Cryptosuites v1.0) over JSON credentials.
//!
//! A proof signs SHA-256(JCS(proof options)) ‖ SHA-256(JCS(document without
//! its proof)), where JCS is the JSON Canonicalization Scheme (RFC 8785).
//! Credentials hold strings, integers, booleans, arrays and objects only;
//! a fractional number is refused rather than canonicalised approximately.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The multicodec prefix of an Ed25519 public key in a Multikey.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigningError {
    #[error("the document cannot be canonicalised: {0}")]
    NotCanonical(&'static str),
    #[error("the document has no proof")]
    NoProof,
    #[error("the proof is not an {CRYPTOSUITE} Data Integrity proof")]
    WrongProofType,
    #[error("the proof value or key is not valid multibase")]
    BadEncoding,
    #[error("the signature does not match the document")]
    BadSignature,
    #[error("the key file is unreadable: {0}")]
    KeyFile(String),
}

/// The issuing body's signing key.
pub struct IssuerKey {
    signing: SigningKey,
}

impl IssuerKey {
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        IssuerKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        IssuerKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// Reads the key from `path` (the 32-byte seed in base64), creating it
    /// on first start with owner-only permissions. A key file others may
    /// read is refused: whoever reads it can sign certificates.
    pub fn load_or_create(path: &Path) -> Result<Self, SigningError> {
        let io = |e: std::io::Error| SigningError::KeyFile(format!("{}: {e}", path.display()));
        if path.exists() {
            check_private(path)?;
            let text = std::fs::read_to_string(path).map_err(io)?;
            let bytes = STANDARD
                .decode(text.trim())
                .map_err(|_| SigningError::KeyFile(format!("{}: not base64", path.display())))?;
            let seed: [u8; 32] = bytes.try_into().map_err(|_| {
                SigningError::KeyFile(format!("{}: not a 32-byte Ed25519 seed", path.display()))
            })?;
            return Ok(Self::from_seed(seed));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let key = Self::generate();
        let text = STANDARD.encode(key.signing.to_bytes());
        write_private(path, &text).map_err(io)?;
        Ok(key)
    }

    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
    pub fn public_multibase(&self) -> String {
        public_multibase(&self.public())
    }

    /// Adds an `eddsa-jcs-2022` proof to `document`, made by
    /// `verification_method` (the key's id in the issuer's DID document) at
    /// `created` (an XML Schema dateTime).
    pub fn sign(
        &self,
        document: &Value,
        verification_method: &str,
        created: &str,
    ) -> Result<Value, SigningError> {
        let mut unsigned = document.clone();
        let object = unsigned
            .as_object_mut()
            .ok_or(SigningError::NotCanonical("a credential is a JSON object"))?;
        object.remove("proof");
        let mut options = Map::new();
        options.insert("type".into(), "DataIntegrityProof".into());
        options.insert("cryptosuite".into(), CRYPTOSUITE.into());
        options.insert("created".into(), created.into());
        options.insert("verificationMethod".into(), verification_method.into());
        options.insert("proofPurpose".into(), "assertionMethod".into());
        if let Some(context) = object.get("@context") {
            options.insert("@context".into(), context.clone());
        }
        let options = Value::Object(options);
        let signature = self.signing.sign(&hash_data(&options, &unsigned)?);
        // The proof keeps its @context, as the cryptosuite specifies: a
        // verifier rebuilds the options from the proof as it stands.
        let mut proof = options;
        if let Some(proof) = proof.as_object_mut() {
            proof.insert(
                "proofValue".into(),
                format!("z{}", bs58::encode(signature.to_bytes()).into_string()).into(),
            );
        }
        // A set of one proof: Open Badges 3.0 wants `proof` as an array,
        // which Data Integrity allows (a proof set).
        let mut signed = unsigned;
        if let Some(object) = signed.as_object_mut() {
            object.insert("proof".into(), Value::Array(vec![proof]));
        }
        Ok(signed)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Refuses a key file that anyone but its owner may read or write.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), SigningError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| SigningError::KeyFile(format!("{}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(SigningError::KeyFile(format!(
            "{} may be read by others (mode {:o}); whoever reads it can sign certificates. \
             Make it the owner's alone: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), SigningError> {
    Ok(())
}

pub fn public_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Reads a Multikey `publicKeyMultibase`.
pub fn parse_public_multibase(text: &str) -> Result<VerifyingKey, SigningError> {
    let encoded = text.strip_prefix('z').ok_or(SigningError::BadEncoding)?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| SigningError::BadEncoding)?;
    let key: [u8; 32] = bytes
        .strip_prefix(&ED25519_PUB)
        .and_then(|k| k.try_into().ok())
        .ok_or(SigningError::BadEncoding)?;
    VerifyingKey::from_bytes(&key).map_err(|_| SigningError::BadEncoding)
}

fn hash_data(options: &Value, document: &Value) -> Result<Vec<u8>, SigningError> {
    let mut data = Sha256::digest(canonical(options)?.as_bytes()).to_vec();
    data.extend_from_slice(&Sha256::digest(canonical(document)?.as_bytes()));
    Ok(data)
}

/// Checks the `eddsa-jcs-2022` proof of `signed` against `key`; returns the
/// proof's `verificationMethod` and `created`.
pub fn verify(signed: &Value, key: &VerifyingKey) -> Result<(String, String), SigningError> {
    let object = signed
        .as_object()
        .ok_or(SigningError::NotCanonical("a credential is a JSON object"))?;
    // One proof, alone or as a set of one; Academy never makes more.
    let proof = match object.get("proof") {
        Some(Value::Array(set)) if set.len() == 1 => set[0].as_object(),
        Some(Value::Array(set)) if set.len() > 1 => return Err(SigningError::WrongProofType),
        Some(proof) => proof.as_object(),
        None => None,
    }
    .ok_or(SigningError::NoProof)?;
    let text = |field: &str| proof.get(field).and_then(Value::as_str);
    if text("type") != Some("DataIntegrityProof") || text("cryptosuite") != Some(CRYPTOSUITE) {
        return Err(SigningError::WrongProofType);
    }
    let value = text("proofValue")
        .and_then(|v| v.strip_prefix('z'))
        .ok_or(SigningError::BadEncoding)?;
    let bytes = bs58::decode(value)
        .into_vec()
        .map_err(|_| SigningError::BadEncoding)?;
    let signature = Signature::from_slice(&bytes).map_err(|_| SigningError::BadEncoding)?;
    let mut options = proof.clone();
    options.remove("proofValue");
    let mut unsigned = object.clone();
    unsigned.remove("proof");
    // The document's contexts must begin with the proof's, in order.
    if let Some(context) = options.get("@context") {
        let as_list = |v: Option<&Value>| match v {
            Some(Value::Array(items)) => items.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        };
        let wanted = as_list(Some(context));
        if !as_list(unsigned.get("@context")).starts_with(&wanted) {
            return Err(SigningError::BadSignature);
        }
    }
    let data = hash_data(&Value::Object(options), &Value::Object(unsigned))?;
    key.verify(&data, &signature)
        .map_err(|_| SigningError::BadSignature)?;
    Ok((
        text("verificationMethod").unwrap_or_default().to_owned(),
        text("created").unwrap_or_default().to_owned(),
    ))
}

/// RFC 8785 canonical JSON: no whitespace, object members sorted by their
/// names' UTF-16 code units, strings escaped as ECMAScript does.
pub fn canonical(value: &Value) -> Result<String, SigningError> {
    let mut out = String::new();
    write_canonical(value, &mut out)?;
    Ok(out)
}

fn write_canonical(value: &Value, out: &mut String) -> Result<(), SigningError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                // Beyond 2^53 ECMAScript would round: refuse rather than differ.
                if i.unsigned_abs() > (1u64 << 53) {
                    return Err(SigningError::NotCanonical("integer beyond 2^53"));
                }
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                if u > (1u64 << 53) {
                    return Err(SigningError::NotCanonical("integer beyond 2^53"));
                }
                out.push_str(&u.to_string());
            } else {
                return Err(SigningError::NotCanonical("fractional number"));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (name, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_canonical(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn credential() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:web:academy.example",
            "validFrom": "2000-05-21T00:00:00Z",
            "credentialSubject": { "name": "李晓梅", "number": "CPA-2000-00070" }
        })
    }

    #[test]
    fn jcs_sorts_members_and_escapes_like_ecmascript() {
        let value = json!({"b": [1, "x\n\u{1}"], "a": {"é": true, "Z": null}, "": -7});
        assert_eq!(
            canonical(&value).unwrap(),
            r#"{"":-7,"a":{"Z":null,"é":true},"b":[1,"x\n\u0001"]}"#
        );
        // UTF-16 order: U+1F600 (a surrogate pair, 0xD83D…) sorts before U+FF21.
        let value = json!({"\u{FF21}": 1, "\u{1F600}": 2});
        assert_eq!(
            canonical(&value).unwrap(),
            "{\"\u{1F600}\":2,\"\u{FF21}\":1}"
        );
        assert!(canonical(&json!({"x": 1.5})).is_err());
    }

    #[test]
    fn a_signed_credential_verifies_with_the_issuers_key_only() {
        let key = IssuerKey::from_seed([7; 32]);
        let method = "did:web:academy.example#key-1";
        let signed = key
            .sign(&credential(), method, "2026-11-29T00:00:00Z")
            .unwrap();
        assert_eq!(signed["proof"][0]["cryptosuite"], CRYPTOSUITE);
        assert_eq!(signed["proof"][0]["@context"], credential()["@context"]);
        assert_eq!(
            verify(&signed, &key.public()).unwrap(),
            (method.to_owned(), "2026-11-29T00:00:00Z".to_owned())
        );
        let other = IssuerKey::from_seed([8; 32]);
        assert_eq!(
            verify(&signed, &other.public()),
            Err(SigningError::BadSignature)
        );
        // Member order and whitespace do not matter; the content does.
        let reparsed: Value =
            serde_json::from_str(&serde_json::to_string_pretty(&signed).unwrap()).unwrap();
        assert!(verify(&reparsed, &key.public()).is_ok());
        let mut renamed = signed.clone();
        renamed["credentialSubject"]["name"] = "李晓海".into();
        assert_eq!(
            verify(&renamed, &key.public()),
            Err(SigningError::BadSignature)
        );
        let mut unsigned = signed;
        unsigned.as_object_mut().unwrap().remove("proof");
        assert_eq!(verify(&unsigned, &key.public()), Err(SigningError::NoProof));
    }

    #[test]
    fn the_public_key_round_trips_as_a_multikey() {
        let key = IssuerKey::from_seed([1; 32]);
        let text = key.public_multibase();
        assert!(text.starts_with("z6Mk"), "{text}");
        assert_eq!(parse_public_multibase(&text).unwrap(), key.public());
        assert_eq!(
            parse_public_multibase("x123"),
            Err(SigningError::BadEncoding)
        );
    }

    #[test]
    fn the_key_file_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("academy-key-{}", std::process::id()));
        let path = dir.join("issuer.key");
        let _ = std::fs::remove_file(&path);
        let first = IssuerKey::load_or_create(&path).unwrap();
        let second = IssuerKey::load_or_create(&path).unwrap();
        assert_eq!(first.public(), second.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(IssuerKey::load_or_create(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn changing_any_byte_of_a_signed_credential_fails_verification(position in any::<prop::sample::Index>(), replacement in any::<u8>()) {
            let key = IssuerKey::from_seed([3; 32]);
            let signed = key.sign(&credential(), "did:web:academy.example#key-1", "2026-11-29T00:00:00Z").unwrap();
            let mut bytes = serde_json::to_vec(&signed).unwrap();
            let i = position.index(bytes.len());
            prop_assume!(bytes[i] != replacement);
            bytes[i] = replacement;
            // Either it no longer parses, or it parses to something that
            // does not verify (or to the same JSON, e.g. a changed escape).
            if let Ok(tampered) = serde_json::from_slice::<Value>(&bytes) {
                if tampered != signed {
                    prop_assert!(verify(&tampered, &key.public()).is_err());
                }
            }
        }
    }
}
