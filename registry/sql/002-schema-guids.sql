-- contrail registry: schema GUIDs (SQLite).
--
-- Confluent 8 names a schema by a GUID as well as its id: the MD5 of the stored text and
-- references, spelled as a UUID. The registry computes it when it inserts a schema (SQLite has
-- no MD5 function); rows inserted before this migration get theirs when the store opens.
-- Not unique: two schema types may store the same text, and the lowest id answers for both.

ALTER TABLE schemas ADD COLUMN guid TEXT;
CREATE INDEX schemas_guid ON schemas (guid);
