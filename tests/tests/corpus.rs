//! The real AsyncAPI documents in `tests/corpus/asyncapi` (58 documents from public
//! repositories, 2.6/3.0/3.1): each validates to exit 0 or 1 with a parseable JSON report.

use std::path::{Path, PathBuf};

use contrail_e2e::{contrail, corpus_dir};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// Corpus documents: files whose top level has an `asyncapi:` key.
fn documents() -> Vec<PathBuf> {
    let mut files = Vec::new();
    yaml_files(&corpus_dir(), &mut files);
    files
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.starts_with("asyncapi:")))
        })
        .collect()
}

#[test]
fn every_corpus_document_validates_with_a_json_report() {
    let documents = documents();
    assert!(
        documents.len() >= 58,
        "expected the 58 corpus documents, found {}",
        documents.len()
    );
    for document in &documents {
        let output = contrail()
            .arg("validate")
            .arg("--format")
            .arg("json")
            .arg(document)
            .output()
            .expect("runs");
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: exit {code:?}\nstderr: {}",
            document.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{}: output is not JSON: {e}", document.display()));
        let errors = report["summary"]["errors"]
            .as_u64()
            .expect("summary.errors");
        assert_eq!(
            code == Some(1),
            errors > 0,
            "{}: exit code and error count disagree",
            document.display()
        );
    }
}
