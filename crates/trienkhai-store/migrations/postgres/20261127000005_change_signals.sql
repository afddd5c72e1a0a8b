-- Versions without hot rows, and a change signal for answers served from memory.
--
-- A target's values version was one counter on its `targets` row, moved by every value written
-- for it: during a deadline spike every report of a province queued on the plan's forty rows.
-- Value writes now move one of 32 shard rows per target, chosen by the reporting unit; a
-- target's version is its row's `values_version` (still moved by rare plan-wide changes) plus
-- the sum of its shards. Counters only grow, so the sum moves with every committed write.
--
-- Every table a page or list may be read from announces its changes,
-- on PostgreSQL by a notification on the channel `trienkhai_changes` at commit (a counter row
-- would be the hot spot this migration removes), which each instance's listener turns into a
-- new epoch in memory.
--
-- Sessions announce only their end and API tokens only their revocation or expiry change (who is
-- behind a secret is kept in memory too). Not announced: login failures, the audit log, jobs and
-- notifications, which no served answer is read from (a conformance test lists the tables
-- without a trigger).

CREATE TABLE target_value_shards (
    target_id BIGINT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    shard BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (target_id, shard)
);

CREATE FUNCTION trienkhai_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('trienkhai_changes', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER unit_kinds_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_kinds FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER units_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER unit_events_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_events FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER org_generation_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_generation FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER unit_versions_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_versions FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER unit_event_units_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_event_units FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER unit_successions_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_successions FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER persons_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON persons FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER posts_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON posts FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER accounts_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER role_grants_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_grants FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER committee_terms_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON committee_terms FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER documents_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON documents FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER document_files_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document_files FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER plan_themes_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_themes FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER plan_fields_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_fields FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER targets_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON targets FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER target_themes_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_themes FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER target_values_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_values FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER target_value_shards_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_value_shards FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER quotas_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON quotas FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER actuals_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON actuals FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER unit_weights_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_weights FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER work_items_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_items FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER work_item_themes_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_item_themes FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER work_item_coordinators_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_item_coordinators FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER work_item_targets_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_item_targets FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER milestones_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestones FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER work_item_requests_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_item_requests FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER report_calendars_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON report_calendars FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER plan_settings_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_settings FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER calendar_days_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER reports_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reports FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER report_items_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON report_items FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER evidence_files_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON evidence_files FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER reminder_policies_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reminder_policies FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER webhooks_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhooks FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();
-- Row-level: the periodic purge of expired sessions usually deletes nothing, and a statement
-- trigger would then empty every instance's kept answers for nothing.
CREATE TRIGGER sessions_changes AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION trienkhai_notify_change();
CREATE TRIGGER api_tokens_changes AFTER UPDATE OF revoked_at, expires_at, account_id OR DELETE ON api_tokens FOR EACH ROW EXECUTE FUNCTION trienkhai_notify_change();
