-- 0009 statistics (D1): totals group bookings by visit day. A slot's day, location and purpose
-- never change once it exists, so the booking carries a copy of them (set by a trigger from its
-- slot, on insert and on a move): a month is then an index range over booking alone instead of a
-- join that reads every booking. On a million bookings a month's totals take a few milliseconds
-- in PostgreSQL (scripts/bench-statistics). No roll-up table, so nothing can drift.
ALTER TABLE booking ADD COLUMN day date, ADD COLUMN location_id bigint, ADD COLUMN purpose text;
-- The copy is not a change of any booking: nothing to announce to the live day views.
ALTER TABLE booking DISABLE TRIGGER booking_announce;
UPDATE booking b SET day = s.day, location_id = s.location_id, purpose = s.purpose FROM slot s WHERE s.id = b.slot_id;
ALTER TABLE booking ENABLE TRIGGER booking_announce;
ALTER TABLE booking ALTER COLUMN day SET NOT NULL, ALTER COLUMN location_id SET NOT NULL, ALTER COLUMN purpose SET NOT NULL;

CREATE FUNCTION booking_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.day, s.location_id, s.purpose INTO NEW.day, NEW.location_id, NEW.purpose FROM slot s WHERE s.id = NEW.slot_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER booking_place BEFORE INSERT OR UPDATE OF slot_id ON booking
    FOR EACH ROW EXECUTE FUNCTION booking_place();

CREATE INDEX booking_day_idx ON booking (day, location_id);
CREATE INDEX document_uploaded_idx ON document (uploaded_at);
