-- Targets computed from year-end ratings (C12, issue 14): a ratio target whose value per unit is
-- the share of its decided ratings at a level or better (the demo's XD02, "tỷ lệ tổ chức cơ sở
-- đảng được xếp loại hoàn thành tốt nhiệm vụ trở lên"), so nobody types it. For organisations,
-- unit_kinds (codes joined by commas; empty: every kind) says which organisations count.
CREATE TABLE rating_targets (
    target_id INTEGER PRIMARY KEY REFERENCES targets(id),
    subject TEXT NOT NULL CHECK (subject IN ('organisation', 'member', 'civil_servant')),
    min_level TEXT NOT NULL CHECK (min_level IN ('excellent', 'good', 'completed', 'not_completed')),
    unit_kinds TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TRIGGER rating_targets_insert_changes AFTER INSERT ON rating_targets BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER rating_targets_update_changes AFTER UPDATE ON rating_targets BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER rating_targets_delete_changes AFTER DELETE ON rating_targets BEGIN UPDATE change_epoch SET n = n + 1; END;
