-- Study sessions (C10): the sessions a unit holds to study a document (học tập, quán triệt),
-- each with its attendance by audience; a make-up session (học bù) counts who came late.
CREATE TABLE study_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    held_on TEXT NOT NULL,
    place TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('in_person', 'online')),
    makeup INTEGER NOT NULL DEFAULT 0 CHECK (makeup IN (0, 1)),
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX study_sessions_document ON study_sessions(document_id, unit_id);

CREATE TABLE study_attendance (
    session_id INTEGER NOT NULL REFERENCES study_sessions(id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('key_cadres', 'party_members', 'masses')),
    required INTEGER NOT NULL CHECK (required >= 0),
    present INTEGER NOT NULL CHECK (present >= 0),
    excused INTEGER NOT NULL CHECK (excused >= 0),
    PRIMARY KEY (session_id, audience)
);

-- Kept answers (served roll-ups) are checked against the change epoch: these tables move it.
CREATE TRIGGER study_sessions_insert_changes AFTER INSERT ON study_sessions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER study_sessions_update_changes AFTER UPDATE ON study_sessions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER study_sessions_delete_changes AFTER DELETE ON study_sessions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER study_attendance_insert_changes AFTER INSERT ON study_attendance BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER study_attendance_update_changes AFTER UPDATE ON study_attendance BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER study_attendance_delete_changes AFTER DELETE ON study_attendance BEGIN UPDATE change_epoch SET n = n + 1; END;
