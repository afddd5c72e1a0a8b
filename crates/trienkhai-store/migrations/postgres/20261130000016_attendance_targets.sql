-- Targets computed from attendance (C10, issue 13): a target whose value per unit is the share
-- of the required who attended the study sessions of a document (the demo's XD03), so nobody
-- types it twice. Audiences are codes joined by commas ("key_cadres,party_members").
CREATE TABLE attendance_targets (
    target_id BIGINT PRIMARY KEY REFERENCES targets(id),
    document_id BIGINT NOT NULL REFERENCES documents(id),
    audiences TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX attendance_targets_document ON attendance_targets(document_id);

CREATE TRIGGER attendance_targets_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attendance_targets FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
