//! Logging to stderr, filtered by `ACADEMY_LOG`.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = std::env::var("ACADEMY_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
