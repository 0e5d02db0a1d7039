//! `kind: List` (nested, of pod-bearing objects with arbitrary security contexts), rendered as
//! JSON and as block YAML: both must read without a syntax error and give the same findings and
//! errors, line and column aside.
#![no_main]

use kubeharden::SourceFile;
use kubeharden_fuzz::{checker, finding_key, gen_object, scan_checked};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let tree = gen_object(&mut u, 0)?;
    let json = tree.to_json();
    let yaml = tree.to_yaml();
    let a = scan_checked("list.json", &json);
    let b = scan_checked("list.yaml", &yaml);
    for (name, text) in [("list.json", &json), ("list.yaml", &yaml)] {
        let (_, errors) = kubeharden::source::parse_documents(
            &SourceFile::new(name, text.as_str()),
            &checker().parse_options().limits,
        );
        assert!(errors.is_empty(), "{name} did not parse: {errors:?}\n{text}");
    }
    let mut fa: Vec<_> = a.findings.iter().map(finding_key).collect();
    let mut fb: Vec<_> = b.findings.iter().map(finding_key).collect();
    fa.sort();
    fb.sort();
    assert_eq!(fa, fb, "findings differ between JSON and YAML\n{json}\n{yaml}");
    let ea: Vec<_> = a.errors.iter().map(|e| (e.document, e.message.clone())).collect();
    let eb: Vec<_> = b.errors.iter().map(|e| (e.document, e.message.clone())).collect();
    assert_eq!(ea, eb, "errors differ between JSON and YAML\n{json}\n{yaml}");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
