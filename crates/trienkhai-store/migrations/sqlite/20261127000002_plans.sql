-- Plans (C3-C7): documents and their files, committee terms, the plan frame (themes, fields),
-- targets with their values, quotas and actuals, work items with milestones and requests.
-- Exact decimals are canonical text; periods are their notation ('2021', '2021-07', '2020..2025')
-- with the first and last day beside them for range queries.

CREATE TABLE committee_terms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    label TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX committee_terms_unit ON committee_terms(unit_id, valid_from);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL,
    grammar TEXT NOT NULL CHECK (grammar IN ('party', 'state')),
    type_code TEXT,
    serial INTEGER NOT NULL,
    issuer_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    issuer_unit_id INTEGER REFERENCES units(id),
    issued_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    summary_folded TEXT NOT NULL,
    theme_of_year TEXT,
    phase TEXT,
    vision_year INTEGER,
    concretizes_id INTEGER REFERENCES documents(id),
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (concretizes_id IS NULL OR concretizes_id <> id)
);
CREATE INDEX documents_number ON documents(number);
CREATE INDEX documents_issuer ON documents(issuer_unit_id, type_code, issued_on);
CREATE INDEX documents_concretizes ON documents(concretizes_id);

-- The file of a document, kept in the database so that a backup holds everything and an upload
-- is part of the transaction that records it.
CREATE TABLE document_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES accounts(id)
);
CREATE INDEX document_files_document ON document_files(document_id);

-- The plan frame: themes ("Hai chân - Ba mũi") and fields, both data.
CREATE TABLE plan_themes (
    code TEXT PRIMARY KEY,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    description TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE plan_fields (
    code TEXT PRIMARY KEY,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    field_code TEXT REFERENCES plan_fields(code),
    unit_of_measure TEXT NOT NULL,
    value_type TEXT NOT NULL,
    direction TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    -- How a unit's value for a long period comes from its monthly reports: 'sum' of flows
    -- (new enterprises) or the 'latest' state (a rate).
    over_time TEXT NOT NULL CHECK (over_time IN ('sum', 'latest')),
    -- The unit kinds expected to report it, comma-separated; none: only the responsible unit.
    reporting_kinds TEXT NOT NULL DEFAULT '',
    baseline TEXT,
    baseline_on TEXT,
    responsible_unit_id INTEGER REFERENCES units(id),
    concretizes_id INTEGER REFERENCES targets(id),
    sort_order INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    -- Bumped with every value, quota or actual written for the target: roll-up caches key on it.
    values_version INTEGER NOT NULL DEFAULT 1,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (document_id, code)
);
CREATE INDEX targets_concretizes ON targets(concretizes_id);

CREATE TABLE target_themes (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    theme_code TEXT NOT NULL REFERENCES plan_themes(code),
    PRIMARY KEY (target_id, theme_code)
);

-- What the plan aims at for a period (a year, a phase, the term).
CREATE TABLE target_values (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    value TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (target_id, period)
);

-- A share of a target handed to a lower unit for a period.
CREATE TABLE quotas (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    value TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (target_id, unit_id, period)
);
CREATE INDEX quotas_unit ON quotas(unit_id);

-- What a unit reports for a target and a period: a value, a numerator and denominator, a yes/no,
-- or "không áp dụng".
CREATE TABLE actuals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_id INTEGER NOT NULL REFERENCES targets(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    value TEXT,
    numerator TEXT,
    denominator TEXT,
    flag INTEGER,
    not_applicable INTEGER NOT NULL DEFAULT 0,
    -- The row as the roll-up reads it, `unit|period|value|numerator|denominator|flag|n/a`,
    -- written with the values: the roll-up concatenates these instead of building them.
    packed TEXT NOT NULL,
    note TEXT,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    recorded_by INTEGER REFERENCES accounts(id),
    recorded_at TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (target_id, unit_id, period)
);
-- The roll-up reads every value of a target for a period: a covering index in period order
-- makes that one sequential range instead of thousands of row lookups.
CREATE INDEX actuals_rollup ON actuals(target_id, period_start, period_end, unit_id, packed);
CREATE INDEX actuals_unit ON actuals(unit_id);

-- Named weights per unit and year (population, households) for weighted means.
CREATE TABLE unit_weights (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, year, unit_id)
);

CREATE TABLE work_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    parent_id INTEGER REFERENCES work_items(id),
    concretizes_id INTEGER REFERENCES work_items(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    field_code TEXT REFERENCES plan_fields(code),
    lead_unit_id INTEGER NOT NULL REFERENCES units(id),
    responsible_person_id INTEGER REFERENCES persons(id),
    starts_on TEXT,
    deadline TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT 'not_started' CHECK (progress IN ('not_started', 'in_progress', 'done')),
    done_on TEXT,
    paused_since TEXT,
    expected_product TEXT,
    result TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((progress = 'done') = (done_on IS NOT NULL)),
    UNIQUE (document_id, code)
);
CREATE INDEX work_items_parent ON work_items(parent_id);
CREATE INDEX work_items_lead ON work_items(lead_unit_id, deadline);
CREATE INDEX work_items_concretizes ON work_items(concretizes_id);

CREATE TABLE work_item_themes (
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    theme_code TEXT NOT NULL REFERENCES plan_themes(code),
    PRIMARY KEY (work_item_id, theme_code)
);

CREATE TABLE work_item_coordinators (
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (work_item_id, unit_id)
);
CREATE INDEX work_item_coordinators_unit ON work_item_coordinators(unit_id);

CREATE TABLE work_item_targets (
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    target_id INTEGER NOT NULL REFERENCES targets(id),
    PRIMARY KEY (work_item_id, target_id)
);
CREATE INDEX work_item_targets_target ON work_item_targets(target_id);

-- The roadmap (lộ trình).
CREATE TABLE milestones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX milestones_item ON milestones(work_item_id, due_on);

-- Requests that need an approval. An approved deadline move keeps the former deadline here.
CREATE TABLE work_item_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    kind TEXT NOT NULL CHECK (kind IN ('move_deadline', 'pause', 'resume')),
    new_deadline TEXT,
    former_deadline TEXT,
    reason TEXT NOT NULL,
    requested_by INTEGER REFERENCES accounts(id),
    requested_at TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'refused')),
    decided_by INTEGER REFERENCES accounts(id),
    decided_on TEXT,
    decision_note TEXT
);
CREATE INDEX work_item_requests_item ON work_item_requests(work_item_id, id);
-- One request awaiting a decision per item at a time.
CREATE UNIQUE INDEX work_item_requests_pending ON work_item_requests(work_item_id) WHERE decision = 'pending';
