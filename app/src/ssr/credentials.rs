//! The issuer's identity (`did:web`) and certificates as Open Badges 3.0
//! Verifiable Credentials, signed with an `eddsa-jcs-2022` proof.

use super::signing::{self, IssuerKey, SigningError};
use ed25519_dalek::VerifyingKey;
use serde_json::{json, Value};

/// Who signs: the key, and the DID and verification method that name it.
pub struct Issuer {
    pub key: IssuerKey,
    /// `did:web:…` for the public address.
    pub did: String,
    pub name: String,
    /// The certification body's contact address, shown by wallets.
    pub email: Option<String>,
    /// Where the public reaches this server, without a trailing slash.
    pub public_url: String,
}

impl Issuer {
    pub fn new(key: IssuerKey, public_url: &str, name: &str) -> Self {
        Issuer {
            key,
            did: did_web(public_url),
            name: name.to_owned(),
            email: None,
            public_url: public_url.trim().trim_end_matches('/').to_owned(),
        }
    }

    pub fn verification_method(&self) -> String {
        format!("{}#key-1", self.did)
    }

    /// The DID document served at `/.well-known/did.json`.
    pub fn did_document(&self) -> Value {
        let method = self.verification_method();
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [{
                "id": method,
                "type": "Multikey",
                "controller": self.did,
                "publicKeyMultibase": self.key.public_multibase(),
            }],
            "assertionMethod": [method],
        })
    }
}

/// `did:web` for an origin: the host, a port as `%3A`, path segments as `:`.
pub fn did_web(public_url: &str) -> String {
    let rest = public_url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or_default().replace(':', "%3A");
    let path: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    if path.is_empty() {
        format!("did:web:{host}")
    } else {
        format!("did:web:{host}:{}", path.join(":"))
    }
}

/// What a credential states about one certificate.
pub struct CertificateFacts<'a> {
    pub number: &'a str,
    pub holder_name: &'a str,
    pub type_name: (&'a str, &'a str),
    pub centre_name: (&'a str, &'a str),
    pub issued_on: &'a str,
    pub expires_on: &'a str,
    /// The public page of the certificate (`/verify/{number}`).
    pub verify_url: &'a str,
    /// The course the certificate type requires: its public page is what
    /// the achievement's criteria point to.
    pub course_code: &'a str,
    /// Whether the type also requires a passed final examination.
    pub requires_exam: bool,
    /// The certificate's place in the status lists.
    pub status_list: i64,
    pub status_index: i64,
}

/// The unsigned Open Badges 3.0 credential for a certificate. Every term is
/// defined by the two contexts it names (JSON-LD safe mode), its status is
/// in the W3C Bitstring Status Lists, and it has what a wallet shows: the
/// issuer's name, address and e-mail, the achievement's description and
/// criteria in both languages, and an image.
pub fn credential(issuer: &Issuer, facts: &CertificateFacts<'_>) -> Value {
    let base = &issuer.public_url;
    let course_url = format!("{base}/courses/{}", facts.course_code);
    let prefix = facts.number.split('-').next().unwrap_or_default();
    let (type_zh, type_en) = facts.type_name;
    let (centre_zh, centre_en) = facts.centre_name;
    let (exam_zh, exam_en) = if facts.requires_exam {
        ("并通过结业考试", " and passed its final examination")
    } else {
        ("", "")
    };
    let mut profile = json!({
        "id": issuer.did,
        "type": ["Profile"],
        "name": issuer.name,
        "url": base,
    });
    if let (Some(email), Some(object)) = (&issuer.email, profile.as_object_mut()) {
        object.insert("email".into(), email.as_str().into());
    }
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": facts.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "name": format!("{type_zh} / {type_en}"),
        "validFrom": format!("{}T00:00:00+08:00", facts.issued_on),
        "validUntil": format!("{}T23:59:59+08:00", facts.expires_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": facts.holder_name,
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": facts.number,
                "identityType": "identifier",
                "hashed": false
            }],
            "achievement": {
                "id": format!("{course_url}#certificate-{prefix}"),
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": format!("{type_zh} / {type_en}"),
                "description": format!(
                    "{centre_zh}颁发的{type_zh}证书。\n\n\
                     The {type_en} certificate of the {centre_en}."
                ),
                "criteria": {
                    "id": course_url,
                    "narrative": format!(
                        "完成{centre_zh}的课程 {course}{exam_zh}，经认证决定后颁发；\
                         在有效期内、未被暂停或撤销时有效。\n\n\
                         Completed the course {course} of the {centre_en}{exam_en}, then \
                         certified by a certification decision; valid within its dates \
                         unless suspended or revoked.",
                        course = facts.course_code
                    )
                },
                "image": {
                    "id": format!("{base}/badge.svg"),
                    "type": "Image",
                    "caption": format!("{type_zh} / {type_en}")
                }
            }
        },
        "credentialStatus": super::status_list::entries(base, facts.status_list, facts.status_index)
    })
}

/// Signs a credential with the issuer's key at `created` (RFC 3339).
pub fn sign(issuer: &Issuer, credential: &Value, created: &str) -> Result<Value, SigningError> {
    issuer
        .key
        .sign(credential, &issuer.verification_method(), created)
}

/// What an offline check of a credential found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub signature: Result<(), String>,
    pub issuer_key: Result<(), String>,
    pub dates: Result<(), String>,
}

impl Check {
    pub fn passed(&self) -> bool {
        self.signature.is_ok() && self.issuer_key.is_ok() && self.dates.is_ok()
    }
}

/// Checks a signed credential offline against the issuer's public key:
/// the proof, that the proof names this issuer's key, and that `now`
/// (RFC 3339, compared as an instant) lies in the validity period.
pub fn check(signed: &Value, issuer: &Issuer, now: time::OffsetDateTime) -> Check {
    check_with(
        signed,
        &issuer.key.public(),
        &issuer.verification_method(),
        now,
    )
}

/// The issuer's public key and its verification method from its published
/// `did:web` document (`/.well-known/did.json`), for checks by anyone who
/// holds a copy of that document but not the issuer's key file.
pub fn published_key(did_document: &Value) -> Result<(VerifyingKey, String), String> {
    let method = did_document["assertionMethod"][0]
        .as_str()
        .ok_or("no assertionMethod in the DID document")?;
    let entry = did_document["verificationMethod"]
        .as_array()
        .and_then(|methods| methods.iter().find(|m| m["id"] == method))
        .ok_or_else(|| format!("the DID document does not describe {method}"))?;
    let multibase = entry["publicKeyMultibase"]
        .as_str()
        .ok_or("no publicKeyMultibase in the DID document")?;
    let key = signing::parse_public_multibase(multibase).map_err(|e| e.to_string())?;
    Ok((key, method.to_owned()))
}

/// [`check`] against a public key and the verification method it is known by.
pub fn check_with(
    signed: &Value,
    key: &VerifyingKey,
    expected_method: &str,
    now: time::OffsetDateTime,
) -> Check {
    let signature = signing::verify(signed, key).map_err(|e| e.to_string());
    let issuer_key = match &signature {
        Ok((method, _)) if method == expected_method => Ok(()),
        Ok((method, _)) => Err(format!("signed by {method}, not {expected_method}")),
        Err(_) => Err("not signed by this issuer's key".to_owned()),
    };
    let instant = |field: &str| {
        signed.get(field).and_then(Value::as_str).and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
    };
    let dates = match (instant("validFrom"), instant("validUntil")) {
        (Some(from), _) if now < from => Err(format!("not valid before {from}")),
        (Some(_), Some(until)) if now > until => Err(format!("expired at {until}")),
        (Some(_), _) => Ok(()),
        (None, _) => Err("no readable validFrom".to_owned()),
    };
    Check {
        signature: signature.map(|_| ()),
        issuer_key,
        dates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> Issuer {
        Issuer::new(
            IssuerKey::from_seed([9; 32]),
            "https://academy.example.cn:8443/",
            "国家清洁生产中心",
        )
    }

    fn facts() -> CertificateFacts<'static> {
        CertificateFacts {
            number: "CPA-2000-00070",
            holder_name: "李晓梅",
            type_name: ("清洁生产审核员", "Cleaner Production Auditor"),
            centre_name: ("国家清洁生产中心", "National Cleaner Production Centre"),
            issued_on: "2000-05-21",
            expires_on: "2003-05-20",
            verify_url: "https://academy.example.cn:8443/verify/CPA-2000-00070",
            course_code: "CP-AUD",
            requires_exam: true,
            status_list: 1,
            status_index: 4711,
        }
    }

    fn at(text: &str) -> time::OffsetDateTime {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    }

    #[test]
    fn did_web_names_host_port_and_path() {
        assert_eq!(
            did_web("https://academy.example.cn"),
            "did:web:academy.example.cn"
        );
        assert_eq!(
            did_web("http://127.0.0.1:3000/"),
            "did:web:127.0.0.1%3A3000"
        );
        assert_eq!(
            did_web("https://example.cn/ncpc/academy"),
            "did:web:example.cn:ncpc:academy"
        );
        let document = issuer().did_document();
        assert_eq!(document["id"], "did:web:academy.example.cn%3A8443");
        assert_eq!(
            document["assertionMethod"][0],
            "did:web:academy.example.cn%3A8443#key-1"
        );
    }

    #[test]
    fn a_signed_certificate_checks_out_offline_within_its_dates() {
        let issuer = issuer();
        let signed = sign(
            &issuer,
            &credential(&issuer, &facts()),
            "2000-05-21T09:00:00+08:00",
        )
        .unwrap();
        let ok = check(&signed, &issuer, at("2001-01-01T00:00:00Z"));
        assert!(ok.passed(), "{ok:?}");
        let late = check(&signed, &issuer, at("2003-05-21T00:00:00+08:00"));
        assert!(late.signature.is_ok() && late.dates.is_err());
        let early = check(&signed, &issuer, at("2000-05-20T00:00:00+08:00"));
        assert!(early.dates.is_err());

        let mut tampered = signed.clone();
        tampered["validUntil"] = "2099-12-31T23:59:59+08:00".into();
        let bad = check(&tampered, &issuer, at("2001-01-01T00:00:00Z"));
        assert!(bad.signature.is_err() && !bad.passed());

        let stranger = Issuer::new(
            IssuerKey::from_seed([1; 32]),
            "https://academy.example.cn:8443/",
            "x",
        );
        assert!(check(&signed, &stranger, at("2001-01-01T00:00:00Z"))
            .issuer_key
            .is_err());
    }
}
