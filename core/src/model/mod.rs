//! The lenient typed model of what the rules read.
//!
//! Hand-written rather than generated (k8s-openapi): it builds fast, keeps the wasm module small,
//! needs no Kubernetes-version feature, and lets a mistyped value (`runAsUser: "0"`) become a
//! finding instead of failing the file. Every view borrows from the spanned syntax tree
//! ([`crate::syntax::Node`]) of its document and knows the [`FieldPath`] of what it reads, so a
//! rule can point at the exact field.

mod inventory;
mod lenient;
mod object;
mod pod;
pub mod rbac;
mod user;

pub use inventory::{problem_error, Inventory, Reads, SourceObjects};
pub use lenient::{InvalidField, Lenient};
pub use object::{builtin_group, is_list_kind, item_without_kind, Document, K8sObject, NsKey, ObjectRef};
pub use pod::{
    Capability, Container, ContainerKind, Eff, EnvSource, EnvVar, Level, PodSecurityContext, PodSpec, Port, Resources,
    Volume,
};
pub use user::{go_atoi, image_user, ImageUser};
