-- #14: a resident's booking POST carries an Idempotency-Key. When the first attempt's COMMIT
-- was ambiguous (the primary died while the answer was on its way, a 503 after a failover), the
-- retry with the same key returns the booking that was made instead of booking a second seat.
-- The key is recorded in the booking's own transaction, so it exists exactly when the booking does.
CREATE TABLE booking_request (
    idempotency_key text PRIMARY KEY CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,128}$'),
    -- SHA-256 of the slot and the person's details: the same key with a different request is refused.
    fingerprint bytea NOT NULL,
    booking_id bigint NOT NULL REFERENCES booking (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_request_created_at ON booking_request (created_at);
