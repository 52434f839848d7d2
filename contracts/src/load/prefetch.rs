//! Reading and parsing a catalog's files ahead, on every core.
//!
//! Loading is sequential because loaders share state (the model, the Avro name pool, the
//! findings) and because findings must come out in one order. The expensive part, turning
//! bytes into trees, is not: it depends on nothing but the file. So every file found is read
//! and parsed here first, in parallel, and the sequential loaders take the results when they
//! ask for the file ([`super::LoadCtx::text`], [`super::LoadCtx::yaml`]). A file that cannot
//! be read, or is not UTF-8, is left out, and the loader reads it again and reports it as
//! before. Nothing here produces findings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::avro;
use crate::schema::SchemaFormat;
use crate::yaml::{self, Document, Limits, Node, YamlError};

/// A file read ahead.
#[derive(Debug)]
pub(crate) struct Prefetched {
    /// The text, without a byte order mark, as [`super::LoadCtx::text`] keeps it.
    pub text: Arc<str>,
    /// The parse of `text` with the load's limits, for files read as YAML or JSON.
    pub parsed: Option<Result<Document, YamlError>>,
}

/// What an Avro file turns into before it meets the other files of the catalog.
#[derive(Debug)]
pub(crate) struct AvroPrepared {
    /// The document as JSON.
    pub json: serde_json::Value,
    /// The named types it defines and uses.
    pub scan: avro::Scan,
    /// A copy of the document tree for the loaded schema.
    pub node: Node,
    /// Whether the text is JSON (Avro schemas must be).
    pub json_syntax: Result<(), serde_json::Error>,
    /// apache-avro's parse of the text on its own, when it uses no type of another file (the
    /// parse with other files' types needs the whole pool and is left to the loader).
    pub parsed: Option<Result<apache_avro::Schema, apache_avro::Error>>,
}

type Ahead = (HashMap<PathBuf, Prefetched>, HashMap<PathBuf, AvroPrepared>);

/// Reads and parses `paths` on all available cores.
pub(crate) fn read_all(paths: &[&PathBuf], limits: Limits) -> Ahead {
    let read = crate::parallel::map_in_order(paths, 64, |path| {
        // A file whose parse panics is left out; the loader reads it again and, where it
        // panics again, the panic is the loader's, as it was before reading ahead.
        std::panic::catch_unwind(|| read_one(path, limits))
            .ok()
            .flatten()
    });
    let mut prefetched = HashMap::with_capacity(paths.len());
    let mut avro_prepared = HashMap::new();
    for (path, read) in paths.iter().zip(read) {
        let Some((file, avro)) = read else {
            continue;
        };
        if let Some(avro) = avro {
            avro_prepared.insert((*path).clone(), avro);
        }
        prefetched.insert((*path).clone(), file);
    }
    (prefetched, avro_prepared)
}

fn read_one(path: &Path, limits: Limits) -> Option<(Prefetched, Option<AvroPrepared>)> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let text: Arc<str> = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text));
    let extension = path.extension().and_then(|e| e.to_str());
    let parses = matches!(extension, Some("yaml" | "yml" | "json" | "avsc"));
    let parsed = parses.then(|| yaml::parse_with_limits(&text, limits));
    let avro = match &parsed {
        Some(Ok(document)) if SchemaFormat::from_path(path) == Some(SchemaFormat::Avro) => {
            Some(prepare_avro(&text, document))
        }
        _ => None,
    };
    Some((Prefetched { text, parsed }, avro))
}

fn prepare_avro(text: &str, document: &Document) -> AvroPrepared {
    let json = document.root.to_json();
    let scan = avro::scan(&json);
    let parsed = scan.external_uses().next().is_none().then(|| {
        apache_avro::Schema::parse_str_with_list(text, &[] as &[String]).map(|(schema, _)| schema)
    });
    // apache-avro reads the text with serde_json before anything else, so a schema it parsed
    // is JSON. Otherwise check with a full parse (not `IgnoredAny`: only that reports numbers
    // out of range, as the loader always did).
    let json_syntax = match &parsed {
        Some(Ok(_)) => Ok(()),
        _ => serde_json::from_str::<serde_json::Value>(text).map(|_| ()),
    };
    AvroPrepared {
        json,
        scan,
        node: document.root.clone(),
        json_syntax,
        parsed,
    }
}
