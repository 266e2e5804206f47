"""The rollups' statements on PostgreSQL: a store's weeks computed by one INSERT ... SELECT from its
visits and interactions, a region's weeks from its stores' rows. Text and parameters only;
`reports.rollups` runs them."""

from __future__ import annotations

from observations.models import COUNTED_STATUSES

from .totals import COUNTING_STATUSES, HOVERING_APPROACHES_FROM, SMILING_FROM

# On PostgreSQL a rollup is computed by one INSERT ... SELECT, for one store-week after a change
# as for the full rebuild: the database groups the rows far faster than Python can fetch them.
# Same figures as `accumulate` (tested); the seconds lists are stored unsorted (they only feed
# medians).
ROLLUP_SQL = """
WITH v AS (
    SELECT visit.id, store_id, week_start, status, soi, greeting_score, smile_score, hovering_score, response_score,
           rubric.version AS rubric_version
    FROM observations_visit visit JOIN observations_rubric rubric ON rubric.id = visit.rubric_id
    WHERE status = ANY(%(counting)s) /* store filter */
), scoped AS (
    SELECT v.*, s.scope FROM v JOIN (SELECT unnest(%(scopes)s::text[]) AS scope, unnest(%(statuses)s::text[]) AS status) AS s
    ON s.status = v.status
), visit_sums AS (
    SELECT store_id, week_start, scope,
           count(soi) AS n_visits, coalesce(sum(soi), 0) AS soi_sum, coalesce(sum(soi * soi), 0) AS soi_sum_squares,
           coalesce(sum(greeting_score) FILTER (WHERE soi IS NOT NULL), 0) AS greeting_sum,
           count(greeting_score) FILTER (WHERE soi IS NOT NULL) AS greeting_n,
           coalesce(sum(smile_score) FILTER (WHERE soi IS NOT NULL), 0) AS smile_sum,
           count(smile_score) FILTER (WHERE soi IS NOT NULL) AS smile_n,
           coalesce(sum(hovering_score) FILTER (WHERE soi IS NOT NULL), 0) AS hovering_sum,
           count(hovering_score) FILTER (WHERE soi IS NOT NULL) AS hovering_n,
           coalesce(sum(response_score) FILTER (WHERE soi IS NOT NULL), 0) AS response_sum,
           count(response_score) FILTER (WHERE soi IS NOT NULL) AS response_n,
           coalesce(max(rubric_version) FILTER (WHERE soi IS NOT NULL), 0) AS rubric_version
    FROM scoped GROUP BY store_id, week_start, scope
), interaction_sums AS (
    SELECT scoped.store_id, scoped.week_start, scoped.scope, count(*) AS n_interactions,
           count(*) FILTER (WHERE i.greeted) AS n_greeted,
           count(*) FILTER (WHERE i.smile >= %(smiling)s) AS n_smiling,
           count(*) FILTER (WHERE i.followed OR i.unsolicited_approaches >= %(hovering)s) AS n_hovering,
           coalesce(array_agg(i.greeting_seconds) FILTER (WHERE i.greeted), '{}') AS greeting_seconds,
           coalesce(array_agg(i.response_seconds) FILTER (WHERE i.asked), '{}') AS response_seconds
    FROM observations_interaction i JOIN scoped ON scoped.id = i.visit_id
    GROUP BY scoped.store_id, scoped.week_start, scoped.scope
)
INSERT INTO reports_storeweekrollup (
    store_id, week_start, scope, n_visits, soi_sum, soi_sum_squares, greeting_sum, greeting_n, smile_sum, smile_n,
    hovering_sum, hovering_n, response_sum, response_n, n_interactions, n_greeted, n_smiling, n_hovering,
    greeting_seconds, response_seconds, rubric_version, updated_at
)
SELECT vs.store_id, vs.week_start, vs.scope, vs.n_visits, vs.soi_sum, vs.soi_sum_squares, vs.greeting_sum,
       vs.greeting_n, vs.smile_sum, vs.smile_n, vs.hovering_sum, vs.hovering_n, vs.response_sum, vs.response_n,
       coalesce(i.n_interactions, 0), coalesce(i.n_greeted, 0), coalesce(i.n_smiling, 0), coalesce(i.n_hovering, 0),
       to_jsonb(coalesce(i.greeting_seconds, '{}')), to_jsonb(coalesce(i.response_seconds, '{}')), vs.rubric_version,
       now()
FROM visit_sums vs LEFT JOIN interaction_sums i USING (store_id, week_start, scope)
"""


def for_one_store(condition: str) -> str:
    return ROLLUP_SQL.replace("/* store filter */", condition) + "RETURNING week_start"


REFRESH_STORE_SQL = for_one_store("AND store_id = %(store)s")
REFRESH_STORE_WEEKS_SQL = for_one_store("AND store_id = %(store)s AND week_start = ANY(%(weeks)s)")
# Every week of `weeks` of every store of `stores` (the cross product of the pairs' stores and
# weeks: a refresh of a store-week that did not ask for one is harmless, and in practice the pairs
# share one week). Both conditions are answered by the index on (store, week, status); matching the
# exact pairs instead (a row-valued IN over unnest) was planned as a nested loop of every counted
# visit of the week against every pair: 50-100 ms a batch once a week had thousands of visits.
STORE_WEEK_PAIRS = "store_id = ANY(%(stores)s::bigint[]) AND week_start = ANY(%(weeks)s::date[])"
DELETE_STORE_WEEK_PAIRS_SQL = "DELETE FROM reports_storeweekrollup WHERE " + STORE_WEEK_PAIRS  # noqa: S608 (constants)
REFRESH_STORE_WEEK_PAIRS_SQL = ROLLUP_SQL.replace("/* store filter */", "AND " + STORE_WEEK_PAIRS)
SCOPE_STATUS = [(scope, status) for scope, statuses in COUNTED_STATUSES.items() for status in statuses]
SQL_PARAMS = {
    "smiling": SMILING_FROM,
    "hovering": HOVERING_APPROACHES_FROM,
    # Which statuses count in which scope: the pairs of COUNTED_STATUSES, not a second copy in SQL.
    "counting": list(COUNTING_STATUSES),
    "scopes": [str(scope) for scope, _status in SCOPE_STATUS],
    "statuses": [str(status) for _scope, status in SCOPE_STATUS],
}


# A region's weeks from its stores' week rollups, as `merge_by_week_and_scope` merges them
# (tested): sums added, the latest rubric version, the seconds lists counted per value.
REGION_SQL = """
WITH r AS (
    SELECT s.region_id, r.* FROM reports_storeweekrollup r JOIN stores_store s ON s.id = r.store_id
    WHERE true /* filter */
), sums AS (
    SELECT region_id, week_start, scope, sum(n_visits) AS n_visits, sum(soi_sum) AS soi_sum,
           sum(soi_sum_squares) AS soi_sum_squares, sum(greeting_sum) AS greeting_sum, sum(greeting_n) AS greeting_n,
           sum(smile_sum) AS smile_sum, sum(smile_n) AS smile_n, sum(hovering_sum) AS hovering_sum,
           sum(hovering_n) AS hovering_n, sum(response_sum) AS response_sum, sum(response_n) AS response_n,
           sum(n_interactions) AS n_interactions, sum(n_greeted) AS n_greeted, sum(n_smiling) AS n_smiling,
           sum(n_hovering) AS n_hovering, max(rubric_version) AS rubric_version
    FROM r GROUP BY region_id, week_start, scope
), greeting AS (
    SELECT region_id, week_start, scope, jsonb_object_agg(value, n) AS counts FROM (
        SELECT region_id, week_start, scope, e.value, count(*) AS n
        FROM r, jsonb_array_elements_text(r.greeting_seconds) AS e(value) GROUP BY 1, 2, 3, 4
    ) AS g GROUP BY 1, 2, 3
), response AS (
    SELECT region_id, week_start, scope, jsonb_object_agg(value, n) AS counts FROM (
        SELECT region_id, week_start, scope, e.value, count(*) AS n
        FROM r, jsonb_array_elements_text(r.response_seconds) AS e(value) GROUP BY 1, 2, 3, 4
    ) AS g GROUP BY 1, 2, 3
)
INSERT INTO reports_regionweekrollup (
    region_id, week_start, scope, n_visits, soi_sum, soi_sum_squares, greeting_sum, greeting_n, smile_sum, smile_n,
    hovering_sum, hovering_n, response_sum, response_n, n_interactions, n_greeted, n_smiling, n_hovering,
    greeting_seconds, response_seconds, rubric_version, updated_at
)
SELECT sums.region_id, sums.week_start, sums.scope, n_visits, soi_sum, soi_sum_squares, greeting_sum, greeting_n,
       smile_sum, smile_n, hovering_sum, hovering_n, response_sum, response_n, n_interactions, n_greeted, n_smiling,
       n_hovering, coalesce(greeting.counts, '{}'), coalesce(response.counts, '{}'), rubric_version, now()
FROM sums LEFT JOIN greeting USING (region_id, week_start, scope) LEFT JOIN response USING (region_id, week_start, scope)
"""
