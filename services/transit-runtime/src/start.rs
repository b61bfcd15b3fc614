//! How every service starts: glibc's allocator held to two arenas, then the async runtime.
//!
//! glibc gives each thread that allocates under contention an arena of its own and keeps what
//! each arena once held: under load an adapter reached 65 MB of peak memory where two arenas
//! held it at 33 MB (`sigmat bench`, peak RSS). glibc reads the limit from the environment
//! when the process starts, so a service started without it runs itself again, in place
//! (`exec`: same process id, same arguments), with `MALLOC_ARENA_MAX=2` — no unsafe code. A
//! different allocator (mimalloc) was tried and measured larger everywhere.

use std::future::Future;

/// Arenas glibc may create.
pub const ARENAS: &str = "2";

/// Runs this program again with the arena limit, unless it is set already (or the platform
/// is not glibc, or the program cannot be found again: then it goes on as it is).
fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let set = |name| std::env::var_os(name).is_some();
        if set("MALLOC_ARENA_MAX") || set("GLIBC_TUNABLES") {
            return;
        }
        if let Ok(program) = std::env::current_exe() {
            // Returns only if the program could not be run again.
            let _ = std::process::Command::new(program)
                .args(std::env::args_os().skip(1))
                .env("MALLOC_ARENA_MAX", ARENAS)
                .exec();
        }
    }
}

/// Limits the allocator's arenas, then runs `main` on a multi-threaded runtime (what
/// `#[tokio::main]` builds).
pub fn run<F>(main: impl FnOnce() -> F) -> anyhow::Result<()>
where
    F: Future<Output = anyhow::Result<()>>,
{
    limit_allocator_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(main())
}
