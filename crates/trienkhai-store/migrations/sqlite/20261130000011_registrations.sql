-- Personal registrations (C9): a person's work items for a year, concretizing a plan, approved by
-- the unit they register in (its secretary or superior); amendments are new versions, the
-- approved one staying in force until its successor is approved.
CREATE TABLE registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    document_id INTEGER REFERENCES documents(id),
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'returned', 'approved')),
    submitted_at TEXT,
    decided_at TEXT,
    decided_by INTEGER REFERENCES accounts(id),
    decision_comment TEXT,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, year, version)
);
CREATE INDEX registrations_unit ON registrations(unit_id, year, state);

-- One registered item: its content, product, measure, deadline and what it concretizes.
CREATE TABLE registration_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    content TEXT NOT NULL,
    product TEXT NOT NULL,
    measure TEXT,
    deadline TEXT NOT NULL,
    work_item_id INTEGER REFERENCES work_items(id),
    target_id INTEGER REFERENCES targets(id),
    UNIQUE (registration_id, position)
);
CREATE INDEX registration_items_work_item ON registration_items(work_item_id);

-- An item's self-assessment at mid-year or year end, then the superior's remark.
CREATE TABLE registration_assessments (
    item_id INTEGER NOT NULL REFERENCES registration_items(id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('mid_year', 'year_end')),
    outcome TEXT NOT NULL CHECK (outcome IN ('done', 'partly', 'not_done')),
    percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    note TEXT,
    assessed_at TEXT NOT NULL,
    remark TEXT,
    remarked_at TEXT,
    remarked_by INTEGER REFERENCES accounts(id),
    PRIMARY KEY (item_id, phase)
);

-- Kept answers (served lists) are checked against the change epoch: these tables move it.
CREATE TRIGGER registrations_insert_changes AFTER INSERT ON registrations BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registrations_update_changes AFTER UPDATE ON registrations BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registrations_delete_changes AFTER DELETE ON registrations BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_items_insert_changes AFTER INSERT ON registration_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_items_update_changes AFTER UPDATE ON registration_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_items_delete_changes AFTER DELETE ON registration_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_assessments_insert_changes AFTER INSERT ON registration_assessments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_assessments_update_changes AFTER UPDATE ON registration_assessments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_assessments_delete_changes AFTER DELETE ON registration_assessments BEGIN UPDATE change_epoch SET n = n + 1; END;
