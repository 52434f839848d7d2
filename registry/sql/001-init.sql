-- contrail registry: initial schema (SQLite).
--
-- Identity: one row in `schemas` per distinct (schema_type, canonical text, references).
-- AUTOINCREMENT keeps SQLite from ever handing out an id again, even after the row with the
-- highest id was permanently deleted: Kafka records carry schema ids for as long as topics
-- keep them, so a reused id would decode old data with the wrong schema.

CREATE TABLE schemas (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    schema_type     TEXT    NOT NULL CHECK (schema_type IN ('AVRO', 'JSON', 'PROTOBUF')),
    canonical       TEXT    NOT NULL,
    -- The references as a JSON array of {name, subject, version}, in request order; part of
    -- the identity, so it is kept in one comparable column next to the rows below.
    references_json TEXT    NOT NULL DEFAULT '[]',
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (schema_type, canonical, references_json)
);

-- The references of a schema, one row each, for referencedby look-ups.
CREATE TABLE schema_references (
    schema_id  INTEGER NOT NULL REFERENCES schemas (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (schema_id, position)
);
CREATE INDEX schema_references_target ON schema_references (subject, version);

-- A subject's versions. Soft-deleted versions keep their row with deleted = 1; a permanent
-- delete removes the row.
CREATE TABLE subject_versions (
    subject     TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    schema_id   INTEGER NOT NULL REFERENCES schemas (id),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (subject, version)
);
CREATE INDEX subject_versions_schema ON subject_versions (schema_id);

-- Compatibility configuration; scope '' is the global configuration, any other value a
-- subject (the API refuses empty subject names).
CREATE TABLE config (
    scope          TEXT PRIMARY KEY,
    compatibility  TEXT,
    normalize      INTEGER
);

-- Modes; scope as in `config`.
CREATE TABLE modes (
    scope  TEXT PRIMARY KEY,
    mode   TEXT NOT NULL CHECK (mode IN ('READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'))
);

-- Facts about this registry: `cluster_id` identifies it in /v1/metadata/id.
CREATE TABLE registry_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO registry_meta (key, value) VALUES ('cluster_id', lower(hex(randomblob(16))));
