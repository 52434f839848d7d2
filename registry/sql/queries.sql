-- contrail registry: the statements of the SQLite store.
--
-- Each statement follows a `-- name: NAME` line and runs through `Sqlite::sql("NAME")`.
-- Parameters are positional (`?1`, `?2`, ...). A unit test prepares every statement against a
-- freshly migrated database, so a typo fails `cargo test`, not a request.

-- name: create_migrations_table
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    applied_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)

-- name: applied_migrations
SELECT version FROM schema_migrations ORDER BY version

-- name: record_migration
INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)

-- name: cluster_id
SELECT value FROM registry_meta WHERE key = 'cluster_id'

-- name: schema_by_id
SELECT id, schema_type, canonical, references_json FROM schemas WHERE id = ?1

-- name: schema_by_guid
SELECT id, schema_type, canonical, references_json FROM schemas WHERE guid = ?1
ORDER BY id LIMIT 1

-- name: schemas_without_guid
SELECT id, canonical, references_json FROM schemas WHERE guid IS NULL

-- name: set_guid
UPDATE schemas SET guid = ?2 WHERE id = ?1

-- name: find_schema
SELECT id FROM schemas WHERE schema_type = ?1 AND canonical = ?2 AND references_json = ?3

-- name: insert_schema
INSERT INTO schemas (schema_type, canonical, references_json, guid) VALUES (?1, ?2, ?3, ?4)

-- name: insert_schema_with_id
INSERT INTO schemas (id, schema_type, canonical, references_json, guid)
VALUES (?1, ?2, ?3, ?4, ?5)

-- name: insert_reference
INSERT INTO schema_references (schema_id, position, name, subject, version)
VALUES (?1, ?2, ?3, ?4, ?5)

-- name: delete_schema_if_unused
DELETE FROM schemas
WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM subject_versions WHERE schema_id = ?1)

-- name: schema_usages
SELECT subject, version, deleted FROM subject_versions WHERE schema_id = ?1
ORDER BY subject, version

-- name: subject_summaries
SELECT subject,
       SUM(CASE WHEN deleted = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN deleted = 1 THEN 1 ELSE 0 END)
FROM subject_versions
GROUP BY subject
ORDER BY subject

-- name: subject_versions
SELECT version, schema_id, deleted FROM subject_versions WHERE subject = ?1 ORDER BY version

-- name: subject_version_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id
WHERE sv.subject = ?1 AND sv.version = ?2

-- name: subject_versions_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id
WHERE sv.subject = ?1
ORDER BY sv.version

-- name: all_versions_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id
ORDER BY sv.subject, sv.version

-- name: live_version_of_schema
SELECT version FROM subject_versions
WHERE subject = ?1 AND schema_id = ?2 AND deleted = 0
ORDER BY version DESC LIMIT 1

-- name: referenced_by
SELECT r.schema_id,
       EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_id = r.schema_id AND sv.deleted = 0)
FROM schema_references r
WHERE r.subject = ?1 AND r.version = ?2
  AND EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_id = r.schema_id)
GROUP BY r.schema_id
ORDER BY r.schema_id

-- name: max_version
SELECT MAX(version) FROM subject_versions WHERE subject = ?1

-- name: insert_version
INSERT INTO subject_versions (subject, version, schema_id) VALUES (?1, ?2, ?3)

-- name: soft_delete_version
UPDATE subject_versions SET deleted = 1 WHERE subject = ?1 AND version = ?2

-- name: delete_version
DELETE FROM subject_versions WHERE subject = ?1 AND version = ?2

-- name: count_live_versions
SELECT COUNT(*) FROM subject_versions WHERE deleted = 0 AND (?1 IS NULL OR subject = ?1)

-- name: get_config
SELECT compatibility, normalize FROM config WHERE scope = ?1

-- name: upsert_config
INSERT INTO config (scope, compatibility, normalize) VALUES (?1, ?2, ?3)
ON CONFLICT (scope) DO UPDATE SET compatibility = excluded.compatibility,
                                  normalize = excluded.normalize

-- name: delete_config
DELETE FROM config WHERE scope = ?1

-- name: get_mode
SELECT mode FROM modes WHERE scope = ?1

-- name: upsert_mode
INSERT INTO modes (scope, mode) VALUES (?1, ?2)
ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode

-- name: delete_mode
DELETE FROM modes WHERE scope = ?1
