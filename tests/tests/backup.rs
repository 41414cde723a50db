//! Backup while the server writes, and restore into a stopped deployment.

use academy_tests::browser::{run_academy, Server};
use academy_tests::spawn_app;
use app::domain::catalogue::CentreKind;
use app::ssr::db::{self, catalogue, Db};
use server::backup;
use std::time::Duration;

/// Every centre code in the database at `path`, in the order they were made.
async fn centre_codes(path: &std::path::Path) -> Vec<String> {
    let db = Db::connect(&path.to_string_lossy(), 1).await.unwrap();
    let codes = sqlx::query_scalar("SELECT code FROM centres ORDER BY id")
        .fetch_all(&db.reader)
        .await
        .unwrap();
    db.reader.close().await;
    db.writer.close().await;
    codes
}

#[tokio::test]
async fn a_backup_taken_under_write_load_is_whole_and_restores_to_the_same_data() {
    let app = spawn_app().await;
    let writer = app.state.db.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut made = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut tx = writer.begin_write().await.unwrap();
                let code = format!("LOAD{made:05}");
                catalogue::insert_centre(
                    &mut tx,
                    &catalogue::NewCentre {
                        code: &code,
                        kind: CentreKind::Provincial,
                        name_zh: "负载中心",
                        name_en: "Load centre",
                    },
                    db::now(),
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                made += 1;
            }
            made
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let summary = backup::backup(&app.db_path, &copy).await.expect("backup");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let made = load.await.unwrap();

    let live = centre_codes(&app.db_path).await;
    let backed_up = centre_codes(&copy).await;
    assert_eq!(live.len(), made as usize);
    assert!(
        !backed_up.is_empty() && backed_up.len() < live.len(),
        "the copy is of one moment mid-load: {} of {}",
        backed_up.len(),
        live.len()
    );
    assert_eq!(
        backed_up,
        live[..backed_up.len()],
        "everything written before that moment, nothing half-written"
    );
    assert!(summary.bytes > 0);

    // Into a stopped deployment of its own.
    let target = dir.path().join("restored").join("academy.db");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    backup::restore(&target, &copy).await.expect("restore");
    assert_eq!(centre_codes(&target).await, backed_up, "the same data back");
}

#[tokio::test]
async fn a_damaged_file_or_a_running_server_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.db");
    backup::backup(&app.db_path, &good).await.unwrap();
    let target = dir.path().join("academy.db");
    backup::restore(&target, &good).await.unwrap();
    let before = std::fs::read(&target).unwrap();

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"SQLite format 3\0 and then nothing sensible").unwrap();
    let refused = backup::restore(&target, &garbage).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("cannot be restored"),
        "{refused:#}"
    );

    // A copy cut short: SQLite may still open it, but it is not whole.
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert!(backup::restore(&target, &cut).await.is_err());

    let held = backup::lock_database(&target).unwrap();
    let refused = backup::restore(&target, &good).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("must be stopped"),
        "{refused:#}"
    );
    drop(held);

    assert_eq!(
        std::fs::read(&target).unwrap(),
        before,
        "the database is untouched"
    );
}

#[tokio::test]
async fn the_commands_back_up_a_running_server_and_restore_once_it_stops() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("demo-backup.db");
    let copy_arg = copy.to_string_lossy().into_owned();
    let out = server.academy(&["backup", "--to", &copy_arg], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("users"), "{said}");

    let out = server.academy(&["restore", &copy_arg], &[]);
    assert!(!out.status.success(), "refused while the server runs");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("must be stopped"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let database = server.database();
    drop(server);
    let restored = dir.path().join("again.db");
    let out = run_academy(&restored, &["restore", &copy_arg], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = database;
    let check = backup::check(&restored).await.unwrap();
    assert!(check.users > 100, "the demo world is back: {check}");
}
