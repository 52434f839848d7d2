-- contrail registry: the statements of the PostgreSQL store.
--
-- Each statement follows a `-- name: NAME` line and runs through `postgres::sql("NAME")`.
-- Parameters are positional (`$1`, `$2`, ...). A test prepares every statement against a
-- freshly migrated database, so a typo fails `cargo test`, not a request.

-- name: create_migrations_table
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     BIGINT      PRIMARY KEY,
    name        TEXT        NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)

-- name: quiet_notices
-- CREATE TABLE IF NOT EXISTS would log a NOTICE on every start once the table exists.
SET LOCAL client_min_messages = warning

-- name: migration_lock
SELECT pg_advisory_xact_lock($1::int4, 0)

-- name: applied_migrations
SELECT version FROM schema_migrations ORDER BY version

-- name: record_migration
INSERT INTO schema_migrations (version, name) VALUES ($1, $2)

-- name: server_encoding
SELECT current_setting('server_encoding')

-- name: lock_global_shared
SELECT pg_advisory_xact_lock_shared($1::int4, 0)

-- name: lock_global
SELECT pg_advisory_xact_lock($1::int4, 0)

-- name: lock_subject
SELECT pg_advisory_xact_lock($1::int4, $2::int4)

-- name: cluster_id
SELECT value FROM registry_meta WHERE key = 'cluster_id'

-- name: schema_by_id
SELECT id, schema_type, canonical, references_json FROM schemas WHERE id = $1

-- name: schema_by_guid
SELECT id, schema_type, canonical, references_json FROM schemas WHERE guid = $1
ORDER BY id LIMIT 1

-- name: schemas_without_guid
SELECT id, canonical, references_json FROM schemas WHERE guid IS NULL

-- name: set_guid
UPDATE schemas SET guid = $2 WHERE id = $1

-- name: find_schema
SELECT id FROM schemas
WHERE fingerprint = contrail_schema_fingerprint($1, $3, $2)
  AND schema_type = $1 AND canonical = $2 AND references_json = $3

-- name: find_schema_for_use
SELECT id FROM schemas
WHERE fingerprint = contrail_schema_fingerprint($1, $3, $2)
  AND schema_type = $1 AND canonical = $2 AND references_json = $3
FOR KEY SHARE

-- name: insert_schema
INSERT INTO schemas (schema_type, canonical, references_json, guid) VALUES ($1, $2, $3, $4)
ON CONFLICT ON CONSTRAINT schemas_identity DO NOTHING
RETURNING id

-- name: insert_schema_with_id
INSERT INTO schemas (id, schema_type, canonical, references_json, guid)
VALUES ($1, $2, $3, $4, $5)

-- name: advance_schema_ids
-- After an import with an explicit id: the sequence continues above it (and never goes back).
SELECT setval(pg_get_serial_sequence('schemas', 'id'),
              GREATEST($1, COALESCE(pg_sequence_last_value(pg_get_serial_sequence('schemas', 'id')::regclass), 0)))

-- name: insert_reference
INSERT INTO schema_references (schema_id, position, name, subject, version)
VALUES ($1, $2, $3, $4, $5)

-- name: lock_schema_for_delete
SELECT id FROM schemas WHERE id = $1 FOR UPDATE

-- name: delete_schema_if_unused
DELETE FROM schemas
WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM subject_versions WHERE schema_id = $1)

-- name: schema_usages
SELECT subject, version, deleted FROM subject_versions WHERE schema_id = $1
ORDER BY subject, version

-- name: subject_summaries
SELECT subject,
       COUNT(*) FILTER (WHERE NOT deleted),
       COUNT(*) FILTER (WHERE deleted)
FROM subject_versions
GROUP BY subject
ORDER BY subject

-- name: subject_versions
SELECT version, schema_id, deleted FROM subject_versions WHERE subject = $1 ORDER BY version

-- name: subject_version_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id
WHERE sv.subject = $1 AND sv.version = $2

-- name: subject_versions_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id
WHERE sv.subject = $1
ORDER BY sv.version

-- name: all_versions_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id
ORDER BY sv.subject, sv.version

-- name: live_version_of_schema
SELECT version FROM subject_versions
WHERE subject = $1 AND schema_id = $2 AND NOT deleted
ORDER BY version DESC LIMIT 1

-- name: referenced_by
SELECT r.schema_id,
       EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_id = r.schema_id AND NOT sv.deleted)
FROM schema_references r
WHERE r.subject = $1 AND r.version = $2
  AND EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_id = r.schema_id)
GROUP BY r.schema_id
ORDER BY r.schema_id

-- name: insert_version
INSERT INTO subject_versions (subject, version, schema_id) VALUES ($1, $2, $3)

-- name: soft_delete_version
UPDATE subject_versions SET deleted = true WHERE subject = $1 AND version = $2

-- name: delete_version
DELETE FROM subject_versions WHERE subject = $1 AND version = $2

-- name: count_live_versions
SELECT COUNT(*) FROM subject_versions WHERE NOT deleted AND ($1::text IS NULL OR subject = $1)

-- name: get_config
SELECT compatibility, normalize FROM config WHERE scope = $1

-- name: upsert_config
INSERT INTO config (scope, compatibility, normalize) VALUES ($1, $2, $3)
ON CONFLICT (scope) DO UPDATE SET compatibility = excluded.compatibility,
                                  normalize = excluded.normalize

-- name: delete_config
DELETE FROM config WHERE scope = $1

-- name: get_mode
SELECT mode FROM modes WHERE scope = $1

-- name: upsert_mode
INSERT INTO modes (scope, mode) VALUES ($1, $2)
ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode

-- name: delete_mode
DELETE FROM modes WHERE scope = $1
