-- #15: the counter's card reader. A terminal's agent connects out to the staff site with a
-- bearer token of the card-terminal role (scope card.terminal: nothing else), long-polls for read
-- jobs, reads the My Number card and posts what it says.
INSERT INTO role (name, label, description, sort_order)
VALUES ('card-terminal', 'ICカード読取端末', '窓口端末の読取エージェント用（読取依頼の受信と結果の送信のみ）', 50)
ON CONFLICT DO NOTHING;
INSERT INTO role_permission (role_name, permission) VALUES ('card-terminal', 'card.terminal') ON CONFLICT DO NOTHING;

-- A terminal is its name, bound to the account whose token first registered it: another account cannot
-- take over a counter's jobs (an administrator removes the row to move a name to a new account).
CREATE TABLE card_terminal (
    name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,40}$'),
    account_id bigint NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    reader text NOT NULL DEFAULT '' CHECK (length(reader) <= 200),
    agent_version text NOT NULL DEFAULT '' CHECK (length(agent_version) <= 40),
    registered_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);

CREATE TABLE card_read_job (
    id uuid PRIMARY KEY,
    ledger_entry_id bigint NOT NULL REFERENCES ledger_entry (id) ON DELETE CASCADE,
    terminal text NOT NULL REFERENCES card_terminal (name) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('record', 'handover')),
    unlock text NOT NULL CHECK (unlock IN ('code-b', 'pin')),
    -- 照合番号B sealed with the app's key (AES-GCM, the job id bound): present only while the job
    -- is pending; the agent's claim, the expiry and every end erase it.
    sealed_code bytea,
    status text NOT NULL CHECK (status IN ('pending', 'reading', 'done', 'failed', 'expired')),
    reading jsonb,
    failure_code text CHECK (length(failure_code) <= 40),
    failure_message text CHECK (length(failure_message) <= 400),
    reader text CHECK (length(reader) <= 200),
    requested_by bigint REFERENCES staff_user (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    claimed_at timestamptz,
    finished_at timestamptz,
    recorded_at timestamptz,
    CHECK (sealed_code IS NULL OR status = 'pending'),
    CHECK (unlock = 'code-b' OR sealed_code IS NULL)
);
CREATE INDEX card_read_job_pending ON card_read_job (terminal, created_at) WHERE status = 'pending';
CREATE INDEX card_read_job_entry ON card_read_job (ledger_entry_id, created_at);

-- The staff site's role gets these tables with every other (DatabaseRoles, after migrating);
-- the resident site's role gets neither.
