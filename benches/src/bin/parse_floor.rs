//! The parse-only floor as a process: reads every `.yaml`/`.yml`/`.json` file under the given
//! directories and parses each into a generic value with `serde_yaml` (yaml_serde, libyaml),
//! single-threaded, doing nothing else. `benches/compare.sh` times it beside `kubeharden scan`.

use std::path::Path;
use std::process::ExitCode;

use serde::Deserialize;

fn main() -> ExitCode {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("usage: parse_floor DIR...");
        return ExitCode::from(2);
    }
    let mut docs = 0usize;
    let mut bytes = 0usize;
    for d in &dirs {
        let files = kubeharden_benches::load(Path::new(d), &|p| {
            matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
        });
        for f in files {
            bytes += f.content.len();
            for doc in serde_yaml::Deserializer::from_str(&f.content) {
                if serde_yaml::Value::deserialize(doc).is_ok() {
                    docs += 1;
                }
            }
        }
    }
    println!("parsed {docs} documents, {bytes} bytes");
    ExitCode::SUCCESS
}
