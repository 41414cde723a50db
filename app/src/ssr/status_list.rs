//! Certificate status for any verifier: the W3C Bitstring Status List
//! (a W3C Recommendation). Every certificate has one index in a list; the
//! list has a revocation bitstring and a suspension bitstring, each served
//! as a signed `BitstringStatusListCredential` at a stable address, and
//! every credential names both entries.
//!
//! Bit `i` is bit `7 - i % 8` of byte `i / 8` (the first index is the
//! left-most bit); the served form is the gzip of the bitstring in
//! multibase base64url without padding (`u…`).

use super::credentials::Issuer;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::io::{Read, Write};

/// Bits per list: the specification's minimum, so a list of a few
/// certificates does not tell which of its indexes are in use (herd privacy).
pub const LIST_BITS: usize = 131_072;
/// Certificates per list before a new one is opened: a quarter of its
/// indexes, so a random free one is found at the first or second try and
/// most of every list is never used.
pub const LIST_CAPACITY: i64 = (LIST_BITS / 4) as i64;
/// How long a verifier may use a fetched list before fetching it again.
pub const TTL_SECS: i64 = 300;
/// A served list is signed for this long: a copy older than this is stale.
pub const VALIDITY_SECS: i64 = 24 * 3600;
/// The largest bitstring a decoder accepts (a gzip bomb stops here).
const MAX_DECODED: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    Revocation,
    Suspension,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Purpose::Revocation, Purpose::Suspension];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Revocation => "revocation",
            Purpose::Suspension => "suspension",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// An empty bitstring of `LIST_BITS` bits.
pub fn empty() -> Vec<u8> {
    vec![0; LIST_BITS / 8]
}

pub fn bit(bits: &[u8], index: usize) -> Option<bool> {
    bits.get(index / 8)
        .map(|byte| byte & (0x80 >> (index % 8)) != 0)
}

/// Sets bit `index`; `false` when the index is outside the list.
pub fn set_bit(bits: &mut [u8], index: usize, on: bool) -> bool {
    let Some(byte) = bits.get_mut(index / 8) else {
        return false;
    };
    let mask = 0x80 >> (index % 8);
    if on {
        *byte |= mask;
    } else {
        *byte &= !mask;
    }
    true
}

/// The `encodedList` of a bitstring.
pub fn encode(bits: &[u8]) -> String {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = gzip.write_all(bits);
    let compressed = gzip.finish().unwrap_or_default();
    format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// The bitstring of an `encodedList`, or why it is not one.
pub fn decode(encoded: &str) -> Result<Vec<u8>, String> {
    let text = encoded
        .strip_prefix('u')
        .ok_or("the encoded list is not multibase base64url (no 'u' prefix)")?;
    let compressed = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| "the encoded list is not base64url")?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(MAX_DECODED + 1)
        .read_to_end(&mut bits)
        .map_err(|_| "the encoded list is not gzip")?;
    if bits.len() as u64 > MAX_DECODED {
        return Err("the encoded list is too large".into());
    }
    Ok(bits)
}

/// The stable address of a list's status list credential.
pub fn list_url(public_url: &str, list: i64, purpose: Purpose) -> String {
    format!(
        "{public_url}/api/v1/status-lists/{list}/{}",
        purpose.as_str()
    )
}

/// The two `credentialStatus` entries of the certificate at `index` in `list`.
pub fn entries(public_url: &str, list: i64, index: i64) -> Value {
    Value::Array(
        Purpose::ALL
            .into_iter()
            .map(|purpose| {
                let url = list_url(public_url, list, purpose);
                json!({
                    "id": format!("{url}#{index}"),
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": purpose.as_str(),
                    "statusListIndex": index.to_string(),
                    "statusListCredential": url,
                })
            })
            .collect(),
    )
}

/// The unsigned status list credential of one purpose of a list, valid from
/// `valid_from` (Unix seconds) for `VALIDITY_SECS`.
pub fn list_credential(
    issuer: &Issuer,
    list: i64,
    purpose: Purpose,
    bits: &[u8],
    valid_from: i64,
) -> Value {
    let url = list_url(&issuer.public_url, list, purpose);
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": rfc3339(valid_from),
        "validUntil": rfc3339(valid_from + VALIDITY_SECS),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": encode(bits),
            "ttl": TTL_SECS * 1000,
        }
    })
}

pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A `credentialStatus` entry of a credential, as read by a verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub purpose: String,
    pub index: usize,
    pub list_credential: String,
}

/// The Bitstring Status List entries of a credential.
pub fn entries_of(credential: &Value) -> Result<Vec<Entry>, String> {
    let status = match credential.get("credentialStatus") {
        None => return Ok(Vec::new()),
        Some(Value::Array(entries)) => entries.clone(),
        Some(entry) => vec![entry.clone()],
    };
    status
        .iter()
        .filter(|entry| entry["type"] == "BitstringStatusListEntry")
        .map(|entry| {
            let text = |field: &str| {
                entry[field]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("a status entry has no {field}"))
            };
            Ok(Entry {
                purpose: text("statusPurpose")?,
                index: text("statusListIndex")?
                    .parse()
                    .map_err(|_| "a statusListIndex is not a number".to_owned())?,
                list_credential: text("statusListCredential")?,
            })
        })
        .collect()
}

/// Whether the bit of `entry` is set in a status list credential already
/// checked as signed by the issuer: the list must be for the same purpose,
/// within its validity at `now`, and long enough.
pub fn status_in(
    entry: &Entry,
    list_credential: &Value,
    now: time::OffsetDateTime,
) -> Result<bool, String> {
    let subject = &list_credential["credentialSubject"];
    if list_credential["id"] != entry.list_credential.as_str() {
        return Err(format!(
            "the status list at {} names itself {}",
            entry.list_credential, list_credential["id"]
        ));
    }
    if subject["statusPurpose"] != entry.purpose.as_str() {
        return Err(format!(
            "the status list at {} is not for {}",
            entry.list_credential, entry.purpose
        ));
    }
    let instant = |field: &str| {
        list_credential[field].as_str().and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
    };
    if instant("validFrom").is_some_and(|from| now < from) {
        return Err("the status list is not valid yet".into());
    }
    if instant("validUntil").is_some_and(|until| now > until) {
        return Err("the status list has expired: fetch it again".into());
    }
    let bits = decode(
        subject["encodedList"]
            .as_str()
            .ok_or("the status list has no encodedList")?,
    )?;
    if bits.len() * 8 < LIST_BITS {
        return Err("the status list is shorter than 131,072 entries".into());
    }
    bit(&bits, entry.index).ok_or_else(|| format!("index {} is outside the list", entry.index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_index_is_the_left_most_bit() {
        let mut bits = empty();
        assert!(set_bit(&mut bits, 0, true));
        assert!(set_bit(&mut bits, 9, true));
        assert_eq!(bits[0], 0b1000_0000);
        assert_eq!(bits[1], 0b0100_0000);
        assert_eq!(bit(&bits, 9), Some(true));
        assert_eq!(bit(&bits, 10), Some(false));
        assert!(set_bit(&mut bits, 9, false));
        assert_eq!(bit(&bits, 9), Some(false));
        assert!(!set_bit(&mut bits, LIST_BITS, true));
        assert_eq!(bit(&bits, LIST_BITS), None);
    }

    #[test]
    fn an_encoded_list_decodes_to_the_same_bits_and_is_small() {
        let mut bits = empty();
        for index in [3, 77, 131_071] {
            set_bit(&mut bits, index, true);
        }
        let encoded = encode(&bits);
        assert!(encoded.starts_with('u'));
        assert!(encoded.len() < 400, "{} characters", encoded.len());
        assert_eq!(decode(&encoded).unwrap(), bits);
    }

    #[test]
    fn what_is_not_an_encoded_list_is_refused() {
        assert!(decode("not multibase").is_err());
        assert!(decode("u!!!").is_err());
        assert!(decode(&format!("u{}", URL_SAFE_NO_PAD.encode(b"plain"))).is_err());
        // Sixty-four megabytes of zeros gzip to a few kilobytes.
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..64 {
            gzip.write_all(&vec![0u8; 1024 * 1024]).unwrap();
        }
        let bomb = format!("u{}", URL_SAFE_NO_PAD.encode(gzip.finish().unwrap()));
        assert_eq!(decode(&bomb), Err("the encoded list is too large".into()));
    }

    #[test]
    fn a_credential_names_both_entries_and_they_read_back() {
        let value = json!({ "credentialStatus": entries("https://academy.example", 2, 4711) });
        let read = entries_of(&value).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].purpose, "revocation");
        assert_eq!(read[1].purpose, "suspension");
        assert_eq!(read[0].index, 4711);
        assert_eq!(
            read[1].list_credential,
            "https://academy.example/api/v1/status-lists/2/suspension"
        );
    }
}

/// Signed status list credentials as last served, by list and purpose:
/// signing is cheap but verifiers fetch the same list over and over.
#[derive(Clone, Default)]
pub struct Cache {
    served: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(i64, Purpose), Served>>>,
    /// The day lapsed suspensions were last swept (China's date).
    swept: std::sync::Arc<std::sync::Mutex<String>>,
}

/// One signed list: for which version of the stored bits, on which day
/// (lapsed suspensions are swept once a day), signed when.
#[derive(Clone)]
pub struct Served {
    pub version: i64,
    pub day: String,
    pub signed_at: i64,
    pub updated_at: i64,
    pub body: std::sync::Arc<String>,
}

impl Served {
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.version, self.signed_at)
    }
}

/// A signed copy is re-signed after this long, so what is served always has
/// most of its validity ahead of it.
pub const RESIGN_SECS: i64 = 3600;

impl Cache {
    /// The served copy, if it is of `version` on `day` and fresh at `now`.
    pub fn get(&self, key: (i64, Purpose), version: i64, day: &str, now: i64) -> Option<Served> {
        let served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        served
            .get(&key)
            .filter(|s| s.version == version && s.day == day && now - s.signed_at < RESIGN_SECS)
            .cloned()
    }

    /// Whether lapsed suspensions were already swept on `day`.
    pub fn swept_on(&self, day: &str) -> bool {
        *self.swept.lock().unwrap_or_else(|e| e.into_inner()) == day
    }

    pub fn mark_swept(&self, day: &str) {
        *self.swept.lock().unwrap_or_else(|e| e.into_inner()) = day.to_owned();
    }

    pub fn put(&self, key: (i64, Purpose), served: Served) {
        let mut all = self.served.lock().unwrap_or_else(|e| e.into_inner());
        all.insert(key, served);
    }
}
