//! A listing piped into `head` or `less` and closed early ends the command quietly, as any
//! Unix tool does, instead of with a panic ("failed printing to stdout: Broken pipe").
//!
//! Rust ignores SIGPIPE, so `println!` panics when its reader is gone. The usual cure — set
//! SIGPIPE back to its default, as the `sigpipe` crate does — would also let a write on a
//! network socket whose peer has gone kill the tool in the middle of a demo, a simulation or
//! a benchmark (the standard library sends with `MSG_NOSIGNAL`, but a vectored write, as the
//! HTTP client makes, cannot carry it). So that panic, and only it, is recognized and turned
//! into the exit status a shell expects.

/// The exit status of a command whose reader went away: 128 + SIGPIPE, what `head` leaves
/// behind for any Unix tool.
pub const READER_GONE: i32 = 141;

/// Installs a panic hook that ends the process with [`READER_GONE`], printing nothing, when
/// standard output's reader has gone; every other panic is reported as before.
pub fn exit_quietly_when_the_reader_goes() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if is_stdout_reader_gone(info.payload()) {
            std::process::exit(READER_GONE);
        }
        report(info);
    }));
}

/// Whether a panic's payload is the standard library's "failed printing to stdout" for a
/// closed pipe.
fn is_stdout_reader_gone(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied());
    text.is_some_and(|t| {
        t.starts_with("failed printing to stdout")
            && (t.contains("Broken pipe") || t.contains("os error 32"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_closed_stdout_is_recognized() {
        let closed = String::from("failed printing to stdout: Broken pipe (os error 32)");
        assert!(is_stdout_reader_gone(&closed));
        let full = String::from("failed printing to stdout: No space left on device (os error 28)");
        assert!(!is_stdout_reader_gone(&full));
        assert!(!is_stdout_reader_gone(&"index out of bounds"));
    }
}
