-- Certificate lists show the most recently issued first by default.
CREATE INDEX certificate_by_issued ON certificate (issued_at);
