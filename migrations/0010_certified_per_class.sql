-- The certification overview counts each class's current certificates
-- (not superseded, not a renewal): with this index the count reads only
-- index entries, not the certificates themselves (issue 13).
CREATE INDEX certificates_class_current ON certificates (class_id)
    WHERE class_id IS NOT NULL AND status != 'superseded' AND renews_id IS NULL;
