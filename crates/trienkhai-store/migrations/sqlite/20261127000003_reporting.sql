-- Reporting cycles (C8): a plan's calendars, corrections to the working-day calendar, the units'
-- reports with their revisions, the work item lines of a report, and evidence files. Values
-- recorded through a report point at it, so roll-ups can count only accepted ones.

CREATE TABLE report_calendars (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    cadence TEXT NOT NULL CHECK (cadence IN ('monthly', 'quarterly', 'first_half', 'nine_months', 'yearly', 'mid_term', 'term')),
    first_year INTEGER NOT NULL,
    last_year INTEGER NOT NULL,
    days_after_end INTEGER NOT NULL,
    lead_days INTEGER NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    CHECK (last_year >= first_year),
    UNIQUE (document_id, cadence)
);

-- Which reports' values enter a plan's roll-ups: 'accepted' (the default), 'submitted' (and
-- accepted), or 'any' (drafts too).
CREATE TABLE plan_settings (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    counted_states TEXT NOT NULL DEFAULT 'accepted' CHECK (counted_states IN ('accepted', 'submitted', 'any')),
    row_version INTEGER NOT NULL DEFAULT 1
);

-- Days that differ from the statutory calendar: a bridge off, a make-up Saturday.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'working')),
    note TEXT
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
    deadline TEXT NOT NULL,
    narrative TEXT,
    submitted_at TEXT,
    submitted_by INTEGER REFERENCES accounts(id),
    late INTEGER NOT NULL DEFAULT 0,
    reviewed_at TEXT,
    reviewed_by INTEGER REFERENCES accounts(id),
    review_comment TEXT,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (document_id, unit_id, period, revision)
);
CREATE INDEX reports_period ON reports(document_id, period, state);
CREATE INDEX reports_unit ON reports(unit_id, period_end);

-- A work item's line in a report: how far it has come and what was done.
CREATE TABLE report_items (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    percent INTEGER CHECK (percent IS NULL OR (percent >= 0 AND percent <= 100)),
    narrative TEXT,
    PRIMARY KEY (report_id, work_item_id)
);

CREATE TABLE evidence_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    work_item_id INTEGER REFERENCES work_items(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES accounts(id)
);
CREATE INDEX evidence_files_report ON evidence_files(report_id);

ALTER TABLE actuals ADD COLUMN report_id INTEGER REFERENCES reports(id);
CREATE INDEX actuals_report ON actuals(report_id);
-- The roll-up now also asks which report a value came from: the covering index carries it.
DROP INDEX actuals_rollup;
CREATE INDEX actuals_rollup ON actuals(target_id, period_start, period_end, unit_id, report_id, packed);
