//! The `academy` binary; everything lives in the `server` library.

/// Rendering a page allocates and frees thousands of small strings; glibc's
/// allocator took a fifth of the server's time under load (perf, the
/// benchmark's /verify scenario), mimalloc much less (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::cli::run().await
}
