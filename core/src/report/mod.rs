//! Rendering reports: text (ruff-like, with source lines and carets) and JSON (the contract).

pub mod text;
pub mod sarif;
pub mod junit;
pub mod github;
pub mod tickets;
pub mod baseline;
