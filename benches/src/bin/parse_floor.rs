//! The parse-only floor as a process: reads every `.yaml`/`.yml`/`.json` file under the given
//! directories and parses each into a generic value with `serde_yaml` (yaml_serde, libyaml),
//! single-threaded, doing nothing else. `benches/compare.sh` times it beside `kubeharden scan`.

use std::path::Path;
use std::process::ExitCode;

use serde::Deserialize;

/// What to parse with: `serde_yaml` into `Value` (the floor, the default), `saphyr-parser`'s
/// events only (`--saphyr-events`), or kubeharden's spanned tree (`--kubeharden-parse`). The last
/// two split a profile of `kubeharden scan` into the parser's cost and ours.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    SerdeYaml,
    SaphyrEvents,
    Kubeharden,
}

fn main() -> ExitCode {
    let mut dirs: Vec<String> = std::env::args().skip(1).collect();
    let engine = match dirs.first().map(String::as_str) {
        Some("--saphyr-events") => Engine::SaphyrEvents,
        Some("--kubeharden-parse") => Engine::Kubeharden,
        _ => Engine::SerdeYaml,
    };
    if engine != Engine::SerdeYaml {
        dirs.remove(0);
    }
    if dirs.is_empty() {
        eprintln!("usage: parse_floor [--saphyr-events | --kubeharden-parse] DIR...");
        return ExitCode::from(2);
    }
    let limits = kubeharden::syntax::Limits::default();
    let mut docs = 0usize;
    let mut bytes = 0usize;
    for d in &dirs {
        let files = kubeharden_benches::load(Path::new(d), &|p| {
            matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
        });
        for f in files {
            bytes += f.content.len();
            match engine {
                Engine::SerdeYaml => {
                    for doc in serde_yaml::Deserializer::from_str(&f.content) {
                        if serde_yaml::Value::deserialize(doc).is_ok() {
                            docs += 1;
                        }
                    }
                }
                Engine::SaphyrEvents => {
                    for ev in saphyr_parser::Parser::new_from_str(&f.content) {
                        match ev {
                            Ok((saphyr_parser::Event::DocumentEnd, _)) => docs += 1,
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                }
                Engine::Kubeharden => docs += kubeharden::source::parse_documents(&f, &limits).0.len(),
            }
        }
    }
    println!("parsed {docs} documents, {bytes} bytes");
    ExitCode::SUCCESS
}
