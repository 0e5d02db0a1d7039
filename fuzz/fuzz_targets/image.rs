//! Image metadata (`skopeo inspect`, OCI config, `docker inspect`), recognised by content, and the image rules.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kubeharden_fuzz::scan_checked("image.json", &kubeharden_fuzz::lossy(data));
});
