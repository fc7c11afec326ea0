-- #16: mail to residents through a transactional outbox. A message row is written in the same
-- transaction as the change that causes it (a booking made, moved, cancelled), so a rolled-back
-- change never mails and a committed one always does. The staff process's worker takes due rows
-- with FOR UPDATE SKIP LOCKED (several instances: each message once), retries 4xx and dropped
-- connections with backoff, and marks 5xx as failed (and stops mailing that address).
CREATE TABLE mail_outbox (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind ~ '^[a-z-]{1,40}$'),
    booking_id bigint REFERENCES booking (id) ON DELETE SET NULL,
    recipient text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    subject text NOT NULL CHECK (length(subject) <= 200),
    body text NOT NULL CHECK (length(body) <= 20000),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error text CHECK (length(last_error) <= 500),
    message_id text,
    created_at timestamptz NOT NULL,
    sent_at timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_booking ON mail_outbox (booking_id);

-- Addresses a relay refused for good (5xx): no more mail to them until staff lift it. Keyed by
-- the address in lower case.
CREATE TABLE mail_suppression (
    address text PRIMARY KEY CHECK (length(address) <= 254),
    reason text NOT NULL CHECK (length(reason) <= 500),
    created_at timestamptz NOT NULL
);
