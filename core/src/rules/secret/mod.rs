//! Rules about secrets in manifests: literal secrets in environment variables, secrets read into
//! the environment.

mod literal_secret_in_env;
mod patterns;
mod secret_in_env_var;

pub use literal_secret_in_env::LiteralSecretInEnv;
pub use patterns::{looks_like_secret_value, secret_name_fragment, SECRET_NAME_FRAGMENTS};
pub use secret_in_env_var::SecretInEnvVar;
