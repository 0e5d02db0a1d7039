//! Rendering reports: text (ruff-like, with source lines and carets) and JSON (the contract);
//! the other commands' typed results and their renderings: `pss` ([`pss`]) and `netpol`
//! ([`netpol`]).

pub mod baseline;
pub mod escape;
pub mod github;
pub mod junit;
pub mod netpol;
pub mod pss;
pub mod sarif;
pub mod text;
pub mod tickets;
