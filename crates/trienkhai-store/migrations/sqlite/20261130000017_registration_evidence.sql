-- Evidence of a registered item's self-assessment (C9, issue 13): files attached to an item of
-- an approved registration for a phase (mid-year or year end), kept with their hash.
CREATE TABLE registration_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES registration_items(id),
    phase TEXT NOT NULL CHECK (phase IN ('mid_year', 'year_end')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES accounts(id)
);
CREATE INDEX registration_evidence_item ON registration_evidence(item_id);

CREATE TRIGGER registration_evidence_insert_changes AFTER INSERT ON registration_evidence BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_evidence_update_changes AFTER UPDATE ON registration_evidence BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_evidence_delete_changes AFTER DELETE ON registration_evidence BEGIN UPDATE change_epoch SET n = n + 1; END;
