//! The fix loop over generated manifests: two or three objects (pod-bearing ones with arbitrary
//! security contexts, Lists of them) as one multi-document YAML file, every fix applied (unsafe
//! ones too). The loop reads a file a pass fixed again document by document (`fix/reparse.rs`);
//! in this build (debug assertions on) each such reading is compared with the whole reading. The
//! loop's report must be the check of its fixed text from scratch, and a fixed text must read
//! without an error.
#![no_main]

use kubeharden::fix::{fix_sources, SingleThreaded};
use kubeharden::SourceFile;
use kubeharden_fuzz::{checker, gen_object};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let n = u.int_in_range(2..=3)?;
    let mut text = String::new();
    for i in 0..n {
        if i > 0 || u.arbitrary()? {
            text.push_str("---\n");
        }
        if u.ratio(1, 4)? {
            text.push_str("# a comment\n\n");
        }
        text.push_str(&gen_object(&mut u, 0)?.to_yaml());
    }
    let c = checker();
    let outcome = fix_sources(&SingleThreaded(c), vec![SourceFile::new("fix.yaml", text.as_str())], true);
    let fixed = SourceFile::new("fix.yaml", outcome.files[0].fixed.as_str());
    let sources = [kubeharden::source::parse(&fixed, c.parse_options())];
    if outcome.files[0].changed() {
        assert!(
            sources[0].errors.is_empty(),
            "the fixed text does not read: {:?}\n{}",
            sources[0].errors,
            fixed.content
        );
    }
    let mut report = c.check_sources(&sources);
    kubeharden::fix::resolve(&mut report, std::slice::from_ref(&fixed), &sources);
    assert_eq!(outcome.report, report, "{text}");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
