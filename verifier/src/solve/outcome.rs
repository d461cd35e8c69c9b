//! What deciding a query gives: the [`Outcome`], its [`OutcomeKind`] as
//! reports count it, and the [`Method`] that decided it.

use crate::replay::Counterexample;

/// The result of checking one query.
#[derive(Clone, Debug)]
pub enum Outcome {
    Verified,
    Counterexample(Box<Counterexample>),
    /// The left-hand side can never match at this type instance.
    Inapplicable,
    Timeout,
    /// Z3 gave up for another reason (its own words).
    Unknown(String),
    /// The front end could not express something (never reaches the solver).
    Unsupported(String),
    /// As `Unsupported`, in an expansion that carries one of the
    /// [`SCOPE_TAGS`](crate::expand::SCOPE_TAGS): a family of operations
    /// the unit does not claim to model (atomics, vector, XMM, i128, ...).
    /// Kept apart so that `unsupported` counts only gaps inside the scope.
    OutOfScope { tags: Vec<String>, reason: String },
    /// A bug or bad input: an ill-formed query.
    Error(String),
}

impl Outcome {
    /// Which kind of outcome this is, without its details.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Verified => OutcomeKind::Verified,
            Outcome::Counterexample(_) => OutcomeKind::Counterexample,
            Outcome::Inapplicable => OutcomeKind::Inapplicable,
            Outcome::Timeout => OutcomeKind::Timeout,
            Outcome::Unknown(_) => OutcomeKind::Unknown,
            Outcome::Unsupported(_) => OutcomeKind::Unsupported,
            Outcome::OutOfScope { .. } => OutcomeKind::OutOfScope,
            Outcome::Error(_) => OutcomeKind::Error,
        }
    }
}

/// The kind of an [`Outcome`]: what a report records per instance and
/// counts in its summary. Serialized as the contract's lowercase word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    Verified,
    Counterexample,
    Inapplicable,
    Timeout,
    Unknown,
    Unsupported,
    #[serde(rename = "out_of_scope")]
    OutOfScope,
    Error,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 8] = [
        OutcomeKind::Verified,
        OutcomeKind::Counterexample,
        OutcomeKind::Inapplicable,
        OutcomeKind::Timeout,
        OutcomeKind::Unknown,
        OutcomeKind::Unsupported,
        OutcomeKind::OutOfScope,
        OutcomeKind::Error,
    ];

    /// The contract's outcome word.
    pub fn word(self) -> &'static str {
        match self {
            OutcomeKind::Verified => "verified",
            OutcomeKind::Counterexample => "counterexample",
            OutcomeKind::Inapplicable => "inapplicable",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::Unknown => "unknown",
            OutcomeKind::Unsupported => "unsupported",
            OutcomeKind::OutOfScope => "out_of_scope",
            OutcomeKind::Error => "error",
        }
    }

    /// The kind named by `word`; a word that names none reads as an error
    /// (a report written by something else, see `merge`).
    pub fn from_word(word: &str) -> OutcomeKind {
        word.parse().unwrap_or(OutcomeKind::Error)
    }

    /// A wrong rule or a check that could not be made.
    pub fn failed(self) -> bool {
        matches!(self, OutcomeKind::Counterexample | OutcomeKind::Error)
    }
}

/// Strict parsing of the contract's outcome word.
impl std::str::FromStr for OutcomeKind {
    type Err = String;
    fn from_str(word: &str) -> Result<OutcomeKind, String> {
        OutcomeKind::ALL.into_iter().find(|k| k.word() == word).ok_or_else(|| format!("`{word}` is not an outcome"))
    }
}

impl std::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// Which query decided an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The query itself, floats in Z3's (or cvc5's) floating-point theory.
    Full,
    /// Float arithmetic as uninterpreted functions with IEEE lemmas, a sound
    /// abstraction for unsat (see `encode::uninterpreted`); the vacuity
    /// check still uses the full encoding.
    UfAbstraction,
}

/// Why an instance whose correctness query is unsat is not verified after all.
pub const VACUOUS: &str = "vacuous: right-side assumptions contradict the left side";
