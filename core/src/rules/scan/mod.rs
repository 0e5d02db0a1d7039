//! Rules over vulnerability scan reports (Trivy JSON, schema version 2).

mod vulnerability_gate;

pub use vulnerability_gate::VulnerabilityGate;
