-- 0011 least privilege (#13): what the resident site's role needs from tables it may not read,
-- answered by SECURITY DEFINER functions that return only a verdict; an audit log no role can
-- rewrite; the keyed seal of the audit chain; a failure counter per booking code.

-- The pickup cross-check (A4) for the public site: one word, never the ledger row.
CREATE FUNCTION pickup_verdict(p_application_id text, p_kana_key text, p_birth_date date) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH found AS (
        SELECT stage, updated_at FROM ledger_entry
        WHERE (p_application_id <> '' AND application_id = p_application_id)
           OR (p_application_id = '' AND kana_key = p_kana_key AND birth_date = p_birth_date
               AND stage NOT IN ('handed-over', 'returned', 'disposed'))
    )
    SELECT CASE
        WHEN EXISTS (SELECT FROM found WHERE stage IN ('prepared', 'notified')) THEN 'ready'
        WHEN EXISTS (SELECT FROM found WHERE stage = 'on-hold') THEN 'on-hold'
        WHEN EXISTS (SELECT FROM found) THEN 'not-ready'
        ELSE 'no-entry' END
$$;

-- A booking that names an application ID is linked to its applicant by the database, so the
-- public site never reads applicant_application itself.
CREATE FUNCTION booking_link_applicant() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.applicant_id IS NULL AND NEW.application_id IS NOT NULL THEN
        SELECT applicant_id INTO NEW.applicant_id FROM applicant_application WHERE application_id = NEW.application_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER booking_link_applicant BEFORE INSERT ON booking
    FOR EACH ROW EXECUTE FUNCTION booking_link_applicant();

-- Who made a booking, as it was then: the booking list no longer joins staff_user, a table the
-- public site's role cannot read.
ALTER TABLE booking ADD COLUMN created_by_login text NOT NULL DEFAULT '';
UPDATE booking b SET created_by_login = u.login FROM staff_user u WHERE u.id = b.created_by;

-- The audit log is append-only for everyone, the owner included, until a DBA deliberately
-- disables these triggers (which `audit verify` then detects through the seal and the anchors).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Rows sealed before this migration carry a plain SHA-256 (key 0); from now on every row is
-- sealed with HMAC-SHA-256 under the key numbered here (kept outside the database).
ALTER TABLE audit_log ADD COLUMN key_id integer NOT NULL DEFAULT 0;
ALTER TABLE audit_log ALTER COLUMN key_id DROP DEFAULT;

-- Wrong dates of birth per booking code (A5 look-up): a code locks after a few, wherever the
-- guesses come from. Only a hash of the code is kept.
CREATE TABLE lookup_failure (
    code_hash    text PRIMARY KEY,
    failures     integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
