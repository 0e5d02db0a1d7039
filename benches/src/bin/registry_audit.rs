//! The weekly audit with image ages from a registry, timed against a real one: Debian's
//! `docker-registry` on 127.0.0.1 (started and stopped here, plain HTTP), N distinct images
//! pushed with skopeo, a `kubectl get pods -A -o json` of N pods, one per image. Prints the wall
//! time of:
//!
//! - the seed's loop: `skopeo inspect docker://IMAGE` for every image, one after the other (what
//!   `weekly-security-audit.sh` does for the image-age section alone);
//! - `kubeharden audit pods.json --registry` with an empty cache (first run);
//! - the same again with the cache it left (the weekly re-run: one request per tag);
//! - `--no-cache`.
//!
//! `cargo run --release -p kubeharden-benches --bin registry_audit [-- N [RUNS]]` (default 100
//! images, 3 runs; the median is printed). Needs `docker-registry`, `skopeo` and `openssl`
//! (scripts/install-toolchains.sh). The kubeharden runs are in-process (`kubeharden_cli::main`),
//! as the binary runs them, with XDG_CACHE_HOME and DOCKER_CONFIG pointed at a temporary directory.

use std::process::{Command, ExitCode};
use std::time::Instant;

use kubeharden_registry::testing::{ImageSpec, Layout, LocalRegistry};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    match bench(n, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("registry_audit: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(n: usize, runs: usize) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let reg = LocalRegistry::start(false, None)?;
    let addr = reg.addr.clone();
    let mut layout = Layout::new(&tmp.path().join("layout"))?;
    let images: Vec<String> = (0..n).map(|i| format!("{addr}/bench/app{}:v{i}", i % 10)).collect();
    let t0 = Instant::now();
    for (i, image) in images.iter().enumerate() {
        let created = format!("2026-{:02}-{:02}T00:00:00Z", 1 + i % 12, 1 + i % 28);
        let name = format!("img{i}");
        layout.add_image(&name, &ImageSpec { created: Some(&created), user: Some(""), platform: "linux/amd64" })?;
        reg.push(&layout, &name, image.trim_start_matches(&format!("{addr}/")))?;
    }
    eprintln!("pushed {n} images in {:.1} s", t0.elapsed().as_secs_f64());

    let pods: Vec<String> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","namespace":"bench"}},"spec":{{"containers":[{{"name":"c","image":"{image}"}}]}}}}"#
            )
        })
        .collect();
    let pods_file = tmp.path().join("pods.json");
    std::fs::write(&pods_file, format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, pods.join(",")))
        .map_err(|e| e.to_string())?;
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(tmp.path().join("docker")).map_err(|e| e.to_string())?;
    // the process is single-threaded here: nothing reads the environment concurrently
    std::env::set_var("XDG_CACHE_HOME", &cache);
    std::env::set_var("DOCKER_CONFIG", tmp.path().join("docker"));

    let seed = |image: &str| -> Result<(), String> {
        let out = Command::new("skopeo")
            .args(["inspect", "--tls-verify=false", &format!("docker://{image}")])
            .output()
            .map_err(|e| format!("skopeo: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    };
    let report = tmp.path().join("audit.json");
    let audit = |extra: &[&str]| -> Result<f64, String> {
        let mut argv = vec![
            "kubeharden".to_owned(),
            "audit".to_owned(),
            pods_file.display().to_string(),
            "--registry".to_owned(),
            "--insecure-registry".to_owned(),
            addr.clone(),
            "--format".to_owned(),
            "json".to_owned(),
            "-o".to_owned(),
            report.display().to_string(),
        ];
        argv.extend(extra.iter().map(|s| (*s).to_owned()));
        let t = Instant::now();
        let code = kubeharden_cli::main(argv.into_iter().map(std::ffi::OsString::from));
        let secs = t.elapsed().as_secs_f64();
        if code != 0 {
            return Err(format!("kubeharden audit exited {code}"));
        }
        let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
        let r = kubeharden::audit::read_json(&kubeharden::SourceFile::new(report.display().to_string(), text))
            .map_err(|e| e.to_string())?;
        let aged = r.image_age.iter().filter(|i| i.age_days.is_some() || i.created.is_some()).count();
        if aged != n || r.images_unreachable != Some(0) {
            return Err(format!("{aged} of {n} images have a creation date"));
        }
        Ok(secs)
    };

    let (mut skopeo, mut cold, mut warm, mut nocache) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        for image in &images {
            seed(image)?;
        }
        skopeo.push(t.elapsed().as_secs_f64());
        let _ = std::fs::remove_dir_all(&cache);
        cold.push(audit(&[])?);
        warm.push(audit(&[])?);
        nocache.push(audit(&["--no-cache"])?);
    }
    println!("registry_audit: {n} images, {n} pods, local docker-registry on 127.0.0.1, median of {runs} runs");
    println!("{:<58} {:>8}", "command", "seconds");
    println!("{:<58} {:>8.2}", "seed loop: skopeo inspect docker://IMAGE, one by one", median(skopeo));
    println!("{:<58} {:>8.2}", "kubeharden audit --registry, empty cache (first run)", median(cold));
    println!("{:<58} {:>8.2}", "kubeharden audit --registry, cached (the weekly re-run)", median(warm));
    println!("{:<58} {:>8.2}", "kubeharden audit --registry --no-cache", median(nocache));
    drop(reg);
    Ok(())
}
