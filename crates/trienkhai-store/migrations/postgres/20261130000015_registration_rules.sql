-- Who must register work items under a plan (C9, issue 13): the categories of posts it names,
-- as their codes joined by commas ("executive_committee,department_head"); none means every
-- member. One row per plan, changed under a version check.
CREATE TABLE registration_rules (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id),
    categories TEXT NOT NULL,
    row_version BIGINT NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

CREATE TRIGGER registration_rules_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON registration_rules FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
