-- contrail registry: contexts (SQLite).
--
-- A context is a namespace of subjects and schema ids (Confluent's contexts): the subject
-- `:.ctx:name` is in `.ctx`, every other subject in the default context `.`. Each context
-- numbers its schemas from 1, so a schema's public identity becomes (context, id), and one
-- text registered in two contexts is two rows.
--
-- What changes:
-- - `schemas.id` was the row key and the public id at once. The row key is now `row_id`
--   (what `subject_versions.schema_row` and `schema_references.schema_row` point at) and
--   `id` the public id within `context`. Existing rows keep their id as both.
-- - `contexts` lists the contexts and hands out ids: `max_id` is the highest id the context
--   ever gave, so ids stay unused after a permanent delete, per context as they were
--   registry-wide. The default context starts where the old AUTOINCREMENT counter was.
-- - A schema's identity (type, text, references) is unique per context.
-- - Builds before contexts stored a subject named `:.ctx:name` in the default context. Its
--   versions move to `.ctx`, onto a copy of their schema that keeps its id (the id clients
--   saw and records carry); a schema no default-context version uses any more is dropped.
--   Such a subject spelled `:.:name` becomes `name` unless `name` exists too.
--
-- The `schemas` table is rebuilt, since SQLite cannot drop a table's UNIQUE constraint; the
-- registry runs migrations with foreign-key enforcement off and checks the keys before commit.

ALTER TABLE schemas RENAME COLUMN id TO row_id;
ALTER TABLE subject_versions RENAME COLUMN schema_id TO schema_row;
ALTER TABLE schema_references RENAME COLUMN schema_id TO schema_row;

-- The context of every version's subject, by the rule of registry/src/context.rs.
CREATE TEMP TABLE version_context AS
SELECT subject, version, schema_row,
       CASE
           WHEN subject NOT LIKE ':.%' THEN '.'
           WHEN instr(substr(subject, 3), ':') > 0
               THEN substr(subject, 2, instr(substr(subject, 3), ':'))
           ELSE substr(subject, 2)
       END AS context
FROM subject_versions;

CREATE TABLE contexts (
    context  TEXT    PRIMARY KEY,
    -- The highest id the context has handed out (0: none yet).
    max_id   INTEGER NOT NULL DEFAULT 0,
    -- A deleted context keeps its row, so its ids are not handed out again if it returns.
    deleted  INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
INSERT INTO contexts (context, max_id)
VALUES ('.', max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'schemas'), 0),
                 coalesce((SELECT max(row_id) FROM schemas), 0)));
INSERT INTO contexts (context, max_id)
SELECT context, max(schema_row) FROM version_context WHERE context <> '.' GROUP BY context;

CREATE TABLE schemas_new (
    row_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    context         TEXT    NOT NULL REFERENCES contexts (context),
    id              INTEGER NOT NULL,
    schema_type     TEXT    NOT NULL CHECK (schema_type IN ('AVRO', 'JSON', 'PROTOBUF')),
    canonical       TEXT    NOT NULL,
    references_json TEXT    NOT NULL DEFAULT '[]',
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    guid            TEXT,
    UNIQUE (context, id),
    UNIQUE (context, schema_type, canonical, references_json)
);

-- Default context: the schemas a default-context version uses (or none does).
INSERT INTO schemas_new (row_id, context, id, schema_type, canonical, references_json, created_at, guid)
SELECT s.row_id, '.', s.row_id, s.schema_type, s.canonical, s.references_json, s.created_at, s.guid
FROM schemas s
WHERE EXISTS (SELECT 1 FROM version_context v WHERE v.schema_row = s.row_id AND v.context = '.')
   OR NOT EXISTS (SELECT 1 FROM version_context v WHERE v.schema_row = s.row_id);

-- Other contexts: a copy per context, with the id it had.
INSERT INTO schemas_new (context, id, schema_type, canonical, references_json, created_at, guid)
SELECT DISTINCT v.context, s.row_id, s.schema_type, s.canonical, s.references_json, s.created_at, s.guid
FROM schemas s JOIN version_context v ON v.schema_row = s.row_id
WHERE v.context <> '.';

-- Versions point at the row of their context. Old row keys equal the ids, so `id` finds
-- each copy.
UPDATE subject_versions
SET schema_row = (
    SELECT n.row_id FROM schemas_new n JOIN version_context v
        ON v.subject = subject_versions.subject AND v.version = subject_versions.version
    WHERE n.id = subject_versions.schema_row AND n.context = v.context);

-- Reference rows (for `referencedby`) for each copy; their target subjects are read in the
-- copy's context.
CREATE TEMP TABLE references_old AS SELECT * FROM schema_references;
DELETE FROM schema_references;
INSERT INTO schema_references (schema_row, position, name, subject, version)
SELECT n.row_id, r.position, r.name,
       CASE WHEN n.context <> '.' AND r.subject NOT LIKE ':.%'
            THEN ':' || n.context || ':' || r.subject
            ELSE r.subject END,
       r.version
FROM references_old r JOIN schemas_new n ON n.id = r.schema_row;

DROP TABLE schemas;
ALTER TABLE schemas_new RENAME TO schemas;
CREATE INDEX schemas_guid ON schemas (guid);
CREATE INDEX subject_versions_schema_row ON subject_versions (schema_row);
DROP INDEX IF EXISTS subject_versions_schema;

-- `:.:name` is `name`, where that loses nothing.
UPDATE subject_versions SET subject = substr(subject, 4)
WHERE subject LIKE ':.:%'
  AND NOT EXISTS (SELECT 1 FROM subject_versions o WHERE o.subject = substr(subject_versions.subject, 4));
UPDATE OR IGNORE config SET scope = substr(scope, 4) WHERE scope LIKE ':.:%';
UPDATE OR IGNORE modes SET scope = substr(scope, 4) WHERE scope LIKE ':.:%';

DROP TABLE version_context;
DROP TABLE references_old;
