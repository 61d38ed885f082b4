-- Sentences views (issue 10). Rules (see VIEWS.md, "Sentences"):
-- * punishments count in the month of the verdict's decision_date, for cases whose current
--   decision_class is 'verdict' and whose act was read (act_status not NULL)
-- * they are counted per DEFENDANT (one DefendantSentence each) and per case
-- * a defendant counts under the articles of their guilty finding in the act, else (when
--   the act's articles could not be read) under their card articles when the act and the
--   card list the same number of defendants, else under all the case's articles
-- * kind 'unreadable' rows are kept (never guessed, never dropped), kind 'acquitted' too.

-- One row per (case, defendant sentence) of every case with a read act.
CREATE OR REPLACE VIEW case_sentences AS
SELECT
    c.case_key AS case_key,
    c.court_code AS court_code,
    r.region AS region,
    c.decision_date AS decision_date,
    c.decision_class AS decision_class,
    c.act_status AS act_status,
    toUInt16(JSONExtractUInt(s, 'index')) AS defendant_index,
    arrayDistinct(arrayMap(a -> JSONExtractString(a, 'article'),
                           JSONExtractArrayRaw(s, 'articles'))) AS act_articles,
    if(notEmpty(act_articles), act_articles,
       if(length(c.sents) = length(c.defendant_articles), c.defendant_articles[i], c.articles)
    ) AS articles,
    JSONExtractRaw(s, 'punishment') AS p,
    JSONExtractString(p, 'kind') AS kind,
    JSONExtract(p, 'term_months', 'Nullable(UInt32)') AS term_months,
    JSONExtract(p, 'probation_months', 'Nullable(UInt32)') AS probation_months,
    JSONExtract(p, 'colony_regime', 'Nullable(String)') AS colony_regime,
    JSONExtract(p, 'fine_rub', 'Nullable(UInt64)') AS fine_rub,
    JSONExtract(p, 'deduction_percent', 'Nullable(UInt8)') AS deduction_percent,
    JSONExtract(p, 'base_kind', 'Nullable(String)') AS base_kind,
    JSONExtractBool(p, 'replaced') AS replaced,
    JSONExtractBool(p, 'combined_with_previous') AS combined_with_previous,
    JSONExtract(p, 'reason', 'Nullable(String)') AS reason,
    JSONExtractString(p, 'raw') AS raw
FROM
(
    SELECT *, JSONExtractArrayRaw(sentences_json) AS sents
    FROM cases
    WHERE act_status IS NOT NULL
) AS c
ARRAY JOIN c.sents AS s, arrayEnumerate(c.sents) AS i
LEFT JOIN (SELECT code, region FROM courts FINAL) AS r ON r.code = c.court_code;

-- Punishments per month of verdict x article x court x kind. median_* are exact medians
-- with linear interpolation between the two middle values (quantileExactInclusive: the
-- median of 12 and 24 is 18), rounded to 0.1, NULL when no defendant of the row has that
-- term.
CREATE OR REPLACE VIEW monthly_punishments AS
SELECT
    m.month AS month,
    m.article AS article,
    m.category AS category,
    m.court_code AS court_code,
    m.region AS region,
    m.kind AS kind,
    m.cases AS cases,
    m.defendants AS defendants,
    m.median_term_months AS median_term_months,
    m.median_probation_months AS median_probation_months,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(decision_date)) AS month,
        article,
        multiIf(
            article = '', 'unknown',
            article IN ('332', '337', '338'), 'refusal',
            toUInt32OrZero(splitByChar('.', article)[1]) BETWEEN 331 AND 352, 'military',
            'other'
        ) AS category,
        court_code, region, kind,
        uniqExact(case_key) AS cases,
        count() AS defendants,
        round(quantileExactInclusive(0.5)(term_months), 1) AS median_term_months,
        round(quantileExactInclusive(0.5)(probation_months), 1) AS median_probation_months
    FROM case_sentences
    LEFT ARRAY JOIN articles AS article
    WHERE decision_class = 'verdict' AND decision_date IS NOT NULL
    GROUP BY month, article, category, court_code, region, kind
) AS m
CROSS JOIN publication_status AS p;

-- Share of suspended sentences among the punished, per month of verdict, nationally.
-- Counted over defendants: punished = kinds other than 'acquitted' and 'unreadable';
-- share = suspended / punished rounded to 4 places (NULL when nobody was punished).
-- category: a defendant counts once in each category their articles touch, and once in
-- 'all'.
CREATE OR REPLACE VIEW suspended_share AS
SELECT
    m.month AS month,
    m.category AS category,
    m.punished AS punished,
    m.suspended AS suspended,
    m.unreadable AS unreadable,
    if(m.punished = 0, NULL, round(m.suspended / m.punished, 4)) AS share,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(decision_date)) AS month,
        category,
        countIf(kind NOT IN ('acquitted', 'unreadable')) AS punished,
        countIf(kind = 'suspended') AS suspended,
        countIf(kind = 'unreadable') AS unreadable
    FROM case_sentences
    ARRAY JOIN arrayConcat(['all'], arrayDistinct(arrayMap(a -> multiIf(
        a = '', 'unknown',
        a IN ('332', '337', '338'), 'refusal',
        toUInt32OrZero(splitByChar('.', a)[1]) BETWEEN 331 AND 352, 'military',
        'other'), if(empty(articles), [''], articles)))) AS category
    WHERE decision_class = 'verdict' AND decision_date IS NOT NULL
    GROUP BY month, category
) AS m
CROSS JOIN publication_status AS p;

-- Acts of verdicts per month of verdict: how many were read, how many are pending, and
-- the lag from the verdict to the first observation of the act's text (days; an upper
-- bound on the publication lag, too high by at most the card re-poll interval). Median
-- and p90 as in monthly_punishments (interpolated), rounded to 0.1 day.
-- read = act_status 'verdict' or 'unreadable' (the verdict's text is out)
-- not_verdict = only a ruling was published on the card (not the verdict's text)
-- pending = no act read (not out yet, withheld, or the card not re-polled since)
CREATE OR REPLACE VIEW act_publication_lag AS
SELECT
    m.month AS month,
    m.verdicts AS verdicts,
    m.acts_read AS acts_read,
    m.acts_unreadable AS acts_unreadable,
    m.not_verdict AS not_verdict,
    m.pending AS pending,
    m.median_lag_days AS median_lag_days,
    m.p90_lag_days AS p90_lag_days,
    m.max_lag_days AS max_lag_days,
    if(toLastDayOfMonth(m.month) <= p.complete_through, 'complete', 'provisional') AS status
FROM
(
    SELECT
        toStartOfMonth(assumeNotNull(c.decision_date)) AS month,
        count() AS verdicts,
        countIf(c.act_status IN ('verdict', 'unreadable')) AS acts_read,
        countIf(c.act_status = 'unreadable') AS acts_unreadable,
        countIf(c.act_status = 'not_verdict') AS not_verdict,
        countIf(c.act_status IS NULL) AS pending,
        round(quantileExactInclusive(0.5)(lag), 1) AS median_lag_days,
        round(quantileExactInclusive(0.9)(lag), 1) AS p90_lag_days,
        max(lag) AS max_lag_days
    FROM
    (
        SELECT
            c.decision_date AS decision_date,
            c.act_status AS act_status,
            if(c.act_status IN ('verdict', 'unreadable') AND f.case_key != '',
               toNullable(dateDiff('day', assumeNotNull(c.decision_date),
                                   toDate32(f.act_seen_at))),
               NULL) AS lag
        FROM cases AS c
        LEFT JOIN
        (
            SELECT case_key, min(observed_at) AS act_seen_at
            FROM case_events FINAL
            WHERE act_status IN ('verdict', 'unreadable')
            GROUP BY case_key
        ) AS f ON f.case_key = c.case_key
        WHERE c.decision_class = 'verdict' AND c.decision_date IS NOT NULL
    ) AS c
    GROUP BY month
) AS m
CROSS JOIN publication_status AS p;
