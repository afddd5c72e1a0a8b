-- Year-end ratings (C12): one active rating per subject (an organisation, a member, a civil
-- servant) and year, with the rule set it used, the inputs and the engine's explanation as they
-- were when it was appraised, the decided level, and its life up to publication. A cancelled
-- rating stays; its re-rating names it in replaces_id.
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    subject TEXT NOT NULL CHECK (subject IN ('organisation', 'member', 'civil_servant')),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    person_id INTEGER REFERENCES persons(id),
    peer_group TEXT NOT NULL DEFAULT '',
    rule_set TEXT NOT NULL CHECK (rule_set IN ('qd132', 'qd124', 'qd366', 'nd90', 'nd335')),
    state TEXT NOT NULL CHECK (state IN ('self_assessed', 'appraised', 'decided', 'notified', 'published', 'cancelled')),
    self_level TEXT CHECK (self_level IN ('excellent', 'good', 'completed', 'not_completed')),
    self_note TEXT,
    self_assessed_at TEXT,
    appraisal TEXT,
    tasks TEXT,
    evaluation TEXT,
    appraised_at TEXT,
    appraised_by INTEGER REFERENCES accounts(id),
    level TEXT CHECK (level IN ('excellent', 'good', 'completed', 'not_completed')),
    decision_steps TEXT,
    decided_at TEXT,
    decided_by INTEGER REFERENCES accounts(id),
    notified_at TEXT,
    published_at TEXT,
    cancelled_at TEXT,
    cancelled_by INTEGER REFERENCES accounts(id),
    cancel_reason TEXT,
    replaces_id INTEGER REFERENCES ratings(id),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((subject = 'organisation') = (person_id IS NULL))
);
CREATE UNIQUE INDEX ratings_active ON ratings(year, subject, unit_id, COALESCE(person_id, 0)) WHERE state <> 'cancelled';
CREATE INDEX ratings_unit ON ratings(unit_id, year);
CREATE INDEX ratings_person ON ratings(person_id, year);

-- The quota of each rule set, where the texts leave the reading open (DOMAIN.md §1.2); a rule
-- set without a row uses 20% of those rated good or better, per organisation and peer group.
CREATE TABLE grading_quota_rules (
    rule_set TEXT PRIMARY KEY CHECK (rule_set IN ('qd132', 'qd124', 'qd366', 'nd90', 'nd335')),
    percent TEXT NOT NULL,
    base TEXT NOT NULL CHECK (base IN ('good_or_better', 'finally_good')),
    scope TEXT NOT NULL CHECK (scope IN ('peer_group', 'organisation')),
    row_version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

CREATE TRIGGER ratings_insert_changes AFTER INSERT ON ratings BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER ratings_update_changes AFTER UPDATE ON ratings BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER ratings_delete_changes AFTER DELETE ON ratings BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER grading_quota_rules_insert_changes AFTER INSERT ON grading_quota_rules BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER grading_quota_rules_update_changes AFTER UPDATE ON grading_quota_rules BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER grading_quota_rules_delete_changes AFTER DELETE ON grading_quota_rules BEGIN UPDATE change_epoch SET n = n + 1; END;
