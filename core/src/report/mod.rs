//! Rendering reports: text (ruff-like, with source lines and carets) and JSON (the contract).

pub mod text;
