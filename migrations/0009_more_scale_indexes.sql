-- More from the national-scale benchmark: the certification overview
-- counted each class's certificates by reading them all (24 s for the page
-- over 2,000 classes), the users page sorted all 100,000 accounts by
-- creation for every page, and the catalogue read every class of a course.
CREATE INDEX certificates_class ON certificates (class_id) WHERE class_id IS NOT NULL;
CREATE INDEX users_created ON users (created_at, id);
CREATE INDEX users_role_created ON users (role, created_at, id);
-- The catalogue counts each course's classes open for enrolment: from this
-- index, only the classes whose enrolment has not closed are read.
CREATE INDEX classes_course_enrolment ON classes (course_id, enrol_closes_at);
