-- The audit history of one object (a certificate, a CA, a token) is a common question.
CREATE INDEX audit_entry_by_object ON audit_entry (object_type, object_id);
