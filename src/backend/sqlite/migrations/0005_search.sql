-- 0005_search: text search over jobs (JobListParams.search). A contentless FTS5 index with the
-- trigram tokenizer (case-insensitive substring match for searches of 3+ characters), kept off
-- the hot path: writes only note which documents changed, and the backend indexes them a
-- batch at a time (search.ts), so an enqueue costs one small insert instead of a trigram
-- tokenization and an FTS segment write per transaction.
--
-- Each job has up to three documents, so completing or failing a job adds a small document
-- instead of re-indexing the whole job (doc = job rowid * 4 + part):
--   part 0: id, key and input (one per line)   part 1: the result   part 2: every error message
-- A contentless index keeps no copy of the text; it forgets a document when told the text it
-- indexed ('delete' with the old values), which the triggers compute from the old row. Until
-- a document is indexed it is listed in spool_jobs_search_pending, and searches look at the
-- jobs listed there directly; every hit is checked against the job row itself, so the index
-- can only narrow a search, never invent a match.

CREATE VIRTUAL TABLE spool_jobs_search USING fts5(body, content = '', tokenize = 'trigram');

CREATE TABLE spool_jobs_search_pending (doc INTEGER PRIMARY KEY);

CREATE TRIGGER spool_jobs_search_insert AFTER INSERT ON spool_jobs BEGIN
  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4);
  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) SELECT new.rowid * 4 + 1 WHERE new.result IS NOT NULL;
  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) SELECT new.rowid * 4 + 2 WHERE new.errors <> '[]';
END;

CREATE TRIGGER spool_jobs_search_input AFTER UPDATE OF key, input ON spool_jobs
WHEN old.input IS NOT new.input OR old.key IS NOT new.key BEGIN
  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)
    SELECT 'delete', old.rowid * 4, old.id || char(10) || coalesce(old.key, '') || char(10) || old.input
    WHERE NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4);
  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4);
END;

CREATE TRIGGER spool_jobs_search_result AFTER UPDATE OF result ON spool_jobs
WHEN old.result IS NOT new.result BEGIN
  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)
    SELECT 'delete', old.rowid * 4 + 1, old.result
    WHERE old.result IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 1);
  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4 + 1);
END;

CREATE TRIGGER spool_jobs_search_errors AFTER UPDATE OF errors ON spool_jobs
WHEN old.errors IS NOT new.errors BEGIN
  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)
    SELECT 'delete', old.rowid * 4 + 2,
      (SELECT group_concat(json_extract(e.value, '$.message'), char(10)) FROM json_each(old.errors) e)
    WHERE old.errors <> '[]'
      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 2);
  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4 + 2);
END;

CREATE TRIGGER spool_jobs_search_delete AFTER DELETE ON spool_jobs BEGIN
  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)
    SELECT 'delete', old.rowid * 4, old.id || char(10) || coalesce(old.key, '') || char(10) || old.input
    WHERE NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4);
  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)
    SELECT 'delete', old.rowid * 4 + 1, old.result
    WHERE old.result IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 1);
  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)
    SELECT 'delete', old.rowid * 4 + 2,
      (SELECT group_concat(json_extract(e.value, '$.message'), char(10)) FROM json_each(old.errors) e)
    WHERE old.errors <> '[]'
      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 2);
  DELETE FROM spool_jobs_search_pending WHERE doc BETWEEN old.rowid * 4 AND old.rowid * 4 + 3;
END;

-- Jobs written before this migration are indexed like new ones.
INSERT INTO spool_jobs_search_pending (doc) SELECT rowid * 4 FROM spool_jobs;
INSERT INTO spool_jobs_search_pending (doc) SELECT rowid * 4 + 1 FROM spool_jobs WHERE result IS NOT NULL;
INSERT INTO spool_jobs_search_pending (doc) SELECT rowid * 4 + 2 FROM spool_jobs WHERE errors <> '[]';
