//! The scan entry: arbitrary bytes as a `.yaml` file and as a `.json` file (the engine picks the
//! reader from the name and the first character), through parse, model, rules, report.
#![no_main]

use kubeharden_fuzz::{lossy, scan_checked};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = lossy(data);
    scan_checked("fuzz.yaml", &text);
    scan_checked("fuzz.json", &text);
});
