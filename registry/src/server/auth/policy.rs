//! Who may do what: the roles, the access each request needs, and which routes are open.

use axum::http::Method;

/// What a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// GET and HEAD, plus the POSTs that only read: lookup (`POST /subjects/{subject}`) and the
    /// compatibility checks.
    ReadOnly,
    /// Everything.
    ReadWrite,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ReadOnly => "read-only",
            Role::ReadWrite => "read-write",
        }
    }

    /// The role a configuration names.
    pub(super) fn from_name(name: &str) -> Option<Role> {
        [Role::ReadOnly, Role::ReadWrite]
            .into_iter()
            .find(|role| role.as_str() == name)
    }

    /// Whether the role allows a request that needs `access`.
    pub fn allows(self, access: Access) -> bool {
        access != Access::Write || self == Role::ReadWrite
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credentials (health probes).
    Open,
    Read,
    Write,
}

/// The access a request needs, from its method and route template (`None`: no route matched).
pub fn required_access(method: &Method, route: Option<&str>, public_metrics: bool) -> Access {
    match route {
        Some("/health" | "/health/live" | "/health/ready") => return Access::Open,
        Some("/metrics") if public_metrics => return Access::Open,
        _ => {}
    }
    if *method == Method::GET || *method == Method::HEAD {
        return Access::Read;
    }
    // These POSTs send a schema to compare, not to store (and the root's POST stores nothing).
    let reads = matches!(
        route,
        Some(
            "/" | "/subjects/{subject}"
                | "/compatibility/subjects/{subject}/versions"
                | "/compatibility/subjects/{subject}/versions/{version}"
        )
    );
    if *method == Method::POST && reads {
        Access::Read
    } else {
        Access::Write
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_follows_method_and_route() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            required_access(&get, Some("/health/ready"), false),
            Access::Open
        );
        assert_eq!(required_access(&get, Some("/metrics"), false), Access::Read);
        assert_eq!(required_access(&get, Some("/metrics"), true), Access::Open);
        assert_eq!(
            required_access(&get, Some("/subjects"), false),
            Access::Read
        );
        assert_eq!(required_access(&get, None, false), Access::Read);
        assert_eq!(
            required_access(&post, Some("/subjects/{subject}"), false),
            Access::Read
        );
        assert_eq!(
            required_access(
                &post,
                Some("/compatibility/subjects/{subject}/versions/{version}"),
                false
            ),
            Access::Read
        );
        assert_eq!(
            required_access(&post, Some("/subjects/{subject}/versions"), false),
            Access::Write
        );
        assert_eq!(
            required_access(&Method::PUT, Some("/config"), false),
            Access::Write
        );
        assert_eq!(
            required_access(&Method::DELETE, Some("/subjects/{subject}"), false),
            Access::Write
        );
        // The served catalog: reading it is a read, reloading it changes what everyone sees.
        for route in [
            "/contrail/v1/graph",
            "/contrail/v1/impact/{event}",
            "/ui",
            "/ui/",
            "/ui/{*path}",
        ] {
            assert_eq!(required_access(&get, Some(route), false), Access::Read);
        }
        assert_eq!(
            required_access(&post, Some("/contrail/v1/catalog/reload"), false),
            Access::Write
        );
        // A POST to a path that does not exist still needs a writer.
        assert_eq!(required_access(&post, None, false), Access::Write);
    }

    #[test]
    fn only_writers_write() {
        for access in [Access::Open, Access::Read, Access::Write] {
            assert!(Role::ReadWrite.allows(access));
        }
        assert!(Role::ReadOnly.allows(Access::Read));
        assert!(!Role::ReadOnly.allows(Access::Write));
        assert_eq!(Role::from_name("read-only"), Some(Role::ReadOnly));
        assert_eq!(Role::from_name("admin"), None);
    }
}
