//! The metadata handed to the core: what `docker inspect` says of a pulled image (`Id` = the
//! config digest, `RepoTags`, `RepoDigests`, `Created`, `Config.User`, `RootFS`), which the
//! core's front door recognises as image metadata. Only what the rules read is copied from the
//! config: its `Env`, labels and history stay out (an `ENV` may hold a secret).

use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The parts of an OCI / Docker image config that are read.
#[derive(Deserialize)]
pub(crate) struct ImageConfig {
    #[serde(default)]
    pub created: Option<Value>,
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub config: Option<Value>,
    #[serde(default)]
    pub rootfs: Option<Value>,
}

/// What the metadata says of an image.
pub(crate) struct Described {
    pub created: Option<String>,
    pub user: Option<String>,
    pub json: String,
}

/// Reads a config blob and writes its `docker inspect` form.
///
/// # Errors
/// A message when the blob is not a JSON object of an image config.
pub(crate) fn describe(
    config: &[u8],
    config_digest: &str,
    repo_tag: Option<&str>,
    repo_digests: &[String],
) -> Result<Described, String> {
    let v: Value = serde_json::from_slice(config).map_err(|e| format!("the image config is not JSON: {e}"))?;
    if !v.is_object() {
        return Err("the image config is not a JSON object".to_owned());
    }
    let c: ImageConfig =
        serde_json::from_value(v).map_err(|e| format!("the image config is not an image config: {e}"))?;
    let created = match &c.created {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("the image config's `created` is not a string".to_owned()),
    };
    let user = match &c.config {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => match o.get("User") {
            None | Some(Value::Null) => Some(String::new()),
            Some(Value::String(u)) => Some(u.clone()),
            Some(_) => return Err("the image config's `config.User` is not a string".to_owned()),
        },
        Some(_) => return Err("the image config's `config` is not an object".to_owned()),
    };
    let mut obj = Map::new();
    obj.insert("Id".to_owned(), json!(config_digest));
    obj.insert("RepoTags".to_owned(), json!(repo_tag.into_iter().collect::<Vec<_>>()));
    obj.insert("RepoDigests".to_owned(), json!(repo_digests));
    if let Some(cr) = &created {
        obj.insert("Created".to_owned(), json!(cr));
    }
    for (k, v) in [("Architecture", &c.architecture), ("Os", &c.os), ("Variant", &c.variant)] {
        if let Some(v) = v {
            obj.insert(k.to_owned(), json!(v));
        }
    }
    let mut cfg = Map::new();
    if let Some(u) = &user {
        cfg.insert("User".to_owned(), json!(u));
    }
    obj.insert("Config".to_owned(), Value::Object(cfg));
    obj.insert("RootFS".to_owned(), c.rootfs.unwrap_or_else(|| json!({"Type": "layers"})));
    let json = serde_json::to_string_pretty(&Value::Array(vec![Value::Object(obj)]))
        .map_err(|e| format!("cannot write the metadata: {e}"))?;
    Ok(Described { created, user, json: json + "\n" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_docker_inspect() {
        let cfg = br#"{"created":"2024-01-02T03:04:05Z","architecture":"amd64","os":"linux",
            "config":{"User":"1000","Env":["PASSWORD=hunter2"]},"rootfs":{"type":"layers","diff_ids":[]}}"#;
        let d = describe(cfg, "sha256:c", Some("r/app:1"), &["r/app@sha256:m".to_owned()]).unwrap();
        assert_eq!((d.created.as_deref(), d.user.as_deref()), (Some("2024-01-02T03:04:05Z"), Some("1000")));
        assert!(!d.json.contains("hunter2"));
        let v: Value = serde_json::from_str(&d.json).unwrap();
        assert_eq!(v[0]["Config"]["User"], "1000");
        assert_eq!(v[0]["RepoDigests"][0], "r/app@sha256:m");
        let d = describe(br#"{"config":{},"rootfs":{}}"#, "sha256:c", None, &[]).unwrap();
        assert_eq!((d.created, d.user.as_deref()), (None, Some("")));
        let d = describe(br#"{"rootfs":{}}"#, "sha256:c", None, &[]).unwrap();
        assert_eq!(d.user, None);
        assert!(describe(b"[]", "sha256:c", None, &[]).is_err());
        assert!(describe(br#"{"created":5}"#, "sha256:c", None, &[]).is_err());
        assert!(describe(br#"{"config":{"User":0}}"#, "sha256:c", None, &[]).is_err());
    }
}
