//! The service one document describes: its name, owner and description from `info`, the
//! perspective its 2.x `publish`/`subscribe` are read from, and `x-contrail-ignore`.

use std::path::Path;

use super::references::At;
use super::{EventCopy, Loader};
use crate::codes;
use crate::diagnostic::{Diagnostic, Location};
use crate::load::native;
use crate::model::{Origin, Service, Spanned};
use crate::paths;

/// Whose view a 2.x document's `publish`/`subscribe` are written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perspective {
    /// The spec's reading: `publish` = the application receives, `subscribe` = it sends.
    Application,
    /// Written the other way round (common in practice): `publish` = the application sends.
    Client,
}

impl Loader<'_> {
    /// Reads the document at `root` into a service of the catalog and its events.
    pub(super) fn document(&mut self, root: &At) {
        let info = match root.node().get("info") {
            Some(_) => self
                .child(root, "info")
                .filter(|i| self.is_map(i, "`info`")),
            None => {
                let span = root
                    .node()
                    .entry("asyncapi")
                    .map_or(root.node().span, |e| e.key_span);
                self.report(
                    codes::MISSING_KEY,
                    (&root.file, span),
                    "",
                    "an AsyncAPI document needs `info`".to_owned(),
                    "add `info:` with at least `title:` and `version:`",
                );
                None
            }
        };
        self.perspective = self.perspective(root, info.as_ref());
        let channels = root.node().get("channels").map(|_| root.at("channels"));
        let operations = root.node().get("operations").map(|_| root.at("operations"));
        let channel_keys = match &channels {
            Some(c) => self.entries(c, "`channels`"),
            None => Vec::new(),
        };
        let operation_keys = match &operations {
            Some(o) if self.v3 => self.entries(o, "`operations`"),
            Some(o) => {
                self.report(
                    codes::ASYNCAPI_UNMAPPED,
                    (&o.file, o.node().span),
                    &o.pointer,
                    "top-level `operations` are an AsyncAPI 3 field; this 2.x document's operations are read from its channels".to_owned(),
                    "put the operations under `channels.<name>.publish/subscribe`, or declare `asyncapi: 3.0.0`",
                );
                Vec::new()
            }
            None => Vec::new(),
        };
        if channel_keys.is_empty() && operation_keys.is_empty() {
            // Shared components, not an application.
            return;
        }
        let (name, location) = self.service_name(root, info.as_ref());
        let owner = match &info {
            Some(info) => match self.string(info, "x-owner") {
                Some(owner) => Some(owner),
                None => match self.child(info, "contact") {
                    Some(contact) if contact.node().as_map().is_some() => {
                        self.string(&contact, "name")
                    }
                    _ => None,
                },
            },
            None => None,
        };
        let description = info
            .as_ref()
            .and_then(|i| self.string(i, "description"))
            .map(|d| d.value);
        if let (true, Some(operations)) = (self.v3, &operations) {
            for (key, _) in &operation_keys {
                self.operation_v3(operations, key);
            }
        } else if let (false, Some(channels)) = (self.v3, &channels) {
            for (key, span) in &channel_keys {
                self.channel_v2(channels, key, *span);
            }
        }
        // `x-contrail-ignore` on the document (or its `info`) silences rules for the service.
        let ignore_at = match root.node().get("x-contrail-ignore") {
            Some(_) => Some(root.at("x-contrail-ignore")),
            None => info
                .as_ref()
                .filter(|i| i.node().get("x-contrail-ignore").is_some())
                .map(|i| i.at("x-contrail-ignore")),
        };
        let suppressions = match ignore_at {
            Some(at) => {
                let mut diagnostics = Vec::new();
                let found =
                    native::suppressions(&at.file, Some(at.node()), &at.pointer, &mut diagnostics);
                self.ctx.diagnostics.extend(diagnostics);
                found
            }
            None => Vec::new(),
        };
        let service = Service {
            name,
            owner,
            description,
            suppressions,
            produces: std::mem::take(&mut self.produces),
            consumes: std::mem::take(&mut self.consumes),
            location,
            origin: Origin::AsyncApi,
        };
        let copies = std::mem::take(&mut self.events).into_iter().map(|event| {
            let produced = service
                .produces
                .iter()
                .any(|p| p.event.value == event.name.value);
            EventCopy { event, produced }
        });
        self.ctx.asyncapi_events.extend(copies);
        self.ctx.catalog.services.push(service);
    }

    fn service_name(&mut self, root: &At, info: Option<&At>) -> (Spanned<String>, Location) {
        if let Some(info) = info {
            if let Some(name) = self.string(info, "x-contrail-service") {
                let location = name.location.clone();
                return (name, location);
            }
            if let Some(title) = self.string(info, "title") {
                let location = title.location.clone();
                return (title, location);
            }
            self.report(
                codes::MISSING_KEY,
                (&info.file, info.node().span),
                &info.pointer,
                "`info` needs `title`".to_owned(),
                "add `title:`; contrail names the service after it (or after `x-contrail-service`)",
            );
        }
        let stem = root.file.file_stem().map_or_else(
            || "asyncapi".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        let span = root
            .node()
            .entry("asyncapi")
            .map_or(root.node().span, |e| e.key_span);
        let location = self.ctx.loc(&root.file, span);
        (Spanned::new(stem, location.clone(), "/asyncapi"), location)
    }

    fn perspective(&mut self, root: &At, info: Option<&At>) -> Perspective {
        let mut written = None;
        for at in std::iter::once(root).chain(info) {
            if let Some(value) = self.string(at, "x-contrail-perspective") {
                written = Some(value);
                break;
            }
        }
        if let Some(value) = written {
            if self.v3 {
                let d = Diagnostic::new(
                    codes::ASYNCAPI_UNMAPPED,
                    "`x-contrail-perspective` is ignored in AsyncAPI 3 documents".to_owned(),
                )
                .at(value.location.clone())
                .pointer(value.pointer.clone())
                .help("3.x `send`/`receive` always describe the application itself; remove the extension");
                self.ctx.push(d);
                return Perspective::Application;
            }
            match value.value.trim().to_ascii_lowercase().as_str() {
                "client" => return Perspective::Client,
                "application" => return Perspective::Application,
                _ => {
                    let d = Diagnostic::new(
                        codes::INVALID_VALUE,
                        format!("`{}` is not a valid `x-contrail-perspective`", value.value),
                    )
                    .at(value.location.clone())
                    .pointer(value.pointer.clone())
                    .help("write `client` (publish = the application sends) or `application` (the spec's reading)");
                    self.ctx.push(d);
                }
            }
        }
        if !self.v3 && self.listed_as_client(&root.file) {
            return Perspective::Client;
        }
        Perspective::Application
    }

    /// Whether `contrail.yaml` lists this document under `asyncapi.client-perspective`.
    fn listed_as_client(&self, file: &Path) -> bool {
        let listed = &self.ctx.catalog.config.asyncapi_client_perspective;
        if listed.is_empty() {
            return false;
        }
        let root = &self.ctx.catalog.root;
        let this = paths::normalize(file);
        let this_canonical = std::fs::canonicalize(file).ok();
        listed.iter().any(|entry| {
            let candidate = paths::join(root, &entry.value);
            candidate == this
                || (this_canonical.is_some()
                    && std::fs::canonicalize(&candidate).ok() == this_canonical)
        })
    }
}
