//! Engine panics as failure messages with their source location.
//!
//! Directives run under `catch_unwind`; the payload alone lacks the location,
//! which is what the engine authors need. While scripts run, a panic hook
//! records "message at file:line" for threads marked as script workers (and
//! keeps quiet for them); other threads get the previous hook's behaviour.

use std::cell::{Cell, RefCell};
use std::panic::PanicHookInfo;
use std::sync::Arc;

thread_local! {
    static IS_SCRIPT_THREAD: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Runs `f` with the recording hook installed, then restores the previous hook.
pub(crate) fn with_recording_hook<R>(f: impl FnOnce() -> R) -> R {
    let previous: Arc<Hook> = Arc::new(std::panic::take_hook());
    let delegate = previous.clone();
    std::panic::set_hook(Box::new(move |info| {
        if IS_SCRIPT_THREAD.with(Cell::get) {
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = payload_text(info.payload());
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{location}")));
        } else {
            delegate(info);
        }
    }));
    let result = f();
    drop(std::panic::take_hook()); // ours, holding `delegate`
    match Arc::try_unwrap(previous) {
        Ok(hook) => std::panic::set_hook(hook),
        Err(_) => {} // another runner is still active; it restores the hook
    }
    result
}

/// Marks (or unmarks) the current thread as running script directives.
pub(crate) fn set_script_thread(running_script: bool) {
    IS_SCRIPT_THREAD.with(|t| t.set(running_script));
}

/// The message of a caught panic: the hook's record (with location) when
/// available, else the payload text.
pub(crate) fn caught_message(payload: &(dyn std::any::Any + Send)) -> String {
    LAST_PANIC
        .with(|p| p.borrow_mut().take())
        .unwrap_or_else(|| payload_text(payload))
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}
