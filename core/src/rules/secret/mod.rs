//! Secret rules: secrets committed as Secret objects or hidden in ConfigMaps.

mod configmap_credentials;
mod redact;
mod secret_object_in_manifests;

pub use configmap_credentials::ConfigmapCredentials;
pub use secret_object_in_manifests::SecretObjectInManifests;
