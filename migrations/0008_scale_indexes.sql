-- Found by the national-scale benchmark (100,000 certificates): the
-- register's "not renewed" test and the public record's "renewed by" read
-- every certificate for each one shown (42 s for one search page); and the
-- register reads in name order, which one index now gives it whole.
CREATE INDEX certificates_renews ON certificates (renews_id) WHERE renews_id IS NOT NULL;

DROP INDEX certificates_holder_name;
CREATE INDEX certificates_holder_name_number ON certificates (holder_name, number);
