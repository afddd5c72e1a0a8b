-- Versions without hot rows, and a change signal for answers served from memory.
--
-- A target's values version was one counter on its `targets` row, moved by every value written
-- for it: during a deadline spike every report of a province queued on the plan's forty rows.
-- Value writes now move one of 32 shard rows per target, chosen by the reporting unit; a
-- target's version is its row's `values_version` (still moved by rare plan-wide changes) plus
-- the sum of its shards. Counters only grow, so the sum moves with every committed write.
--
-- Every table a page or list may be read from announces its changes,
-- on SQLite by moving `change_epoch` (one writer at a time: no contention), which readers compare
-- with the number their cached answer was read under.
--
-- Sessions announce only their end and API tokens only their revocation or expiry change (who is
-- behind a secret is kept in memory too). Not announced: login failures, the audit log, jobs and
-- notifications, which no served answer is read from (a conformance test lists the tables
-- without a trigger).

CREATE TABLE target_value_shards (
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (target_id, shard)
);

CREATE TABLE change_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO change_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER unit_kinds_insert_changes AFTER INSERT ON unit_kinds BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_kinds_update_changes AFTER UPDATE ON unit_kinds BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_kinds_delete_changes AFTER DELETE ON unit_kinds BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER units_insert_changes AFTER INSERT ON units BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER units_update_changes AFTER UPDATE ON units BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER units_delete_changes AFTER DELETE ON units BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER unit_events_insert_changes AFTER INSERT ON unit_events BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_events_update_changes AFTER UPDATE ON unit_events BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_events_delete_changes AFTER DELETE ON unit_events BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER org_generation_insert_changes AFTER INSERT ON org_generation BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER org_generation_update_changes AFTER UPDATE ON org_generation BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER org_generation_delete_changes AFTER DELETE ON org_generation BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER unit_versions_insert_changes AFTER INSERT ON unit_versions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_versions_update_changes AFTER UPDATE ON unit_versions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_versions_delete_changes AFTER DELETE ON unit_versions BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER unit_event_units_insert_changes AFTER INSERT ON unit_event_units BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_event_units_update_changes AFTER UPDATE ON unit_event_units BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_event_units_delete_changes AFTER DELETE ON unit_event_units BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER unit_successions_insert_changes AFTER INSERT ON unit_successions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_successions_update_changes AFTER UPDATE ON unit_successions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_successions_delete_changes AFTER DELETE ON unit_successions BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER persons_insert_changes AFTER INSERT ON persons BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER persons_update_changes AFTER UPDATE ON persons BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER persons_delete_changes AFTER DELETE ON persons BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER posts_insert_changes AFTER INSERT ON posts BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER posts_update_changes AFTER UPDATE ON posts BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER posts_delete_changes AFTER DELETE ON posts BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER accounts_insert_changes AFTER INSERT ON accounts BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER accounts_update_changes AFTER UPDATE ON accounts BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER accounts_delete_changes AFTER DELETE ON accounts BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER role_grants_insert_changes AFTER INSERT ON role_grants BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER role_grants_update_changes AFTER UPDATE ON role_grants BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER role_grants_delete_changes AFTER DELETE ON role_grants BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER committee_terms_insert_changes AFTER INSERT ON committee_terms BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER committee_terms_update_changes AFTER UPDATE ON committee_terms BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER committee_terms_delete_changes AFTER DELETE ON committee_terms BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER documents_insert_changes AFTER INSERT ON documents BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER documents_update_changes AFTER UPDATE ON documents BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER documents_delete_changes AFTER DELETE ON documents BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER document_files_insert_changes AFTER INSERT ON document_files BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER document_files_update_changes AFTER UPDATE ON document_files BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER document_files_delete_changes AFTER DELETE ON document_files BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER plan_themes_insert_changes AFTER INSERT ON plan_themes BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER plan_themes_update_changes AFTER UPDATE ON plan_themes BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER plan_themes_delete_changes AFTER DELETE ON plan_themes BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER plan_fields_insert_changes AFTER INSERT ON plan_fields BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER plan_fields_update_changes AFTER UPDATE ON plan_fields BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER plan_fields_delete_changes AFTER DELETE ON plan_fields BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER targets_insert_changes AFTER INSERT ON targets BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER targets_update_changes AFTER UPDATE ON targets BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER targets_delete_changes AFTER DELETE ON targets BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER target_themes_insert_changes AFTER INSERT ON target_themes BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_themes_update_changes AFTER UPDATE ON target_themes BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_themes_delete_changes AFTER DELETE ON target_themes BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER target_values_insert_changes AFTER INSERT ON target_values BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_values_update_changes AFTER UPDATE ON target_values BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_values_delete_changes AFTER DELETE ON target_values BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER target_value_shards_insert_changes AFTER INSERT ON target_value_shards BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_value_shards_update_changes AFTER UPDATE ON target_value_shards BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_value_shards_delete_changes AFTER DELETE ON target_value_shards BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER quotas_insert_changes AFTER INSERT ON quotas BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER quotas_update_changes AFTER UPDATE ON quotas BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER quotas_delete_changes AFTER DELETE ON quotas BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER actuals_insert_changes AFTER INSERT ON actuals BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER actuals_update_changes AFTER UPDATE ON actuals BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER actuals_delete_changes AFTER DELETE ON actuals BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER unit_weights_insert_changes AFTER INSERT ON unit_weights BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_weights_update_changes AFTER UPDATE ON unit_weights BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER unit_weights_delete_changes AFTER DELETE ON unit_weights BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER work_items_insert_changes AFTER INSERT ON work_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_items_update_changes AFTER UPDATE ON work_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_items_delete_changes AFTER DELETE ON work_items BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER work_item_themes_insert_changes AFTER INSERT ON work_item_themes BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_themes_update_changes AFTER UPDATE ON work_item_themes BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_themes_delete_changes AFTER DELETE ON work_item_themes BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER work_item_coordinators_insert_changes AFTER INSERT ON work_item_coordinators BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_coordinators_update_changes AFTER UPDATE ON work_item_coordinators BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_coordinators_delete_changes AFTER DELETE ON work_item_coordinators BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER work_item_targets_insert_changes AFTER INSERT ON work_item_targets BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_targets_update_changes AFTER UPDATE ON work_item_targets BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_targets_delete_changes AFTER DELETE ON work_item_targets BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER milestones_insert_changes AFTER INSERT ON milestones BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER milestones_update_changes AFTER UPDATE ON milestones BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER milestones_delete_changes AFTER DELETE ON milestones BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER work_item_requests_insert_changes AFTER INSERT ON work_item_requests BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_requests_update_changes AFTER UPDATE ON work_item_requests BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER work_item_requests_delete_changes AFTER DELETE ON work_item_requests BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER report_calendars_insert_changes AFTER INSERT ON report_calendars BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER report_calendars_update_changes AFTER UPDATE ON report_calendars BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER report_calendars_delete_changes AFTER DELETE ON report_calendars BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER plan_settings_insert_changes AFTER INSERT ON plan_settings BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER plan_settings_update_changes AFTER UPDATE ON plan_settings BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER plan_settings_delete_changes AFTER DELETE ON plan_settings BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER calendar_days_insert_changes AFTER INSERT ON calendar_days BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER calendar_days_update_changes AFTER UPDATE ON calendar_days BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER calendar_days_delete_changes AFTER DELETE ON calendar_days BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER reports_insert_changes AFTER INSERT ON reports BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER reports_update_changes AFTER UPDATE ON reports BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER reports_delete_changes AFTER DELETE ON reports BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER report_items_insert_changes AFTER INSERT ON report_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER report_items_update_changes AFTER UPDATE ON report_items BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER report_items_delete_changes AFTER DELETE ON report_items BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER evidence_files_insert_changes AFTER INSERT ON evidence_files BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER evidence_files_update_changes AFTER UPDATE ON evidence_files BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER evidence_files_delete_changes AFTER DELETE ON evidence_files BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER reminder_policies_insert_changes AFTER INSERT ON reminder_policies BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER reminder_policies_update_changes AFTER UPDATE ON reminder_policies BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER reminder_policies_delete_changes AFTER DELETE ON reminder_policies BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER webhooks_insert_changes AFTER INSERT ON webhooks BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER webhooks_update_changes AFTER UPDATE ON webhooks BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER webhooks_delete_changes AFTER DELETE ON webhooks BEGIN UPDATE change_epoch SET n = n + 1; END;

CREATE TRIGGER sessions_delete_changes AFTER DELETE ON sessions BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER api_tokens_update_changes AFTER UPDATE OF revoked_at, expires_at, account_id ON api_tokens BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER api_tokens_delete_changes AFTER DELETE ON api_tokens BEGIN UPDATE change_epoch SET n = n + 1; END;
