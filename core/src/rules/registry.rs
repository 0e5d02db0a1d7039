//! The hand-kept list of every rule, sorted by id. Registering a rule is one line here.

use super::dockerfile::*;
use super::image::*;
use super::namespace::*;
use super::network::*;
use super::rbac::*;
use super::scan::*;
use super::secret::*;
use super::workload::*;
use super::Rule;

/// Every rule, sorted by id. Ids are permanent and never reused.
pub static RULES: &[&dyn Rule] = &[
    &DockerfileRunsAsRoot,
    &DockerfileUserNotNumeric,
    &DockerfileBuildToolsInFinalStage,
    &DockerfileBaseImageUnpinned,
    &DockerfilePackageCache,
    &DockerfileAptInstallRecommends,
    &DockerfileAddInsteadOfCopy,
    &DockerfileSecretInEnv,
    &DockerfileSudo,
    &DockerfileUntrustedPackages,
    &DockerfileRemoteScriptPipedToShell,
    &ImageTooOld,
    &ImageRunsAsRoot,
    &RunAsNonRootUnverifiable,
    &NamespaceDefaultDenyMissing,
    &NetworkPolicyNotCoveringPod,
    &NetworkPolicySelectsNothing,
    &NetworkPolicyAllowsAll,
    &NetworkPolicyInvalid,
    &NamespacePssEnforceMissing,
    &PssAdmissionRejected,
    &PssAdmissionWarning,
    &PrivilegedContainer,
    &PrivilegeEscalationAllowed,
    &RunAsNonRoot,
    &RunAsRootUser,
    &CapabilitiesDropAllMissing,
    &DangerousCapabilities,
    &WritableRootFilesystem,
    &HostNamespaces,
    &HostPathVolume,
    &ContainerRuntimeSocket,
    &HostPort,
    &SeccompProfileMissing,
    &CpuRequestMissing,
    &MemoryRequestMissing,
    &CpuLimitMissing,
    &MemoryLimitMissing,
    &EphemeralStorageRequestMissing,
    &EphemeralStorageLimitMissing,
    &ImageTagMutable,
    &ImageDigestMissing,
    &ServiceAccountTokenAutomount,
    &ApparmorUnconfined,
    &SelinuxOptionsCustom,
    &UnsafeSysctls,
    &HostProcess,
    &ProcMountUnmasked,
    &CapabilityAdded,
    &ImageRegistryUntrusted,
    &RbacClusterAdminBinding,
    &RbacWildcardPermission,
    &RbacSecretsRead,
    &RbacPodExec,
    &RbacPrivilegeEscalationVerbs,
    &VulnerabilityGate,
    &LiteralSecretInEnv,
    &SecretInEnvVar,
    &SecretObjectInManifests,
    &ConfigmapCredentials,
    &InvalidFieldType,
    &UnknownApiVersion,
    &DuplicateKey,
];

/// Finds a rule by name or id (ids case-insensitively).
#[must_use]
pub fn find(name_or_id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name_or_id || r.meta().id.0.eq_ignore_ascii_case(name_or_id))
}
