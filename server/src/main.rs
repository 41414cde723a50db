//! The `academy` binary; everything lives in the `server` library.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::cli::run().await
}
