//! Rendering reports: text (ruff-like, with source lines and carets) and JSON (the contract).

pub mod baseline;
pub mod escape;
pub mod github;
pub mod junit;
pub mod sarif;
pub mod text;
pub mod tickets;
