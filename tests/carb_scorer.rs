//! The unit tests of the CaRB scorer that `cargo bench --bench carb` uses.

#[path = "../benches/carb/scorer.rs"]
#[allow(dead_code)]
mod scorer;
