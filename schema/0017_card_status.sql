-- #16: "is my card ready?" for residents. One word from the application ID and the date of
-- birth together; an unknown ID and a wrong date give the same word. The resident site's role
-- reads no ledger row: it executes this function only (granted in DatabaseRoles).
CREATE FUNCTION card_status_verdict(p_application_id text, p_birth_date date) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((
        SELECT CASE
            WHEN stage IN ('prepared', 'notified') THEN 'ready'
            WHEN stage IN ('delivered', 'inspected') THEN 'not-yet'
            ELSE 'contact' END
        FROM ledger_entry WHERE application_id = p_application_id AND birth_date = p_birth_date
    ), 'not-found')
$$;
