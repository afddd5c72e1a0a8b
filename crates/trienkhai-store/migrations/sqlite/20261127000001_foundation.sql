-- Foundation: the dated organisation tree, people, accounts, access, sessions and the audit log.
-- Dates are 'YYYY-MM-DD' text, instants fixed-width UTC text; flags are 0/1.

CREATE TABLE unit_kinds (
    code TEXT PRIMARY KEY,
    label_vi TEXT NOT NULL,
    label_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    row_version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    note TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE unit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'rename', 'move', 'upgrade', 'recode', 'edit', 'merge', 'split', 'dissolve')),
    effective_on TEXT NOT NULL,
    basis TEXT,
    note TEXT,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    actor_account_id INTEGER,
    created_at TEXT NOT NULL
);

-- Bumped in the transaction of every structural change: instances may cache the tree of a
-- date and ask this single row whether their copy is still current.
CREATE TABLE org_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO org_generation (id, value) VALUES (1, 0);

CREATE TABLE unit_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    event_id INTEGER REFERENCES unit_events(id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX unit_versions_unit ON unit_versions(unit_id, valid_from);
CREATE INDEX unit_versions_parent ON unit_versions(parent_id);
CREATE INDEX unit_versions_code ON unit_versions(code);
CREATE INDEX unit_versions_dates ON unit_versions(valid_from, valid_to);

-- Every unit an event touched, so a unit's history lists dissolutions and merges too.
CREATE TABLE unit_event_units (
    event_id INTEGER NOT NULL REFERENCES unit_events(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (event_id, unit_id)
);
CREATE INDEX unit_event_units_unit ON unit_event_units(unit_id);

CREATE TABLE unit_successions (
    predecessor_id INTEGER NOT NULL REFERENCES units(id),
    successor_id INTEGER NOT NULL REFERENCES units(id),
    effective_on TEXT NOT NULL,
    event_id INTEGER NOT NULL REFERENCES unit_events(id),
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_successions_successor ON unit_successions(successor_id);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    birth_year INTEGER,
    party_admitted_on TEXT,
    party_full_member_on TEXT,
    source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'record', 'article', 'illustrative')),
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX persons_name ON persons(name_folded);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    row_version INTEGER NOT NULL DEFAULT 1,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX posts_person ON posts(person_id);
CREATE INDEX posts_unit ON posts(unit_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id),
    is_active INTEGER NOT NULL DEFAULT 1,
    row_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reporter', 'viewer', 'inspector')),
    unit_id INTEGER REFERENCES units(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    granted_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by INTEGER REFERENCES accounts(id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX role_grants_account ON role_grants(account_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    -- Who issued it: a token issued by someone else is revoked when the account gains rights.
    issued_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, failed_at);
CREATE INDEX login_failures_client ON login_failures(client, failed_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_account_id INTEGER,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, id);
CREATE INDEX audit_log_at ON audit_log(at);

-- The log is append-only: history that can be edited is no history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
