-- Commitments (C9): a member's yearly commitment to cultivate, train and strive, one per person
-- and year, written by sections, collected and approved by the cell, compared at year end by a
-- self-assessment per section and the cell's remark.
CREATE TABLE commitments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'returned', 'approved')),
    submitted_at TEXT,
    decided_at TEXT,
    decided_by INTEGER REFERENCES accounts(id),
    decision_comment TEXT,
    remark TEXT,
    remarked_at TEXT,
    remarked_by INTEGER REFERENCES accounts(id),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, year)
);
CREATE INDEX commitments_unit ON commitments(unit_id, year);

CREATE TABLE commitment_sections (
    commitment_id INTEGER NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    section TEXT NOT NULL CHECK (section IN ('political_ideology', 'ethics_lifestyle', 'discipline', 'duties', 'following_uncle_ho')),
    content TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('done', 'partly', 'not_done')),
    assessment TEXT,
    PRIMARY KEY (commitment_id, section)
);

CREATE TRIGGER commitments_insert_changes AFTER INSERT ON commitments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER commitments_update_changes AFTER UPDATE ON commitments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER commitments_delete_changes AFTER DELETE ON commitments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER commitment_sections_insert_changes AFTER INSERT ON commitment_sections BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER commitment_sections_update_changes AFTER UPDATE ON commitment_sections BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER commitment_sections_delete_changes AFTER DELETE ON commitment_sections BEGIN UPDATE change_epoch SET n = n + 1; END;
