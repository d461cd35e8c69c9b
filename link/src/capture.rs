//! The CLIF side: compile a module with the pinned wasmtime (default
//! configuration: signals-based traps, guard pages) and read back the CLIF its
//! Cranelift compiled, through `Config::emit_clif` and `cranelift-reader`.

use cranelift_codegen::ir::Function;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("wasmtime rejected the module: {0}")]
    Compile(String),
    #[error("cannot capture CLIF: {0}")]
    Io(String),
    #[error("cannot parse the CLIF wasmtime emitted for {file}: {message}")]
    Parse { file: String, message: String },
}

/// The CLIF of every defined function of `wasm` (binary or text), by defined
/// function index.
pub fn capture(wasm: &[u8]) -> Result<Vec<(u32, Function)>, CaptureError> {
    let dir = tempfile::tempdir().map_err(|e| CaptureError::Io(e.to_string()))?;
    let mut cfg = wasmtime::Config::new();
    cfg.emit_clif(dir.path());
    let engine = wasmtime::Engine::new(&cfg).map_err(|e| CaptureError::Compile(format!("{e:#}")))?;
    wasmtime::Module::new(&engine, wasm).map_err(|e| CaptureError::Compile(format!("{e:#}")))?;
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir.path()).map_err(|e| CaptureError::Io(e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| CaptureError::Io(e.to_string()))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        // wasmtime names a file after the function's symbol, `wasm[0]--function[N]`
        // (N: defined index, `:` replaced); trampolines carry other words.
        if !file.ends_with(".clif") || file.contains("trampoline") || file.contains("array") {
            continue;
        }
        let Some(rest) = file.split("function[").nth(1) else { continue };
        let Some(Ok(index)) = rest.split(']').next().map(str::parse::<u32>) else { continue };
        let text = std::fs::read_to_string(entry.path()).map_err(|e| CaptureError::Io(e.to_string()))?;
        let funcs = cranelift_reader::parse_functions(&text)
            .map_err(|e| CaptureError::Parse { file: file.clone(), message: e.to_string() })?;
        for f in funcs {
            out.push((index, f));
        }
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out)
}
