-- Criteria assessments feeding the plan (C11, issue 15, point 4). A count target such as the
-- demo's KT06 ("số xã đạt chuẩn nông thôn mới (lũy kế)") is computed from the assessments
-- against catalogues of one kind: each unit's standing at the end of each year (its latest
-- settled assessment) is its value, so nobody types it. A criterion an assessment still misses
-- (or, with criterion_code '', the assessment as a whole) is addressed by a work item of a plan.
CREATE TABLE criteria_targets (
    target_id BIGINT PRIMARY KEY REFERENCES targets(id),
    catalogue_kind TEXT NOT NULL CHECK (catalogue_kind IN ('new_rural', 'new_rural_advanced', 'urban', 'custom')),
    updated_at TEXT NOT NULL
);

CREATE TABLE criteria_gap_items (
    assessment_id BIGINT NOT NULL REFERENCES criteria_assessments(id),
    criterion_code TEXT NOT NULL,
    work_item_id BIGINT NOT NULL REFERENCES work_items(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, criterion_code, work_item_id)
);
CREATE INDEX criteria_gap_items_item ON criteria_gap_items(work_item_id);

CREATE TRIGGER criteria_targets_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON criteria_targets FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER criteria_gap_items_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON criteria_gap_items FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
