//! # kubeharden
//!
//! The container-security checklist as typed, tested rules. A pure core: inputs in, report out —
//! no file system, clock, environment, threads or network.
//!
//! ```
//! use kubeharden::{check, CheckRequest, SourceFile};
//!
//! let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n";
//! let report = check(&CheckRequest { files: vec![SourceFile::new("pod.yaml", pod)], ..Default::default() }).unwrap();
//! let f = report.findings.iter().find(|f| f.name == "privileged-container").unwrap();
//! assert_eq!((f.line, f.column), (Some(8), Some(23)));
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod audit;
pub mod config;
pub mod dockerfile;
pub mod engine;
pub mod error;
pub mod fix;
pub mod image;
pub mod location;
pub mod memory;
pub mod model;
pub mod netpol;
pub mod pss;
pub mod report;
pub mod rules;
pub mod source;
pub mod syntax;
pub mod time;
pub mod wrong_input;

pub use api::{
    CheckRequest, Cluster, Finding, InputError, InputPolicy, Report, RuleInfo, Severity, SourceFile, SourceKind,
};
pub use config::{Config, FailOn};
pub use engine::{check, Checker, Findings};
pub use error::{ConfigError, Error};
pub use model::Inventory;
pub use netpol::{check_netpol, NetpolRequest};
pub use pss::{check_pss, evaluate_pod, PssLevel, PssReport, PssRequest, PssResult, PssVersion, PssViolation};
pub use report::netpol::NetpolReport;
pub use rules::registry::RULES;
pub use source::{ParseOptions, Source, SourceScope};
