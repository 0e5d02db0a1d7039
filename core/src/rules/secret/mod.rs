//! Rules about secrets in manifests: literal secrets in environment variables, secrets read into
//! the environment, Secret objects committed with their values, credentials in ConfigMaps.

mod configmap_credentials;
mod literal_secret_in_env;
pub(crate) mod patterns;
mod secret_in_env_var;
mod secret_object_in_manifests;
pub mod values;

pub use configmap_credentials::ConfigmapCredentials;
pub use literal_secret_in_env::LiteralSecretInEnv;
pub use patterns::{looks_like_secret_value, secret_name_fragment, secret_spans, SECRET_NAME_FRAGMENTS};
pub use secret_in_env_var::SecretInEnvVar;
pub use secret_object_in_manifests::SecretObjectInManifests;
