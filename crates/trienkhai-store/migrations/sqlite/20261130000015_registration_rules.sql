-- Who must register work items under a plan (C9, issue 13): the categories of posts it names,
-- as their codes joined by commas ("executive_committee,department_head"); none means every
-- member. One row per plan, changed under a version check.
CREATE TABLE registration_rules (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    categories TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

CREATE TRIGGER registration_rules_insert_changes AFTER INSERT ON registration_rules BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_rules_update_changes AFTER UPDATE ON registration_rules BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER registration_rules_delete_changes AFTER DELETE ON registration_rules BEGIN UPDATE change_epoch SET n = n + 1; END;
