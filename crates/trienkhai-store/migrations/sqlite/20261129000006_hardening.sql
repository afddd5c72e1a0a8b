-- Persons listed in Vietnamese dictionary order ("Anh, Ăn, Ân"), not by their folded name
-- ("Ân, Ăn, Anh" all fold to "an…"). The key is hex text made in Rust (`vn::sort_key`), so both
-- databases sort it right whatever their collation; rows from before are keyed after migrating.
ALTER TABLE persons ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
CREATE INDEX persons_sort ON persons(name_sort, id);
