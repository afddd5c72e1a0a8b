-- Emulation goals (C9): a unit's collective goals for a movement (its plan or directive) and a
-- phase of it, with the result recorded at the phase's end. Figures are decimals kept as text.
CREATE TABLE emulation_goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    phase TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    measure TEXT,
    goal TEXT,
    result TEXT,
    achieved INTEGER CHECK (achieved IN (0, 1)),
    result_note TEXT,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX emulation_goals_document ON emulation_goals(document_id, unit_id, phase);

CREATE TRIGGER emulation_goals_insert_changes AFTER INSERT ON emulation_goals BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER emulation_goals_update_changes AFTER UPDATE ON emulation_goals BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER emulation_goals_delete_changes AFTER DELETE ON emulation_goals BEGIN UPDATE change_epoch SET n = n + 1; END;
