//! Runnable examples live in `examples/*.rs`; this crate has no library code of its own.
