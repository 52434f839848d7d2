use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Checks that the `.proto` file of every Protobuf payload declares a package whose last
    /// component is a version: `v1`, `v2`, `v1beta1`, `v1alpha`, `v1p1beta1` or `v1test`
    /// (`package shop.inventory.v1;`). A file without a package is reported too.
    ///
    /// ## Why is this bad?
    /// The package is part of every message's full name, which is what the registry, the
    /// generated code and `google.protobuf.Any` identify a message by. A versioned package
    /// lets an incompatible redesign live next to the old one (`shop.inventory.v2` beside
    /// `v1`) while consumers migrate, instead of changing the meaning of `v1` under them. A
    /// file without a package puts its messages in one global namespace with every other
    /// file's.
    ///
    /// ## Example
    /// ```proto
    /// package shop.inventory;
    /// ```
    ///
    /// Use instead:
    /// ```proto
    /// package shop.inventory.v1;
    /// ```
    ///
    /// ## Fix
    /// Add the major version as the package's last component. The message's full name
    /// changes with it, and with it the record name a registry subject may be named after
    /// (`record` and `topic-record` subject naming): for an event already in production,
    /// introduce the versioned package with its next major version.
    ///
    /// ## References
    /// - Buf lint rule PACKAGE_VERSION_SUFFIX
    /// - Google API Improvement Proposals, AIP-185: API versioning
    pub struct ProtoPackageVersioned {
        code: PROTO_PACKAGE_VERSIONED,
        category: Naming,
        group: Group::Stable,
    }
}

/// Source-info path of a file's `package` statement (field 2 of `FileDescriptorProto`).
const PACKAGE: &[i32] = &[2];

impl Rule for ProtoPackageVersioned {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for file in ctx.protobuf_files() {
            let Some(root) = file.root() else {
                continue;
            };
            let package = root.package_name();
            if package.is_empty() {
                out.report(
                    file.subject(),
                    format!(
                        "the `.proto` file of `{}` declares no package",
                        file.event.name.value
                    ),
                    file.location(&[]),
                )
                .help(
                    "declare a package ending in its major version, e.g. `package shop.orders.v1;`",
                );
                continue;
            }
            let last = package.rsplit('.').next().unwrap_or(package);
            if is_version(last) {
                continue;
            }
            out.report(
                file.subject(),
                format!("package `{package}` does not end in a version"),
                file.location(PACKAGE),
            )
            .help(format!(
                "end it with the major version: `package {package}.v1;`"
            ));
        }
    }
}

/// `v` and a major version, then optionally a stability suffix as Buf accepts it: `alpha` or
/// `beta` with an optional number (`v1beta1`), a point release before it (`v1p1beta1`), or
/// `test` and anything (`v1test`, `v1testfoo`).
fn is_version(component: &str) -> bool {
    fn number(s: &str) -> (&str, &str) {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s.split_at(end)
    }
    let Some(rest) = component.strip_prefix('v') else {
        return false;
    };
    let (major, rest) = number(rest);
    if major.is_empty() {
        return false;
    }
    if rest.is_empty() || rest.starts_with("test") {
        return true;
    }
    let rest = match rest.strip_prefix('p') {
        Some(point) => {
            let (minor, after) = number(point);
            if minor.is_empty() {
                return false;
            }
            after
        }
        None => rest,
    };
    let Some(after) = rest
        .strip_prefix("alpha")
        .or_else(|| rest.strip_prefix("beta"))
    else {
        return false;
    };
    after.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_version;

    #[test]
    fn versions_as_buf_accepts_them() {
        for ok in [
            "v1",
            "v2",
            "v10",
            "v1beta1",
            "v1alpha",
            "v1p1beta1",
            "v1test",
            "v1testfoo",
        ] {
            assert!(is_version(ok), "{ok}");
        }
        for bad in [
            "inventory",
            "v",
            "version1",
            "v1.0",
            "v1gamma",
            "v1p",
            "v1pbeta1",
            "V1",
            "v1beta1x",
        ] {
            assert!(!is_version(bad), "{bad}");
        }
    }
}
