-- 0009 statistics (D1): the totals group bookings by the slot's day and documents by upload
-- time across all locations; these indexes let a month or a year be read by range instead of
-- scanning every row (see scripts/bench-statistics for the figures on a million bookings).
CREATE INDEX slot_day_all_idx ON slot (day);
CREATE INDEX document_uploaded_idx ON document (uploaded_at);
