//! What a browser pays for a page, against the release server: no stall on
//! a kept-alive connection, and the wasm budgets of STYLE.md.

use academy_tests::browser::{site_root, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KB: usize = 1024;

/// The pages a visitor opens first (STYLE.md: at most 60 KB of wasm and
/// JavaScript together, or none where nothing on the page needs it).
const FIRST_PAGES: [&str; 8] = [
    "/",
    "/courses",
    "/courses/CPA-AUD",
    "/verify",
    "/verify/CPA-1999-00001",
    "/auditors",
    "/login",
    "/register",
];

/// Size after `gzip -9`, the measure of STYLE.md's budgets.
fn gzip9(bytes: &[u8]) -> usize {
    let mut gzip = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut input = gzip.stdin.take().expect("stdin");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let output = gzip.wait_with_output().expect("gzip output");
    writer.join().expect("writer").expect("write to gzip");
    output.stdout.len()
}

fn gzip9_file(path: &Path) -> usize {
    gzip9(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn wasm_files() -> Vec<std::path::PathBuf> {
    let pkg = site_root().join("pkg");
    let mut files: Vec<_> = std::fs::read_dir(&pkg)
        .unwrap_or_else(|e| panic!("{}: {e}", pkg.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "wasm"))
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn every_wasm_file_the_server_serves_is_at_most_200_kb_gzip() {
    let server = Server::start().await;
    let client = reqwest::Client::new();
    let files = wasm_files();
    assert!(!files.is_empty(), "no wasm in {}", site_root().display());
    for file in files {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let raw = std::fs::metadata(&file).expect("size").len() as usize;
        let response = client
            .get(format!("{}/pkg/{name}", server.base))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "/pkg/{name} is not served");
        let served = response.bytes().await.expect("body");
        assert_eq!(
            served.len(),
            raw,
            "/pkg/{name} served is not the built file"
        );
        let gzip = gzip9(&served);
        println!("/pkg/{name}: {raw} bytes, {gzip} gzip -9");
        assert!(
            gzip <= 200 * KB,
            "/pkg/{name} is {gzip} bytes gzip -9, over the 200 KB budget"
        );
    }
}

/// `CertificationDecision_123` (an island's hydration function) as the
/// split manifest names its loader: `certification_decision_loader_…`.
fn loader_prefix(component: &str) -> String {
    let name = component.split('_').next().unwrap_or_default();
    let mut snake = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    format!("{snake}_loader_")
}

/// What a page makes the browser load of wasm and JavaScript, gzip -9:
/// its inline scripts, any `<script src>`, and, where the page has an
/// island, what the loader fetches: the JavaScript glue, the main wasm and
/// each island's own files from the split manifest.
fn page_weight(html: &str) -> (usize, Vec<String>) {
    let pkg = site_root().join("pkg");
    let mut parts = Vec::new();
    let mut total = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let open_end = after.find('>').expect("a closed script tag");
        let close = after.find("</script>").expect("a script end");
        let tag = &after[..open_end];
        let body = &after[open_end + 1..close];
        if let Some(src) = tag.split("src=\"").nth(1).and_then(|s| s.split('"').next()) {
            let file = site_root().join(src.trim_start_matches('/'));
            total += gzip9_file(&file);
            parts.push(src.to_owned());
        } else if !body.trim().is_empty() {
            total += gzip9(body.as_bytes());
            parts.push(format!("inline script ({} bytes)", body.len()));
        }
        rest = &after[close + "</script>".len()..];
    }
    // Leptos's own HydrationScripts would preload the wasm on every page.
    assert!(
        !html.contains("rel=\"modulepreload\"") && !html.contains("as=\"fetch\""),
        "a page preloads code whether or not it needs it"
    );
    let islands: Vec<&str> = html
        .split("<leptos-island")
        .skip(1)
        .filter_map(|tag| tag.split("data-component=\"").nth(1)?.split('"').next())
        .collect();
    if !islands.is_empty() {
        let mut files = vec!["academy.js".to_owned(), "academy.wasm".to_owned()];
        let manifest: std::collections::BTreeMap<String, Vec<String>> = serde_json::from_str(
            &std::fs::read_to_string(pkg.join("__wasm_split_manifest.json")).unwrap_or_default(),
        )
        .unwrap_or_default();
        if !manifest.is_empty() {
            files.push("__wasm_split.______________________.js".to_owned());
        }
        for island in islands {
            let prefix = loader_prefix(island);
            for (loader, chunks) in &manifest {
                if loader.starts_with(&prefix) {
                    files.extend(chunks.iter().map(|chunk| format!("{chunk}.wasm")));
                }
            }
        }
        files.sort();
        files.dedup();
        for file in files {
            total += gzip9_file(&pkg.join(&file));
            parts.push(format!("/pkg/{file}"));
        }
    }
    (total, parts)
}

#[test]
fn an_island_is_named_in_the_manifest_by_its_snake_case_loader() {
    assert_eq!(
        loader_prefix("CertificationDecision_8006497346869179468"),
        "certification_decision_loader_"
    );
    assert_eq!(loader_prefix("ExamSitting_1"), "exam_sitting_loader_");
}

#[tokio::test]
async fn the_pages_a_visitor_opens_first_load_at_most_60_kb_of_wasm_and_javascript() {
    let server = Server::start().await;
    let client = reqwest::Client::new();
    let mut report = Vec::new();
    for path in FIRST_PAGES {
        let response = client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("page");
        let (bytes, parts) = page_weight(&html);
        report.push(format!(
            "{path}: {bytes} bytes gzip -9 ({})",
            parts.join(", ")
        ));
        assert!(
            bytes <= 60 * KB,
            "{path} loads {bytes} bytes of wasm and JavaScript (gzip -9), over 60 KB: {parts:?}"
        );
    }
    println!("{}", report.join("\n"));
}

/// Reads one HTTP/1.1 response (headers and a `Content-Length` body) from
/// `stream`, returning the status line and the body length.
fn read_response(stream: &mut TcpStream) -> (String, usize) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("response headers");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("response body");
    (head.lines().next().unwrap_or_default().to_owned(), length)
}

fn get(stream: &mut TcpStream, host: &str, path: &str, close: bool) -> usize {
    let connection = if close { "close" } else { "keep-alive" };
    // One write, as a browser sends a request: written in pieces, the
    // client's own Nagle algorithm would hold the second piece back.
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: {connection}\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("request");
    let (status, length) = read_response(stream);
    assert!(status.contains(" 200 "), "GET {path}: {status}");
    length
}

#[tokio::test]
async fn a_reused_connection_serves_the_stylesheet_as_fast_as_fresh_ones() {
    let server = Server::start().await;
    let host = server.base.trim_start_matches("http://").to_owned();
    let path = "/pkg/academy.css";
    const REQUESTS: u32 = 50;

    let fresh = tokio::task::spawn_blocking({
        let host = host.clone();
        move || {
            let started = Instant::now();
            for _ in 0..REQUESTS {
                let mut stream = TcpStream::connect(&host).expect("connect");
                get(&mut stream, &host, path, true);
            }
            started.elapsed()
        }
    })
    .await
    .expect("fresh connections");

    let (reused, size) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&host).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let started = Instant::now();
        let mut size = 0;
        for _ in 0..REQUESTS {
            size = get(&mut stream, &host, path, false);
        }
        (started.elapsed(), size)
    })
    .await
    .expect("one reused connection");

    // The stylesheet must be big enough to take several TCP segments, or
    // Nagle's algorithm has nothing to hold back and this proves nothing.
    assert!(size > 4 * 1460, "the stylesheet is only {size} bytes");
    // With Nagle's algorithm on, each response on a reused connection waits
    // for the client's delayed ACK, ~40 ms: 50 requests take two seconds
    // where fresh connections take a few milliseconds each. The margin
    // leaves room for a busy machine; a stall overshoots it tenfold.
    assert!(
        reused <= fresh * 3 + Duration::from_millis(250),
        "{REQUESTS} requests for {path} ({size} bytes) took {reused:?} on one kept-alive \
         connection but {fresh:?} on fresh connections: responses on a reused connection stall"
    );
}

#[tokio::test]
async fn an_exam_page_loads_the_runners_files_and_only_those() {
    let server = Server::start().await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let db = app::ssr::db::Db::connect(&server.database().to_string_lossy(), 1)
        .await
        .expect("database");
    let exam: i64 = sqlx::query_scalar("SELECT id FROM exams WHERE title_en = 'Lecture quiz'")
        .fetch_one(&db.reader)
        .await
        .expect("the demo's lecture quiz");
    let post = |page: String, form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let base = server.base.clone();
        async move {
            client
                .post(format!("{base}{page}"))
                .header("accept", "text/html")
                .header("sec-fetch-site", "same-origin")
                .form(&form)
                .send()
                .await
                .expect("post")
        }
    };
    let signed_in = post(
        "/login".into(),
        vec![
            ("__fn", "/api/auth/login".into()),
            ("__form", "login".into()),
            ("email", "trainee@academy.test".into()),
            ("password", server::demo::DEMO_PASSWORD.into()),
        ],
    )
    .await;
    assert_eq!(signed_in.status(), 303, "signed in");
    let started = post(
        format!("/exams/{exam}"),
        vec![
            ("__fn", "/api/exams/start".into()),
            ("__form", "start".into()),
            ("exam_id", exam.to_string()),
        ],
    )
    .await;
    assert_eq!(started.status(), 303, "the attempt started");
    let html = client
        .get(format!("{}/exams/{exam}", server.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let (bytes, parts) = page_weight(&html);
    println!(
        "/exams/{exam}: {bytes} bytes gzip -9 ({})",
        parts.join(", ")
    );
    assert!(
        parts
            .iter()
            .any(|p| p.contains("split_exam_sitting_loader")),
        "the runner's own file: {parts:?}"
    );
    assert!(
        !parts.iter().any(|p| p.contains("certification_decision")),
        "no other island's file: {parts:?}"
    );
}
