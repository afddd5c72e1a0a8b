-- Criteria sets (C11): catalogues of criteria, each version in force between two dates, for the
-- nation or one region (a province's variant); the groups, criteria and pass rule as the
-- core's definition (JSON), editable where a figure is to be checked against the text. An
-- assessment is one unit against one catalogue version on one date: each criterion's value with
-- its evidence, and the summary the overview and the count targets read (criteria met, points,
-- verdict), written together with the values.
CREATE TABLE criteria_catalogues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('new_rural', 'new_rural_advanced', 'urban', 'custom')),
    class TEXT,
    region TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    definition TEXT NOT NULL,
    shipped INTEGER NOT NULL DEFAULT 0,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (code, region, effective_from)
);

CREATE TABLE criteria_assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    catalogue_id INTEGER NOT NULL REFERENCES criteria_catalogues(id),
    assessed_on TEXT NOT NULL,
    criterion_values TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    met INTEGER NOT NULL,
    total INTEGER NOT NULL,
    points TEXT,
    verdict TEXT NOT NULL CHECK (verdict IN ('passed', 'not_passed', 'incomplete')),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, catalogue_id, assessed_on)
);
CREATE INDEX criteria_assessments_catalogue ON criteria_assessments(catalogue_id, assessed_on);

CREATE TRIGGER criteria_catalogues_insert_changes AFTER INSERT ON criteria_catalogues BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER criteria_catalogues_update_changes AFTER UPDATE ON criteria_catalogues BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER criteria_catalogues_delete_changes AFTER DELETE ON criteria_catalogues BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER criteria_assessments_insert_changes AFTER INSERT ON criteria_assessments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER criteria_assessments_update_changes AFTER UPDATE ON criteria_assessments BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER criteria_assessments_delete_changes AFTER DELETE ON criteria_assessments BEGIN UPDATE change_epoch SET n = n + 1; END;
