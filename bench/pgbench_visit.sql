-- The database's own limit for a submission: one visit and its three interactions in one
-- transaction, on the project's tables (bench/peer_compare.py runs it with pgbench -M prepared).
-- Variables: smin, smax (store ids), observer, rubric.
\set store random(:smin, :smax)
BEGIN;
INSERT INTO observations_visit (id, store_id, observer_id, observer_role, started_at, ended_at, week_start, status,
    submitted_at, review_note, notes, reviewed_notes, rubric_id, flags, n_interactions, content_hash,
    soi, greeting_score, smile_score, hovering_score, response_score)
VALUES (gen_random_uuid(), :store, :observer, 'supervisor', now() - interval '60 minutes', now() - interval '40 minutes',
    date_trunc('week', now())::date, 'submitted', now(), '', 'load test', '', :rubric, '[]', 3, md5(random()::text) || md5(random()::text),
    62.5, 70.0, 50.0, 58.3, 66.7)
RETURNING id AS visit \gset
INSERT INTO observations_interaction (visit_id, position, greeted, greeting_seconds, greeting_personal, smile,
    unsolicited_approaches, followed, asked, response_seconds, response_quality, special_request, notes,
    greeting_typed, response_typed, reviewed_notes, soi, greeting_score, smile_score, hovering_score, response_score)
VALUES (:visit, 1, true, 12, true, 4, 0, false, true, 40, 4, false, '', false, false, '', 88.0, 100.0, 75.0, 100.0, 78.3),
       (:visit, 2, true, 45, false, 3, 2, false, false, NULL, NULL, false, '', false, false, '', 60.1, 52.5, 50.0, 75.0, NULL),
       (:visit, 3, false, NULL, false, 2, 1, true, true, 150, 2, true, '', false, false, '', 25.0, 0.0, 25.0, 50.0, 21.7);
COMMIT;
