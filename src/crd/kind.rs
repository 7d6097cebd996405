//! [`Kind`]: what a target or a savepoint record is about, and how the API names it.

use std::fmt;

use super::enums::JobKind;

/// API group of all Flink operator resources.
pub const GROUP: &str = "flink.apache.org";
/// API version of all Flink operator resources.
pub const VERSION: &str = "v1beta1";
/// `apiVersion` of all Flink operator resources.
pub const API_VERSION: &str = "flink.apache.org/v1beta1";

/// The four things the tools act on. Applications and session clusters are both
/// FlinkDeployments; a session cluster is one without `spec.job`.
///
/// [`JobKind`] stays beside it on purpose: it is the wire value of a snapshot's
/// `spec.jobReference.kind` (and of [`super::TargetRef`]), `FlinkDeployment` or
/// `FlinkSessionJob` with any other text kept verbatim, so a snapshot round-trips unchanged. It
/// cannot tell an application from a session cluster and has no snapshot; [`Kind::of_job`] is the
/// one bridge from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A FlinkDeployment with a job (application mode; `app/NAME`).
    Application,
    /// A FlinkSessionJob (`job/NAME`); its savepoint directory comes from the session cluster.
    SessionJob,
    /// A FlinkDeployment without a job (`session/NAME`); its session jobs inherit its settings.
    SessionCluster,
    /// A FlinkStateSnapshot (`flinkstatesnapshot/NAME`).
    Snapshot,
}

impl Kind {
    /// Every kind, in the order they are listed in messages.
    pub const ALL: [Kind; 4] = [
        Kind::Application,
        Kind::SessionJob,
        Kind::SessionCluster,
        Kind::Snapshot,
    ];

    /// The short prefix used when printing a target (`app/orders`).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Application => "app",
            Kind::SessionJob => "job",
            Kind::SessionCluster => "session",
            Kind::Snapshot => "flinkstatesnapshot",
        }
    }

    /// The Kubernetes `kind` of the object.
    pub fn api_kind(self) -> &'static str {
        match self {
            Kind::Application | Kind::SessionCluster => "FlinkDeployment",
            Kind::SessionJob => "FlinkSessionJob",
            Kind::Snapshot => "FlinkStateSnapshot",
        }
    }

    /// The plural resource name (as used by `kubectl get` and RBAC).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Application | Kind::SessionCluster => "flinkdeployments",
            Kind::SessionJob => "flinksessionjobs",
            Kind::Snapshot => "flinkstatesnapshots",
        }
    }

    /// The API group (`flink.apache.org`).
    pub fn group(self) -> &'static str {
        GROUP
    }

    /// The `apiVersion` (`flink.apache.org/v1beta1`).
    pub fn api_version(self) -> &'static str {
        API_VERSION
    }

    /// The names a command line accepts for the kind (lower case), as `kubectl` accepts a
    /// resource's singular, plural and short names.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Kind::Application => &[
                "app",
                "application",
                "flinkdeployment",
                "flinkdeployments",
                "flinkdep",
            ],
            Kind::SessionJob => &[
                "job",
                "sessionjob",
                "sessionjobs",
                "flinksessionjob",
                "flinksessionjobs",
            ],
            Kind::SessionCluster => &["session"],
            Kind::Snapshot => &[
                "flinkstatesnapshot",
                "flinkstatesnapshots",
                "flinksnp",
                "snapshot",
                "snapshots",
                "savepoint",
                "savepoints",
            ],
        }
    }

    /// Resolves a kind alias (case-insensitive, optional `.flink.apache.org` suffix): the one
    /// place the target syntax (`app/orders`) and `restore --from flinkstatesnapshot/sp-1`
    /// read a kind.
    pub fn from_alias(text: &str) -> Option<Kind> {
        let lower = text.trim().to_ascii_lowercase();
        let bare = lower.strip_suffix(&format!(".{GROUP}")).unwrap_or(&lower);
        Kind::ALL
            .into_iter()
            .find(|kind| kind.aliases().contains(&bare))
    }

    /// The kind a snapshot's `jobReference.kind` (or a [`super::TargetRef`]) designates: a
    /// FlinkSessionJob is a session job, anything else a FlinkDeployment with a job.
    pub fn of_job(kind: &JobKind) -> Kind {
        match kind {
            JobKind::FlinkSessionJob => Kind::SessionJob,
            _ => Kind::Application,
        }
    }
}

/// The prefix (`app`, `job`, `session`, `flinkstatesnapshot`).
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names written here are the ones the CRD types derive (`#[kube(kind, plural)]`), so
    /// the tools and the generated manifests cannot disagree.
    #[test]
    fn kind_and_plural_match_the_crd_types() {
        use kube::Resource;
        for kind in Kind::ALL {
            let (api_kind, plural) = match kind {
                Kind::Application | Kind::SessionCluster => (
                    crate::crd::deployment::FlinkDeployment::kind(&()),
                    crate::crd::deployment::FlinkDeployment::plural(&()),
                ),
                Kind::SessionJob => (
                    crate::crd::session_job::FlinkSessionJob::kind(&()),
                    crate::crd::session_job::FlinkSessionJob::plural(&()),
                ),
                Kind::Snapshot => (
                    crate::crd::snapshot::FlinkStateSnapshot::kind(&()),
                    crate::crd::snapshot::FlinkStateSnapshot::plural(&()),
                ),
            };
            assert_eq!(kind.api_kind(), api_kind, "{kind}");
            assert_eq!(kind.plural(), plural, "{kind}");
        }
    }

    #[test]
    fn applications_and_session_clusters_are_both_flinkdeployments() {
        assert_eq!(Kind::SessionCluster.api_kind(), "FlinkDeployment");
        assert_eq!(Kind::Application.plural(), "flinkdeployments");
        assert_eq!(Kind::of_job(&JobKind::FlinkSessionJob), Kind::SessionJob);
        assert_eq!(Kind::Snapshot.to_string(), "flinkstatesnapshot");
        assert_eq!(Kind::SessionJob.api_version(), "flink.apache.org/v1beta1");
    }
}
