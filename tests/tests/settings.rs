//! The `academy` binary checks every setting before it touches anything:
//! a value it cannot use, or an `ACADEMY_*` variable it does not know, stops
//! it with a message naming the variable and exit code 2.

use academy_tests::browser::academy_binary;
use std::process::{Command, Stdio};

/// Runs `academy ARGS` in `dir` with only the given ACADEMY_* variables.
fn academy(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(academy_binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("ACADEMY_") {
            command.env_remove(name);
        }
    }
    command
        .current_dir(dir)
        .args(args)
        .env("ACADEMY_LOG", "warn")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the academy binary runs")
}

#[test]
fn a_database_academy_does_not_serve_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = academy(
        dir.path(),
        &["migrate"],
        &[("ACADEMY_DATABASE_URL", "postgres://db.example/academy")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ACADEMY_DATABASE_URL"), "{stderr}");
    assert!(stderr.contains("postgres://"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file or folder was created"
    );
}

#[test]
fn an_unknown_setting_is_named_with_the_one_it_resembles() {
    let dir = tempfile::tempdir().unwrap();
    let out = academy(dir.path(), &["migrate"], &[("ACADEMY_DATABSE_URL", "x.db")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ACADEMY_DATABSE_URL"), "{stderr}");
    assert!(
        stderr.contains("did you mean ACADEMY_DATABASE_URL"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn unparsable_numbers_and_addresses_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in [
        ("ACADEMY_ADDR", "localhost"),
        ("ACADEMY_SESSION_DAYS", "a fortnight"),
        ("ACADEMY_HASH_CONCURRENCY", "0"),
        ("ACADEMY_TRUST_PROXY", "perhaps"),
    ] {
        let out = academy(dir.path(), &["migrate"], &[(name, value)]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(name),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn the_server_refuses_a_signing_key_others_may_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("issuer.key");
    // A key made by the server itself is the owner's alone.
    let out = academy(
        dir.path(),
        &["serve"],
        &[
            ("ACADEMY_DATABASE_URL", "first.db"),
            ("ACADEMY_ISSUER_KEY", "issuer.key"),
            ("ACADEMY_ADDR", "256.0.0.1:1"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "the address is refused first");
    assert!(!key.exists());
    std::fs::write(&key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = academy(
        dir.path(),
        &["serve"],
        &[
            ("ACADEMY_DATABASE_URL", "academy.db"),
            ("ACADEMY_ISSUER_KEY", "issuer.key"),
            ("ACADEMY_ADDR", "127.0.0.1:0"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ACADEMY_ISSUER_KEY"), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(
        !dir.path().join("academy.db").exists(),
        "no database was created"
    );
}

#[test]
fn the_help_says_the_issuer_key_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = academy(dir.path(), &["--help"], &[]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("ACADEMY_ISSUER_KEY       path of the file"),
        "{help}"
    );
    assert!(!help.contains("Ed25519 seed (base64) that signs"), "{help}");
}

#[test]
fn a_scale_the_generator_does_not_make_is_refused_before_anything_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    for scale in ["--scale=0", "--scale=-1", "--scale=11"] {
        let out = academy(
            dir.path(),
            &["demo", scale],
            &[("ACADEMY_DATABASE_URL", "academy.db")],
        );
        assert!(!out.status.success(), "{scale}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--scale must be above 0"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no database was made"
    );
}
