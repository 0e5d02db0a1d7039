//! `.kubeharden.yaml` parsing: arbitrary bytes through `Config::from_yaml`; an accepted config
//! builds a checker or gives a typed error, round-trips through YAML, and checks a manifest.
#![no_main]

use kubeharden::{Checker, Config, SourceFile};
use kubeharden_fuzz::{lossy, NOW};
use libfuzzer_sys::fuzz_target;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    kubeharden.io/ignore.run-as-non-root: \"reason\"\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true, runAsUser: \"0\"}\n";

fuzz_target!(|data: &[u8]| {
    let text = lossy(data);
    match Config::from_yaml(&text, Some(".kubeharden.yaml")) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(config) => {
            let again = serde_yaml::to_string(&config).expect("a config serialises");
            let back = Config::from_yaml(&again, None).expect("a serialised config reads back");
            assert_eq!(back, config, "config YAML round trip\n{again}");
            // what reading checked is what the checker checks of a config built in code
            for w in &config.options.vulnerability_waivers {
                assert!(w.check().is_ok(), "a waiver read from YAML fails its check: {w:?}");
            }
            if Checker::new(&config, Some(NOW)).is_ok() {
                let report = kubeharden::check(&kubeharden::CheckRequest {
                    files: vec![SourceFile::new("pod.yaml", POD)],
                    config: config.clone(),
                    now: Some(NOW.to_owned()),
                    ..Default::default()
                })
                .expect("Checker::new accepted the config");
                let _ = config.fail_threshold();
                assert!(report.errors.is_empty());
            }
        }
    }
});
