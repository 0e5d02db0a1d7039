//! The Dockerfile parser and rules (arbitrary bytes as a file named `Dockerfile`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kubeharden_fuzz::scan_checked("Dockerfile", &kubeharden_fuzz::lossy(data));
});
