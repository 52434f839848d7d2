//! AsyncAPI 2.x and 3.x documents as services of the catalog.

use std::path::Path;

use super::LoadCtx;
use crate::yaml::Document;

/// Whose view a 2.x document's `publish`/`subscribe` are written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perspective {
    /// The spec's reading: `publish` = the application receives, `subscribe` = it sends.
    Application,
    /// Written the other way round (common in practice): `publish` = the application sends.
    Client,
}

pub(super) fn load(_ctx: &mut LoadCtx, _path: &Path, _document: &Document) {}
