-- W3C Bitstring Status Lists: each certificate has one index, allocated at
-- random and never reused, in a list of at least 131,072 entries; the list
-- holds a revocation and a suspension bitstring (one bit per index, the
-- first index the left-most bit), changed in the same transaction as the
-- certificate's status. Served signed at /api/v1/status-lists/{id}/{purpose}.

CREATE TABLE status_lists (
    id         INTEGER PRIMARY KEY,
    size       INTEGER NOT NULL CHECK (size >= 131072 AND size % 8 = 0),
    -- Indexes given out; a list stops taking new certificates at a quarter.
    allocated  INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= size),
    revocation BLOB    NOT NULL CHECK (length(revocation) * 8 = size),
    suspension BLOB    NOT NULL CHECK (length(suspension) * 8 = size),
    -- Counts every change, so a served copy knows it is stale.
    version    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
) STRICT;

-- Filled for certificates issued before this migration when the server
-- starts (`status_lists::backfill`), and in the issuing transaction after.
ALTER TABLE certificates ADD COLUMN status_list INTEGER REFERENCES status_lists (id);
ALTER TABLE certificates ADD COLUMN status_index INTEGER CHECK (status_index >= 0);

CREATE UNIQUE INDEX certificates_status_entry ON certificates (status_list, status_index)
    WHERE status_list IS NOT NULL;
