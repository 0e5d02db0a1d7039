//! Trivy JSON reports (SchemaVersion 2), recognised by content, and the vulnerability gate.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kubeharden_fuzz::scan_checked("trivy.json", &kubeharden_fuzz::lossy(data));
});
