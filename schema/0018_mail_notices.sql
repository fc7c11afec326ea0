-- #16, second part: reminders, slot-withdrawn notices, "your card is ready" and renewal
-- invitations. A reminder is written with its booking and waits in the outbox until it is due;
-- moving or cancelling the booking withdraws it in that same transaction.
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_status_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'suppressed', 'withdrawn'));
ALTER TABLE mail_outbox
    ADD COLUMN ledger_entry_id bigint REFERENCES ledger_entry (id) ON DELETE SET NULL,
    ADD COLUMN unsubscribe_url text CHECK (length(unsubscribe_url) <= 500);
CREATE INDEX mail_outbox_ledger ON mail_outbox (ledger_entry_id) WHERE ledger_entry_id IS NOT NULL;

-- A person's agreement to be written to about their card (ready for pickup, renewal), given at
-- booking or at the counter's intake, and withdrawable from the link in every such mail or by
-- staff. One agreement in force per application; a new one replaces it.
CREATE TABLE contact_consent (
    id bigserial PRIMARY KEY,
    application_id text NOT NULL CHECK (application_id ~ '^[0-9]{23}$'),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    source text NOT NULL CHECK (source IN ('booking', 'intake')),
    recorded_by bigint,
    consented_at timestamptz NOT NULL,
    withdrawn_at timestamptz,
    -- replaced: a newer agreement for the same application took its place.
    withdrawn_by text CHECK (withdrawn_by IN ('resident', 'staff', 'replaced'))
);
CREATE UNIQUE INDEX contact_consent_active ON contact_consent (application_id) WHERE withdrawn_at IS NULL;

-- Administrators' wording of a mail kind (subject and opening paragraph, #16); the facts of each
-- mail (code, time, place, links, stop link) are always the system's. No row: the standard text.
CREATE TABLE mail_template (
    kind text NOT NULL,
    language text NOT NULL CHECK (language IN ('ja', 'en')),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 150),
    lead text NOT NULL CHECK (length(lead) BETWEEN 1 AND 2000),
    updated_by bigint,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (kind, language)
);
