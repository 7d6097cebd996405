//! Token users and per-verb/per-resource permissions (a tiny RBAC).

/// What a user may do. Resources are plurals, with `/status` for the subresource (`"flinkdeployments/status"`);
/// `"*"` matches any verb or resource. Verbs: get, list, watch, create, update, patch, delete, deletecollection.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    rules: Vec<(Vec<String>, Vec<String>, Option<String>)>,
}

impl Permissions {
    /// Everything (the admin user).
    pub fn admin() -> Self {
        Self::none().allow(&["*"], &["*"])
    }

    /// get/list/watch on every resource and subresource.
    pub fn read_only() -> Self {
        Self::none().allow(&["get", "list", "watch"], &["*"])
    }

    /// Nothing.
    pub fn none() -> Self {
        Self::default()
    }

    /// Add a rule granting `verbs` on `resources` in every namespace.
    pub fn allow(mut self, verbs: &[&str], resources: &[&str]) -> Self {
        self.rules.push((to_vec(verbs), to_vec(resources), None));
        self
    }

    /// Add a rule granting `verbs` on `resources` in one namespace only.
    pub fn allow_in(mut self, namespace: &str, verbs: &[&str], resources: &[&str]) -> Self {
        self.rules.push((
            to_vec(verbs),
            to_vec(resources),
            Some(namespace.to_string()),
        ));
        self
    }

    /// Is `verb` on `resource` (plural or `plural/sub`) in `namespace` (None = cluster scope) allowed?
    pub fn allows(&self, verb: &str, resource: &str, namespace: Option<&str>) -> bool {
        self.rules.iter().any(|(verbs, resources, ns)| {
            let verb_ok = verbs.iter().any(|v| v == "*" || v == verb);
            let res_ok = resources.iter().any(|r| {
                r == "*"
                    || r == resource
                    || (r.ends_with("/*") && resource.starts_with(&r[..r.len() - 1]))
            });
            let ns_ok = ns.as_deref().is_none_or(|n| namespace == Some(n));
            verb_ok && res_ok && ns_ok
        })
    }
}

fn to_vec(s: &[&str]) -> Vec<String> {
    s.iter().map(|x| x.to_string()).collect()
}

/// A token-authenticated user.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub token: String,
    pub groups: Vec<String>,
    pub permissions: Permissions,
}

/// Name and token of the always-present administrator (group `system:masters`).
pub const ADMIN_USER: &str = "admin";
pub const ADMIN_TOKEN: &str = "sandbox-admin-token";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_cannot_patch_but_can_list_status() {
        let p = Permissions::read_only();
        assert!(p.allows("list", "flinkdeployments", Some("a")));
        assert!(p.allows("get", "flinkdeployments/status", Some("a")));
        assert!(!p.allows("patch", "flinkdeployments", Some("a")));
    }

    #[test]
    fn namespaced_grant_does_not_leak_to_other_namespaces_or_cluster_scope() {
        let p = Permissions::none().allow_in("team-a", &["patch"], &["flinkdeployments"]);
        assert!(p.allows("patch", "flinkdeployments", Some("team-a")));
        assert!(!p.allows("patch", "flinkdeployments", Some("team-b")));
        assert!(!p.allows("patch", "flinkdeployments", None));
    }
}
