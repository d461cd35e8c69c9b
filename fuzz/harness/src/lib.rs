//! Differential fuzzing harness: engines, generation, comparison, campaigns.
