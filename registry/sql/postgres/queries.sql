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
SELECT id, schema_type, canonical, references_json FROM schemas WHERE context = $1 AND id = $2

-- name: ids_by_guid
-- The lowest id of each context (two schema types may store the same text).
SELECT context, min(id) FROM schemas WHERE guid = $1
GROUP BY context
ORDER BY context <> '.', context

-- name: schemas_without_guid
SELECT row_id, canonical, references_json FROM schemas WHERE guid IS NULL

-- name: set_guid
UPDATE schemas SET guid = $2 WHERE row_id = $1

-- name: find_schema
SELECT id FROM schemas
WHERE context = $1 AND fingerprint = contrail_schema_fingerprint($2, $4, $3)
  AND schema_type = $2 AND canonical = $3 AND references_json = $4

-- name: find_schema_for_use
SELECT id FROM schemas
WHERE context = $1 AND fingerprint = contrail_schema_fingerprint($2, $4, $3)
  AND schema_type = $2 AND canonical = $3 AND references_json = $4
FOR KEY SHARE

-- name: insert_schema
INSERT INTO schemas (context, id, schema_type, canonical, references_json, guid)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT ON CONSTRAINT schemas_identity DO NOTHING
RETURNING row_id

-- name: advance_schema_ids
-- After an import with an explicit id: the context's ids continue above it.
UPDATE contexts SET max_id = GREATEST(max_id, $2) WHERE context = $1

-- name: ensure_context
-- DO NOTHING takes no row lock, so registrations in one context do not queue here.
INSERT INTO contexts (context) VALUES ($1) ON CONFLICT (context) DO NOTHING

-- name: revive_context
UPDATE contexts SET deleted = false WHERE context = $1 AND deleted

-- name: next_schema_id
UPDATE contexts SET max_id = max_id + 1 WHERE context = $1 RETURNING max_id

-- name: list_contexts
SELECT context FROM contexts WHERE NOT deleted OR context = '.' ORDER BY context

-- name: context_has_versions
SELECT EXISTS (SELECT 1 FROM schemas s JOIN subject_versions sv ON sv.schema_row = s.row_id
               WHERE s.context = $1)

-- name: delete_context
UPDATE contexts SET deleted = true WHERE context = $1 AND context <> '.'

-- name: insert_reference
INSERT INTO schema_references (schema_row, position, name, subject, version)
VALUES ($1, $2, $3, $4, $5)

-- name: lock_schema_for_delete
SELECT row_id FROM schemas WHERE context = $1 AND id = $2 FOR UPDATE

-- name: delete_schema_if_unused
DELETE FROM schemas
WHERE context = $1 AND id = $2
  AND NOT EXISTS (SELECT 1 FROM subject_versions WHERE schema_row = schemas.row_id)

-- name: schema_usages
SELECT sv.subject, sv.version, sv.deleted
FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
WHERE s.context = $1 AND s.id = $2
ORDER BY sv.subject, sv.version

-- name: subject_summaries
SELECT subject,
       COUNT(*) FILTER (WHERE NOT deleted),
       COUNT(*) FILTER (WHERE deleted)
FROM subject_versions
GROUP BY subject
ORDER BY subject

-- name: subject_versions
SELECT sv.version, s.id, sv.deleted
FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
WHERE sv.subject = $1 ORDER BY sv.version

-- name: subject_version_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
WHERE sv.subject = $1 AND sv.version = $2

-- name: subject_versions_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
WHERE sv.subject = $1
ORDER BY sv.version

-- name: all_versions_full
SELECT sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.canonical, s.references_json
FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
ORDER BY sv.subject, sv.version

-- name: live_version_of_schema
SELECT sv.version FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
WHERE sv.subject = $1 AND s.context = $2 AND s.id = $3 AND NOT sv.deleted
ORDER BY sv.version DESC LIMIT 1

-- name: referenced_by
SELECT s.id,
       EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_row = r.schema_row AND NOT sv.deleted)
FROM schema_references r JOIN schemas s ON s.row_id = r.schema_row
WHERE r.subject = $1 AND r.version = $2
  AND EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_row = r.schema_row)
GROUP BY r.schema_row, s.context, s.id
ORDER BY s.context, s.id

-- name: insert_version
INSERT INTO subject_versions (subject, version, schema_row)
SELECT $1, $2, row_id FROM schemas WHERE context = $3 AND id = $4

-- name: soft_delete_version
UPDATE subject_versions SET deleted = true WHERE subject = $1 AND version = $2

-- name: delete_version
DELETE FROM subject_versions WHERE subject = $1 AND version = $2

-- name: count_live_versions
-- In one subject ($1), one context ($2), or the whole registry.
SELECT COUNT(*) FROM subject_versions sv JOIN schemas s ON s.row_id = sv.schema_row
WHERE NOT sv.deleted AND ($1::text IS NULL OR sv.subject = $1) AND ($2::text IS NULL OR s.context = $2)

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
