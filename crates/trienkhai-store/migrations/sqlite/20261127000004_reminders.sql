-- Reminders (C8, C13): background jobs kept in the database (claimed by one instance at a time,
-- retried with back-off, failures visible), a plan's reminder policies, in-app notifications,
-- each person's delivery preferences, and the webhooks reminders are posted to.

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('reminders', 'digest', 'webhook')),
    payload TEXT NOT NULL,
    -- One job per key (a day's reminders, a person's digest of a day).
    dedupe_key TEXT UNIQUE,
    run_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    last_error TEXT,
    locked_by TEXT,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- When a plan reminds whom: `before_deadline` days before a unit's deadline, `after_period_end`
-- days after the period ends, `overdue` every `days` days once the deadline has passed.
CREATE TABLE reminder_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    kind TEXT NOT NULL CHECK (kind IN ('before_deadline', 'after_period_end', 'overdue')),
    days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 60),
    audience TEXT NOT NULL CHECK (audience IN ('reporters', 'reviewers', 'both')),
    email INTEGER NOT NULL DEFAULT 1,
    webhook INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (document_id, kind, days, audience)
);

-- What a person sees on their notifications page; also what a day's digest gathers.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    day TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    -- The same reminder is never given twice.
    dedupe_key TEXT NOT NULL UNIQUE,
    email INTEGER NOT NULL DEFAULT 0,
    webhook INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_of_account ON notifications (account_id, day);

CREATE TABLE notification_preferences (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
    email TEXT,
    daily_digest INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

-- Where reminders are posted as JSON, signed with the secret (HMAC-SHA256).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
