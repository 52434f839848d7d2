-- contrail registry: contexts (PostgreSQL).
--
-- The same change as SQLite's 003-contexts.sql, which explains it: schema ids per context
-- (Confluent's contexts), `schemas.row_id` as the row key and `id` as the public id within
-- `context`, a `contexts` table that hands out ids, the identity unique per context, and the
-- versions of subjects that builds before contexts stored as `:.ctx:name` moved into `.ctx`
-- on copies of their schemas that keep their ids. PostgreSQL changes the constraints in
-- place. The row identity sequence stays for row keys; public ids come from `contexts`.

ALTER TABLE schemas RENAME COLUMN id TO row_id;
ALTER TABLE subject_versions RENAME COLUMN schema_id TO schema_row;
ALTER TABLE schema_references RENAME COLUMN schema_id TO schema_row;
ALTER INDEX subject_versions_schema RENAME TO subject_versions_schema_row;

CREATE TEMP TABLE version_context ON COMMIT DROP AS
SELECT subject, version, schema_row,
       CASE
           WHEN subject NOT LIKE ':.%' THEN '.'
           WHEN strpos(substr(subject, 3), ':') > 0
               THEN substr(subject, 2, strpos(substr(subject, 3), ':'))
           ELSE substr(subject, 2)
       END AS context
FROM subject_versions;

CREATE TABLE contexts (
    context  TEXT    PRIMARY KEY,
    -- The highest id the context has handed out (0: none yet).
    max_id   BIGINT  NOT NULL DEFAULT 0,
    -- A deleted context keeps its row, so its ids are not handed out again if it returns.
    deleted  BOOLEAN NOT NULL DEFAULT false
);
-- The default context continues where the identity sequence was (it never went back after
-- a delete, and imports moved it past their ids).
INSERT INTO contexts (context, max_id)
SELECT '.', GREATEST(
    COALESCE((SELECT last_value FROM schemas_id_seq WHERE is_called), 0),
    COALESCE((SELECT max(row_id) FROM schemas), 0));
INSERT INTO contexts (context, max_id)
SELECT context, max(schema_row) FROM version_context WHERE context <> '.' GROUP BY context;

ALTER TABLE schemas ADD COLUMN context TEXT NOT NULL DEFAULT '.';
ALTER TABLE schemas ADD COLUMN id BIGINT;
UPDATE schemas SET id = row_id;
ALTER TABLE schemas ALTER COLUMN id SET NOT NULL;
ALTER TABLE schemas ALTER COLUMN context DROP DEFAULT;
ALTER TABLE schemas DROP CONSTRAINT schemas_identity;

-- Other contexts: a copy per context, with the id it had.
INSERT INTO schemas (context, id, schema_type, canonical, references_json, created_at, guid)
SELECT DISTINCT v.context, s.row_id, s.schema_type, s.canonical, s.references_json, s.created_at, s.guid
FROM schemas s JOIN version_context v ON v.schema_row = s.row_id
WHERE v.context <> '.';

INSERT INTO schema_references (schema_row, position, name, subject, version)
SELECT n.row_id, r.position, r.name,
       CASE WHEN r.subject NOT LIKE ':.%' THEN ':' || n.context || ':' || r.subject
            ELSE r.subject END,
       r.version
FROM schema_references r
JOIN schemas o ON o.row_id = r.schema_row AND o.context = '.'
JOIN schemas n ON n.id = o.id AND n.context <> '.';

UPDATE subject_versions sv
SET schema_row = n.row_id
FROM version_context v, schemas n
WHERE v.subject = sv.subject AND v.version = sv.version AND v.context <> '.'
  AND n.context = v.context AND n.id = v.schema_row;

-- Schemas only moved versions used (their reference rows go with them).
DELETE FROM schemas s
WHERE s.context = '.'
  AND EXISTS (SELECT 1 FROM version_context v WHERE v.schema_row = s.row_id)
  AND NOT EXISTS (SELECT 1 FROM subject_versions sv WHERE sv.schema_row = s.row_id);

ALTER TABLE schemas
    ADD CONSTRAINT schemas_identity UNIQUE (context, fingerprint),
    ADD CONSTRAINT schemas_context_id UNIQUE (context, id),
    ADD CONSTRAINT schemas_context FOREIGN KEY (context) REFERENCES contexts (context);

-- `:.:name` is `name`, where that loses nothing.
UPDATE subject_versions SET subject = substr(subject, 4)
WHERE subject LIKE ':.:%'
  AND NOT EXISTS (SELECT 1 FROM subject_versions o WHERE o.subject = substr(subject_versions.subject, 4));
UPDATE config SET scope = substr(scope, 4)
WHERE scope LIKE ':.:%' AND NOT EXISTS (SELECT 1 FROM config o WHERE o.scope = substr(config.scope, 4));
UPDATE modes SET scope = substr(scope, 4)
WHERE scope LIKE ':.:%' AND NOT EXISTS (SELECT 1 FROM modes o WHERE o.scope = substr(modes.scope, 4));
