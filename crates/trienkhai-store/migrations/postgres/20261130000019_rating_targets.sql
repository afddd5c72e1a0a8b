-- Targets computed from year-end ratings (C12, issue 14): a ratio target whose value per unit is
-- the share of its decided ratings at a level or better (the demo's XD02, "tỷ lệ tổ chức cơ sở
-- đảng được xếp loại hoàn thành tốt nhiệm vụ trở lên"), so nobody types it. For organisations,
-- unit_kinds (codes joined by commas; empty: every kind) says which organisations count.
CREATE TABLE rating_targets (
    target_id BIGINT PRIMARY KEY REFERENCES targets(id),
    subject TEXT NOT NULL CHECK (subject IN ('organisation', 'member', 'civil_servant')),
    min_level TEXT NOT NULL CHECK (min_level IN ('excellent', 'good', 'completed', 'not_completed')),
    unit_kinds TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TRIGGER rating_targets_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rating_targets FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
