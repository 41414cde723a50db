//! A client that goes away while its page renders (a closed tab, a
//! navigation elsewhere, a load generator stopping) must cost the server
//! nothing but the render: no panic, no worker lost to a backtrace.
//!
//! Leptos renders a page's resources and views on tasks of their own; when
//! the request's future was dropped mid-render, the page's reactive owner
//! was disposed under those tasks and they panicked on what it owned
//! ("already disposed"). This is its own test binary because it counts the
//! panics of the whole process.

use academy_tests::spawn_app;
use app::domain::Role;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_abandoned_mid_render_finish_without_a_panic() {
    let panics = Arc::new(AtomicUsize::new(0));
    let previous = std::panic::take_hook();
    {
        let panics = panics.clone();
        std::panic::set_hook(Box::new(move |info| {
            panics.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    }
    let app = spawn_app().await;
    let (trainee, _) = app.quick_session(Role::Trainee, "trainee@example.cn").await;
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    // Pages with a resource, a suspense and forms: the trainee's own page
    // and the administrator's account list.
    let pages = [(trainee, "/me"), (admin, "/admin/users")];
    for (client, path) in &pages {
        let whole = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(whole.status(), 200, "{path}");
    }
    // Many requests, each given up after a few hundred microseconds to a
    // few milliseconds: somewhere in the middle of its render.
    let mut given_up = 0;
    for round in 0..40u64 {
        let mut abandoned = tokio::task::JoinSet::new();
        for n in 0..32u64 {
            let (client, path) = &pages[(n % 2) as usize];
            let request = client.get(app.url(path)).send();
            let after = Duration::from_micros(200 + (round * 32 + n) * 37 % 4_000);
            abandoned.spawn(async move { tokio::time::timeout(after, request).await.is_err() });
        }
        while let Some(gave_up) = abandoned.join_next().await {
            given_up += usize::from(gave_up.unwrap());
        }
    }
    // Most were given up before their answer came (the rest answered
    // within their few milliseconds).
    assert!(given_up > 640, "only {given_up} of 1,280 requests given up");
    // The renders given up on finish on their own; give them the time.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "a page abandoned mid-render panicked (see the output above)"
    );
    // And the server still answers in full.
    for (client, path) in &pages {
        let whole = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(whole.status(), 200, "{path}");
    }
}
