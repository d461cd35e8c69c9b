//! The directive interpreter: keeps the store, the named and registered
//! instances and module definitions, and checks each directive.

use super::lines::LineIndex;
use super::load::LoadedModule;
use super::values;
use super::{ScriptFailure, ScriptOptions, ScriptReport};
use crate::{spectest, Extern, InstanceAddr, InstantiationError, Store, Trap, Value};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::rc::Rc;
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// The verdict on one directive.
enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
}

use Verdict::{Fail, Pass, Skip};

/// Runs every directive of `text`; never panics (a panicking directive is
/// reported as an internal error and the script continues).
pub(crate) fn run(path: &Path, text: &str, options: &ScriptOptions) -> ScriptReport {
    let mut report = ScriptReport::new(path);
    let lines = LineIndex::new(text);
    let parse_error = |report: &mut ScriptReport, e: wast::Error| {
        report.record_failure(
            lines.line_of(e.span().offset()),
            format!("script does not parse: {}", e.message()),
        );
    };
    // The official `names.wast` deliberately uses bidi and other look-alike
    // characters in export names: they are valid, so do not reject them.
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            parse_error(&mut report, e);
            return report;
        }
    };
    let script = match parser::parse::<Wast>(&buffer) {
        Ok(s) => s,
        Err(e) => {
            parse_error(&mut report, e);
            return report;
        }
    };
    let mut runner = match catch_unwind(|| Runner::new(options)) {
        Ok(runner) => runner,
        Err(payload) => {
            let message = super::panics::caught_message(&*payload);
            report.record_failure(
                1,
                format!("internal error: setting up the store: {message}"),
            );
            return report;
        }
    };
    for directive in script.directives {
        let line = lines.line_of(directive.span().offset());
        let verdict = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|payload| {
                Fail(format!(
                    "internal error: {}",
                    super::panics::caught_message(&*payload)
                ))
            });
        match verdict {
            Pass => report.passed += 1,
            Fail(message) => report.record_failure(line, message),
            Skip(reason) => {
                report.skipped += 1;
                report.skips.push(ScriptFailure {
                    line,
                    message: reason,
                });
            }
        }
    }
    report
}

/// Why a module could not be defined.
enum DefineError {
    /// The text did not parse or encode (wast rejected it: malformed text, or
    /// an unresolvable name, which the spec counts as invalid).
    Text(String),
    /// The engine rejected the binary.
    Decode(crate::DecodeError),
    /// Something this runner does not support (components).
    Unsupported(String),
}

impl DefineError {
    fn describe(&self) -> String {
        match self {
            DefineError::Text(m) => format!("text module rejected: {m}"),
            DefineError::Decode(e) => format!("module rejected ({:?}): {}", e.kind, e.message),
            DefineError::Unsupported(m) => m.clone(),
        }
    }
}

/// Why running an action (invoke / get) did not produce values.
enum ActionError {
    Trap(Trap),
    /// Not a trap: unknown module/export, argument mismatch, unsupported argument.
    Setup(String),
}

struct Runner {
    store: Store,
    options: ScriptOptions,
    /// The most recently instantiated module (`None` after a failed module).
    current: Option<InstanceAddr>,
    /// Instances by `$id`.
    instances: HashMap<String, InstanceAddr>,
    /// Registered instances by import module name (`spectest` is always there).
    registered: HashMap<String, InstanceAddr>,
    /// `module definition`s by `$id`, and the latest one for unnamed `module instance`.
    definitions: HashMap<String, Rc<LoadedModule>>,
    last_definition: Option<Rc<LoadedModule>>,
}

impl Runner {
    fn new(options: &ScriptOptions) -> Runner {
        let mut store = Store::new();
        let spectest = spectest::instantiate(&mut store);
        let registered = HashMap::from([("spectest".to_string(), spectest)]);
        Runner {
            store,
            options: options.clone(),
            current: None,
            instances: HashMap::new(),
            registered,
            definitions: HashMap::new(),
            last_definition: None,
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Verdict {
        match directive {
            WastDirective::Module(module) => self.module(module),
            WastDirective::ModuleDefinition(module) => self.module_definition(module),
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.module_instance(instance, module),
            WastDirective::Register { name, module, .. } => self.register(name, module),
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(_) => Pass,
                Err(e) => Fail(describe_action_error(&e)),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(values) => Fail(format!(
                    "expected exhaustion \"{message}\", got {}",
                    values::describe_values(&values)
                )),
                Err(ActionError::Trap(trap)) => check_message("exhaustion", message, &trap.message),
                Err(e) => Fail(describe_action_error(&e)),
            },
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(values) => Fail(format!(
                    "expected an exception, got {}",
                    values::describe_values(&values)
                )),
                Err(ActionError::Trap(trap)) => {
                    check_message("exception", "uncaught exception", &trap.message)
                }
                Err(e) => Fail(describe_action_error(&e)),
            },
            WastDirective::AssertInvalid { module, .. } => self.assert_rejected(module, "invalid"),
            WastDirective::AssertMalformed { module, .. } => {
                self.assert_rejected(module, "malformed")
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.assert_unlinkable(module, message),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                Skip("custom-section annotations are not checked".to_string())
            }
            WastDirective::AssertSuspension { .. } => {
                Skip("stack switching (assert_suspension) is not supported".to_string())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Skip("threads in scripts (thread/wait) are not supported".to_string())
            }
        }
    }

    // ---- modules -------------------------------------------------------

    /// Encodes a module directive's text/binary/quote form and decodes it.
    fn define(&self, module: &mut QuoteWat<'_>) -> Result<LoadedModule, DefineError> {
        if matches!(
            module,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Err(DefineError::Unsupported(
                "components are not supported".to_string(),
            ));
        }
        let bytes = module
            .encode()
            .map_err(|e| DefineError::Text(e.message()))?;
        LoadedModule::from_binary(&bytes).map_err(DefineError::Decode)
    }

    /// Resolves imports against registered instances and instantiates.
    fn instantiate(&mut self, module: &LoadedModule) -> Result<InstanceAddr, InstantiationError> {
        let mut externs = Vec::with_capacity(module.imports.len());
        for import in &module.imports {
            let resolved = self
                .registered
                .get(&import.module)
                .and_then(|&instance| self.store.export(instance, &import.name));
            match resolved {
                Some(ext) => externs.push(ext),
                None => {
                    return Err(InstantiationError::Unlinkable(format!(
                        "unknown import \"{}\" \"{}\"",
                        import.module, import.name
                    )))
                }
            }
        }
        self.store.instantiate(&module.module, &externs)
    }

    fn module(&mut self, mut module: QuoteWat<'_>) -> Verdict {
        let id = module.name().map(|id| id.name().to_string());
        // A failed module must not leave the previous one as the target of
        // later directives (that would produce unrelated passes or failures).
        self.current = None;
        let loaded = match self.define(&mut module) {
            Ok(m) => m,
            Err(DefineError::Unsupported(reason)) => return Skip(reason),
            Err(e) => return Fail(e.describe()),
        };
        match self.instantiate(&loaded) {
            Ok(instance) => {
                self.current = Some(instance);
                if let Some(id) = id {
                    self.instances.insert(id, instance);
                }
                Pass
            }
            Err(e) => Fail(format!(
                "instantiation failed: {}",
                describe_instantiation_error(&e)
            )),
        }
    }

    fn module_definition(&mut self, mut module: QuoteWat<'_>) -> Verdict {
        let id = module.name().map(|id| id.name().to_string());
        match self.define(&mut module) {
            Ok(loaded) => {
                let loaded = Rc::new(loaded);
                if let Some(id) = id {
                    self.definitions.insert(id, loaded.clone());
                }
                self.last_definition = Some(loaded);
                Pass
            }
            Err(DefineError::Unsupported(reason)) => Skip(reason),
            Err(e) => Fail(e.describe()),
        }
    }

    fn module_instance(&mut self, instance: Option<Id<'_>>, module: Option<Id<'_>>) -> Verdict {
        self.current = None;
        let definition = match module {
            Some(id) => self.definitions.get(id.name()).cloned(),
            None => self.last_definition.clone(),
        };
        let Some(definition) = definition else {
            return Fail(format!("unknown module definition {}", id_text(module)));
        };
        match self.instantiate(&definition) {
            Ok(addr) => {
                self.current = Some(addr);
                if let Some(id) = instance {
                    self.instances.insert(id.name().to_string(), addr);
                }
                Pass
            }
            Err(e) => Fail(format!(
                "instantiation failed: {}",
                describe_instantiation_error(&e)
            )),
        }
    }

    fn register(&mut self, name: &str, module: Option<Id<'_>>) -> Verdict {
        match self.instance(module) {
            Ok(instance) => {
                self.registered.insert(name.to_string(), instance);
                Pass
            }
            Err(message) => Fail(message),
        }
    }

    fn instance(&self, module: Option<Id<'_>>) -> Result<InstanceAddr, String> {
        match module {
            Some(id) => self
                .instances
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("unknown module ${}", id.name())),
            None => self
                .current
                .ok_or_else(|| "no current module (the last module failed)".to_string()),
        }
    }

    // ---- actions -------------------------------------------------------

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Value>, ActionError> {
        let instance = self.instance(invoke.module).map_err(ActionError::Setup)?;
        let func = match self.store.export(instance, invoke.name) {
            Some(Extern::Func(f)) => f,
            Some(_) => {
                return Err(ActionError::Setup(format!(
                    "export \"{}\" is not a function",
                    invoke.name
                )))
            }
            None => {
                return Err(ActionError::Setup(format!(
                    "unknown export \"{}\"",
                    invoke.name
                )))
            }
        };
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            let WastArg::Core(arg) = arg else {
                return Err(ActionError::Setup("component-model argument".to_string()));
            };
            args.push(values::argument(arg).map_err(ActionError::Setup)?);
        }
        self.store.set_fuel(self.options.fuel_per_invoke);
        let result = self.store.invoke(func, &args).map_err(ActionError::Trap);
        self.store.set_fuel(None);
        result
    }

    fn get(&self, module: Option<Id<'_>>, global: &str) -> Result<Vec<Value>, ActionError> {
        let instance = self.instance(module).map_err(ActionError::Setup)?;
        match self.store.export(instance, global) {
            Some(Extern::Global(g)) => Ok(vec![self.store.global_get(g)]),
            Some(_) => Err(ActionError::Setup(format!(
                "export \"{global}\" is not a global"
            ))),
            None => Err(ActionError::Setup(format!("unknown export \"{global}\""))),
        }
    }

    /// Runs an `invoke`, `get` or module (instantiation, for assert_trap).
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Value>, ActionError> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => self.get(module, global),
            WastExecute::Wat(wat) => {
                let mut module = QuoteWat::Wat(wat);
                let loaded = self
                    .define(&mut module)
                    .map_err(|e| ActionError::Setup(e.describe()))?;
                match self.instantiate(&loaded) {
                    Ok(_) => Ok(Vec::new()),
                    Err(InstantiationError::Trap(trap)) => Err(ActionError::Trap(trap)),
                    Err(e) => Err(ActionError::Setup(describe_instantiation_error(&e))),
                }
            }
        }
    }

    // ---- assertions ----------------------------------------------------

    fn assert_return(&mut self, exec: WastExecute<'_>, results: &[WastRet<'_>]) -> Verdict {
        let actual = match self.execute(exec) {
            Ok(values) => values,
            Err(e) => return Fail(describe_action_error(&e)),
        };
        let mut expected = Vec::with_capacity(results.len());
        for result in results {
            match result {
                WastRet::Core(core) => expected.push(core),
                #[allow(unreachable_patterns)]
                _ => return Skip("component-model result".to_string()),
            }
        }
        if actual.len() != expected.len() {
            return Fail(format!(
                "expected {} result(s) {}, got {}",
                expected.len(),
                values::describe_expected(&expected),
                values::describe_values(&actual)
            ));
        }
        let all_match = actual
            .iter()
            .zip(&expected)
            .all(|(a, e)| values::matches(a, e));
        if all_match {
            Pass
        } else {
            Fail(format!(
                "result mismatch: expected {}, got {}",
                values::describe_expected(&expected),
                values::describe_values(&actual)
            ))
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Verdict {
        match self.execute(exec) {
            Ok(values) => Fail(format!(
                "expected trap \"{message}\", got {}",
                values::describe_values(&values)
            )),
            Err(ActionError::Trap(trap)) => check_message("trap", message, &trap.message),
            Err(e) => Fail(describe_action_error(&e)),
        }
    }

    /// assert_invalid / assert_malformed: the module must be rejected. The
    /// engine's malformed/invalid split follows wasmparser, which does not
    /// always agree with the spec's; either rejection counts, only acceptance fails.
    fn assert_rejected(&mut self, mut module: QuoteWat<'_>, expected: &str) -> Verdict {
        match self.define(&mut module) {
            Ok(_) => Fail(format!(
                "expected the module to be rejected as {expected}, but it was accepted"
            )),
            Err(DefineError::Unsupported(reason)) => Skip(reason),
            Err(_) => Pass,
        }
    }

    fn assert_unlinkable(&mut self, wat: Wat<'_>, message: &str) -> Verdict {
        let mut module = QuoteWat::Wat(wat);
        let loaded = match self.define(&mut module) {
            Ok(m) => m,
            Err(DefineError::Unsupported(reason)) => return Skip(reason),
            Err(e) => return Fail(e.describe()),
        };
        match self.instantiate(&loaded) {
            Ok(_) => Fail(format!(
                "expected unlinkable \"{message}\", but instantiation succeeded"
            )),
            Err(InstantiationError::Unlinkable(actual)) => {
                check_message("link error", message, &actual)
            }
            Err(InstantiationError::Trap(trap)) => Fail(format!(
                "expected unlinkable \"{message}\", got trap \"{}\"",
                trap.message
            )),
        }
    }
}

/// The spec interpreter's rule: the actual message must start with the expected one.
fn check_message(what: &str, expected: &str, actual: &str) -> Verdict {
    if actual.starts_with(expected) {
        Pass
    } else {
        Fail(format!("expected {what} \"{expected}\", got \"{actual}\""))
    }
}

fn describe_action_error(e: &ActionError) -> String {
    match e {
        ActionError::Trap(trap) => format!("unexpected trap \"{}\"", trap.message),
        ActionError::Setup(message) => message.clone(),
    }
}

fn describe_instantiation_error(e: &InstantiationError) -> String {
    match e {
        InstantiationError::Unlinkable(m) => format!("unlinkable: {m}"),
        InstantiationError::Trap(trap) => format!("trap: {}", trap.message),
    }
}

fn id_text(id: Option<Id<'_>>) -> String {
    id.map(|id| format!("${}", id.name()))
        .unwrap_or_else(|| "(latest)".to_string())
}
