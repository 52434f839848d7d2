//! JSON Schema compatibility (to be implemented).

use serde_json::Value;

use super::Incompatibility;

/// Everything that keeps `reader` from accepting all documents `writer` accepts.
pub fn can_read(_reader: &Value, _writer: &Value) -> Vec<Incompatibility> {
    Vec::new()
}
