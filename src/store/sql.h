/*
 * sql.h - every SQL statement of the store, as named constants.
 *
 * Schema steps (MIGRATE_V*) are applied in order by migrate.c; the others are
 * prepared once per connection by db.c (see enum mm_store_stmt in
 * store_int.h) and reused.  docs/database.md explains the schema.
 *
 * Timestamps are nanoseconds since the epoch (UTC) in INTEGER columns; ids
 * are the alert's 64-bit id stored as a signed int64 (same bits).
 */
#ifndef MM_STORE_SQL_H
#define MM_STORE_SQL_H

/* ---- connection set-up (db.c) ---- */

#define SQL_PRAGMA_WAL "PRAGMA journal_mode = WAL;"
#define SQL_PRAGMA_SYNC "PRAGMA synchronous = NORMAL;"
/*
 * The writer's connection: an 8 MiB page cache (the default 2 MiB makes the
 * delivery read-back and the checkpoints re-read pages) and a checkpoint
 * every 4000 pages (16 MiB of WAL) so that hot index and outbox pages are
 * copied once per checkpoint, not once per 4 MiB.  docs/database.md has numbers.
 */
#define SQL_PRAGMA_TUNE_RW "PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 4000;"
#define SQL_PRAGMA_FK "PRAGMA foreign_keys = ON;"
#define SQL_USER_VERSION_GET "PRAGMA user_version;"
#define SQL_BEGIN "BEGIN IMMEDIATE;"
#define SQL_COMMIT "COMMIT;"
#define SQL_ROLLBACK "ROLLBACK;"

/* ---- schema (migrate.c); each step runs in its own transaction ---- */

#define MIGRATE_V1                                                                                 \
    "CREATE TABLE alerts ("                                                                        \
    "  id            INTEGER PRIMARY KEY," /* the alert id (incident), signed view */              \
    "  seq           INTEGER NOT NULL,"    /* change number, new on every write */                 \
    "  rule_id       TEXT NOT NULL,"                                                               \
    "  title         TEXT NOT NULL,"                                                               \
    "  severity      INTEGER NOT NULL," /* enum mm_severity */                                     \
    "  count         INTEGER NOT NULL,"                                                            \
    "  first_seen_ns INTEGER NOT NULL,"                                                            \
    "  last_seen_ns  INTEGER NOT NULL,"                                                            \
    "  ts_ns         INTEGER NOT NULL,"                                                            \
    "  recv_ns       INTEGER NOT NULL,"                                                            \
    "  group_key     TEXT NOT NULL DEFAULT '',"                                                    \
    "  json          TEXT NOT NULL" /* the full alert JSON, evidence included */                   \
    ");"                                                                                           \
    "CREATE UNIQUE INDEX alerts_seq ON alerts(seq);"                                               \
    "CREATE INDEX alerts_last_seen ON alerts(last_seen_ns);"                                       \
    "CREATE INDEX alerts_severity ON alerts(severity, last_seen_ns);"                              \
    "CREATE TABLE outbox ("                                                                        \
    "  id          INTEGER PRIMARY KEY,"                                                           \
    "  alert_id    INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"                      \
    "  channel     TEXT NOT NULL,"                                                                 \
    "  state       TEXT NOT NULL DEFAULT 'pending'"                                                \
    "              CHECK (state IN ('pending', 'sent', 'failed')),"                                \
    "  attempts    INTEGER NOT NULL DEFAULT 0,"                                                    \
    "  next_try_ns INTEGER NOT NULL DEFAULT 0,"                                                    \
    "  last_error  TEXT,"                                                                          \
    "  created_ns  INTEGER NOT NULL,"                                                              \
    "  sent_ns     INTEGER,"                                                                       \
    "  UNIQUE (alert_id, channel)"                                                                 \
    ");"                                                                                           \
    "CREATE INDEX outbox_pending ON outbox(channel, id) WHERE state = 'pending';"                  \
    "CREATE TABLE sources ("                                                                       \
    "  source        TEXT PRIMARY KEY,"                                                            \
    "  hostname      TEXT NOT NULL DEFAULT '',"                                                    \
    "  parser        TEXT NOT NULL DEFAULT '',"                                                    \
    "  first_seen_ns INTEGER NOT NULL DEFAULT 0,"                                                  \
    "  last_seen_ns  INTEGER NOT NULL DEFAULT 0,"                                                  \
    "  received      INTEGER NOT NULL DEFAULT 0,"                                                  \
    "  parsed        INTEGER NOT NULL DEFAULT 0,"                                                  \
    "  unparsed      INTEGER NOT NULL DEFAULT 0,"                                                  \
    "  malformed     INTEGER NOT NULL DEFAULT 0"                                                   \
    ") WITHOUT ROWID;"                                                                             \
    "CREATE TABLE counters ("                                                                      \
    "  name       TEXT PRIMARY KEY,"                                                               \
    "  value      INTEGER NOT NULL,"                                                               \
    "  updated_ns INTEGER NOT NULL"                                                                \
    ") WITHOUT ROWID;"                                                                             \
    "CREATE TABLE meta ("                                                                          \
    "  key   TEXT PRIMARY KEY,"                                                                    \
    "  value TEXT"                                                                                 \
    ") WITHOUT ROWID;"                                                                             \
    "INSERT INTO meta(key, value) VALUES ('created', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));"

/*
 * Version 2: delivery of smtp/webhook channels (src/notify/sender.c).
 * delivery_key: the idempotency key the row went out with (Message-ID,
 * Idempotency-Key); batch_id: the digest the row belongs to (the smallest
 * outbox id of the digest; NULL = sent alone), so that a digest retried after
 * a crash is the same digest with the same key; response: what the endpoint
 * last answered, for `notify status`.
 */
#define MIGRATE_V2_NOTIFY                                                                          \
    "ALTER TABLE outbox ADD COLUMN delivery_key TEXT;"                                             \
    "ALTER TABLE outbox ADD COLUMN batch_id INTEGER;"                                              \
    "ALTER TABLE outbox ADD COLUMN response TEXT;"                                                 \
    "CREATE INDEX outbox_channel_state ON outbox(channel, state);"

/*
 * store/outbox.c: the notify sender's statements, on its own connection.
 * ?1 channel ?2 limit: pending rows, a formed digest's rows first and
 * together, then the others oldest first.
 */
#define SQL_SENDER_PENDING                                                                         \
    "SELECT o.id, o.alert_id, coalesce(o.batch_id, 0), o.attempts, a.json"                         \
    " FROM outbox o JOIN alerts a ON a.id = o.alert_id"                                            \
    " WHERE o.channel = ?1 AND o.state = 'pending'"                                                \
    " ORDER BY o.batch_id IS NULL, o.batch_id, o.id LIMIT ?2;"
/* ?1 id ?2 batch_id ?3 key */
#define SQL_SENDER_BATCH                                                                           \
    "UPDATE outbox SET batch_id = ?2, delivery_key = ?3 WHERE id = ?1 AND state = 'pending';"
/* ?1 id ?2 key ?3 response ?4 sent_ns */
#define SQL_SENDER_SENT                                                                            \
    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, delivery_key = ?2,"                \
    " response = ?3, last_error = NULL, sent_ns = ?4 WHERE id = ?1;"
/* ?1 id ?2 key ?3 error ?4 next_try_ns */
#define SQL_SENDER_RETRY                                                                           \
    "UPDATE outbox SET attempts = attempts + 1, delivery_key = ?2, last_error = ?3,"               \
    " response = ?3, next_try_ns = ?4 WHERE id = ?1;"
/* ?1 id ?2 key ?3 error */
#define SQL_SENDER_FAILED                                                                          \
    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, delivery_key = ?2,"              \
    " last_error = ?3, response = ?3 WHERE id = ?1;"
/* ?1 channel ?2 error ?3 next_try_ns: the channel is backing off; every pending row waits */
#define SQL_SENDER_WAITING                                                                         \
    "UPDATE outbox SET last_error = ?2, next_try_ns = ?3 WHERE channel = ?1 AND state = 'pending';"
/* ?1 channel */
#define SQL_SENDER_LAST_SENT                                                                       \
    "SELECT coalesce(max(sent_ns), 0) FROM outbox WHERE channel = ?1 AND state = 'sent';"
/* `notify status`: per channel and state; the latest error and next try of the pending */
#define SQL_OUTBOX_STATUS                                                                          \
    "SELECT channel, state, count(*), max(coalesce(sent_ns, 0)), max(next_try_ns),"                \
    " (SELECT last_error FROM outbox i WHERE i.channel = o.channel AND i.state = o.state"          \
    "   AND i.last_error IS NOT NULL ORDER BY i.id DESC LIMIT 1)"                                  \
    " FROM outbox o GROUP BY channel, state ORDER BY channel, state;"

/*
 * Version 3: correlation state (src/store/state.c, docs/database.md).  One
 * row per group of a correlation rule: the engine's key and blob are opaque
 * here (versioned by the engine).  Written by the writer thread in its own
 * transaction every minute (changed groups) and at shutdown; read once at
 * start.
 */
#define MIGRATE_V3_CORR                                                                            \
    "CREATE TABLE corr_state ("                                                                    \
    "  rule_id    TEXT NOT NULL,"                                                                  \
    "  key        BLOB NOT NULL,"                                                                  \
    "  blob       BLOB NOT NULL,"                                                                  \
    "  updated_ns INTEGER NOT NULL," /* newest event time of the group */                          \
    "  PRIMARY KEY (rule_id, key)"                                                                 \
    ") WITHOUT ROWID;"

/* state.c: ?1 rule_id ?2 key ?3 blob ?4 updated_ns */
#define SQL_CORR_UPSERT                                                                            \
    "INSERT INTO corr_state(rule_id, key, blob, updated_ns) VALUES (?1, ?2, ?3, ?4)"               \
    " ON CONFLICT(rule_id, key) DO UPDATE SET blob = excluded.blob,"                               \
    " updated_ns = excluded.updated_ns;"
/* ?1 rule_id ?2 key */
#define SQL_CORR_DELETE "DELETE FROM corr_state WHERE rule_id = ?1 AND key = ?2;"
#define SQL_CORR_CLEAR "DELETE FROM corr_state;"
/*
 * A full snapshot in several batches: the keys it wrote (a temporary table of
 * the writer's connection), then what it did not write goes.
 */
#define SQL_CORR_SNAP_BEGIN                                                                        \
    "CREATE TEMP TABLE IF NOT EXISTS corr_snap(rule_id TEXT NOT NULL, key BLOB NOT NULL,"          \
    " PRIMARY KEY (rule_id, key)) WITHOUT ROWID; DELETE FROM temp.corr_snap;"
/* ?1 rule_id ?2 key */
#define SQL_CORR_SNAP_KEY "INSERT OR IGNORE INTO temp.corr_snap(rule_id, key) VALUES (?1, ?2);"
#define SQL_CORR_SNAP_END                                                                          \
    "DELETE FROM corr_state WHERE NOT EXISTS (SELECT 1 FROM temp.corr_snap s"                      \
    " WHERE s.rule_id = corr_state.rule_id AND s.key = corr_state.key);"                           \
    " DELETE FROM temp.corr_snap;"
#define SQL_CORR_LOAD "SELECT rule_id, key, blob, updated_ns FROM corr_state;"

/*
 * Version 4: hourly roll-ups (src/store/rollup.c, docs/database.md "Roll-ups")
 * for the report, which reads only these and the alerts: no raw log scans.
 * hour_ns is the start of a UTC hour of event time.  Counts are added to by
 * upserts (the pipeline hands over deltas every minute), so a row may be
 * written many times; the per-hour caps of the aggregator keep the number of
 * distinct rows per hour bounded ("(other)" takes the rest).
 *  rollup_counts: events per (hour, source, event.category, type, outcome, action);
 *  rollup_top:    top talkers per hour: kind 'attacker' (external source of a
 *                 denied/IDS/failed-login event), 'blocked_host' (internal
 *                 source of a denied event), 'blocked_dest' (its destination:
 *                 domain, else address); country when known;
 *  rollup_login:  VPN ('vpn') and administration/server ('admin') sign-ins.
 * Keyed by hour first: report ranges and retention deletes are index ranges.
 */
#define MIGRATE_V4_ROLLUP                                                                          \
    "CREATE TABLE rollup_counts ("                                                                 \
    "  hour_ns  INTEGER NOT NULL,"                                                                 \
    "  source   TEXT NOT NULL,"                                                                    \
    "  category TEXT NOT NULL,"                                                                    \
    "  type     TEXT NOT NULL,"                                                                    \
    "  outcome  TEXT NOT NULL,"                                                                    \
    "  action   TEXT NOT NULL,"                                                                    \
    "  count    INTEGER NOT NULL,"                                                                 \
    "  PRIMARY KEY (hour_ns, source, category, type, outcome, action)"                             \
    ") WITHOUT ROWID;"                                                                             \
    "CREATE TABLE rollup_top ("                                                                    \
    "  hour_ns INTEGER NOT NULL,"                                                                  \
    "  kind    TEXT NOT NULL,"                                                                     \
    "  value   TEXT NOT NULL,"                                                                     \
    "  country TEXT NOT NULL DEFAULT '',"                                                          \
    "  count   INTEGER NOT NULL,"                                                                  \
    "  PRIMARY KEY (hour_ns, kind, value)"                                                         \
    ") WITHOUT ROWID;"                                                                             \
    "CREATE TABLE rollup_login ("                                                                  \
    "  hour_ns   INTEGER NOT NULL,"                                                                \
    "  kind      TEXT NOT NULL,"                                                                   \
    "  user      TEXT NOT NULL,"                                                                   \
    "  source_ip TEXT NOT NULL,"                                                                   \
    "  country   TEXT NOT NULL,"                                                                   \
    "  outcome   TEXT NOT NULL,"                                                                   \
    "  count     INTEGER NOT NULL,"                                                                \
    "  PRIMARY KEY (hour_ns, kind, user, source_ip, country, outcome)"                             \
    ") WITHOUT ROWID;"

/* rollup.c: ?1 hour ?2..?6 source category type outcome action ?7 count */
#define SQL_ROLLUP_COUNTS_ADD                                                                      \
    "INSERT INTO rollup_counts(hour_ns, source, category, type, outcome, action, count)"           \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"                                                         \
    " ON CONFLICT DO UPDATE SET count = count + excluded.count;"
/* ?1 hour ?2 kind ?3 value ?4 country ?5 count; a known country is kept */
#define SQL_ROLLUP_TOP_ADD                                                                         \
    "INSERT INTO rollup_top(hour_ns, kind, value, country, count) VALUES (?1, ?2, ?3, ?4, ?5)"     \
    " ON CONFLICT DO UPDATE SET count = count + excluded.count,"                                   \
    "  country = CASE WHEN excluded.country <> '' THEN excluded.country ELSE country END;"
/* ?1 hour ?2 kind ?3 user ?4 source_ip ?5 country ?6 outcome ?7 count */
#define SQL_ROLLUP_LOGIN_ADD                                                                       \
    "INSERT INTO rollup_login(hour_ns, kind, user, source_ip, country, outcome, count)"             \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"                                                         \
    " ON CONFLICT DO UPDATE SET count = count + excluded.count;"

/*
 * Retention (rollup.c, run by the writer once an hour): small batches, each
 * in its own transaction.  ?1 cutoff ns.  Alerts by last_seen (index
 * alerts_last_seen); their outbox rows go with them (ON DELETE CASCADE).
 * Roll-ups a day of hours at a time (at most a few thousand rows).
 */
#define SQL_PRUNE_ALERTS                                                                           \
    "DELETE FROM alerts WHERE id IN"                                                               \
    " (SELECT id FROM alerts WHERE last_seen_ns < ?1 ORDER BY last_seen_ns LIMIT 500);"
#define SQL_PRUNE_ROLLUP_COUNTS                                                                    \
    "DELETE FROM rollup_counts WHERE hour_ns < ?1 AND hour_ns <"                                   \
    " (SELECT min(hour_ns) FROM rollup_counts) + 86400000000000;"
#define SQL_PRUNE_ROLLUP_TOP                                                                       \
    "DELETE FROM rollup_top WHERE hour_ns < ?1 AND hour_ns <"                                      \
    " (SELECT min(hour_ns) FROM rollup_top) + 86400000000000;"
#define SQL_PRUNE_ROLLUP_LOGIN                                                                     \
    "DELETE FROM rollup_login WHERE hour_ns < ?1 AND hour_ns <"                                    \
    " (SELECT min(hour_ns) FROM rollup_login) + 86400000000000;"

/*
 * The report's reads (report.c through mm_store_report_rows), ?1 since ?2
 * until (ns, [since, until)).  Aggregated in SQL over the hour ranges of the
 * primary keys; the CLI folds hours into days in the configured zone.
 */
/* per hour and source: events, denied, allowed */
#define SQL_REPORT_HOURS                                                                           \
    "SELECT hour_ns, source, sum(count),"                                                          \
    "       sum(CASE WHEN type = 'denied' THEN count ELSE 0 END),"                                 \
    "       sum(CASE WHEN type = 'allowed' THEN count ELSE 0 END)"                                 \
    "  FROM rollup_counts WHERE hour_ns >= ?1 AND hour_ns < ?2"                                    \
    " GROUP BY hour_ns, source ORDER BY hour_ns, source;"
/*
 * the 10 biggest of each kind: kind, value, country, events, hours seen, and
 * the kind's distinct values (one sort serves both: the report's slowest read)
 */
#define SQL_REPORT_TOP                                                                             \
    "SELECT kind, value, country, n, hours, nkind FROM ("                                          \
    "  SELECT kind, value, max(country) AS country, sum(count) AS n, count(*) AS hours,"           \
    "         row_number() OVER (PARTITION BY kind ORDER BY sum(count) DESC, value) AS r,"         \
    "         count(*) OVER (PARTITION BY kind) AS nkind"                                          \
    "    FROM rollup_top WHERE hour_ns >= ?1 AND hour_ns < ?2 GROUP BY kind, value)"               \
    " WHERE r <= 10 ORDER BY kind, n DESC, value;"
/* attackers per country ('' = unknown): country, events, addresses */
#define SQL_REPORT_COUNTRIES                                                                       \
    "SELECT country, sum(count), count(DISTINCT value) FROM rollup_top"                            \
    " WHERE hour_ns >= ?1 AND hour_ns < ?2 AND kind = 'attacker'"                                  \
    " GROUP BY country ORDER BY 2 DESC, 1 LIMIT 10;"
/* distinct attacking addresses, blocked hosts, ...: kind, distinct values, events */
#define SQL_REPORT_TOP_TOTALS                                                                      \
    "SELECT kind, count(DISTINCT value), sum(count) FROM rollup_top"                               \
    " WHERE hour_ns >= ?1 AND hour_ns < ?2 GROUP BY kind;"
/*
 * sign-ins: kind, user, from (the address of a success; '' for failures, which
 * are grouped per user), country, outcome, count, first hour, last hour,
 * distinct addresses, one of the addresses
 */
#define SQL_REPORT_LOGINS                                                                          \
    "SELECT kind, user, CASE WHEN outcome = 'success' THEN source_ip ELSE '' END AS ip,"           \
    "       max(country), outcome, sum(count), min(hour_ns), max(hour_ns),"                        \
    "       count(DISTINCT source_ip), max(source_ip)"                                             \
    "  FROM rollup_login WHERE hour_ns >= ?1 AND hour_ns < ?2"                                     \
    " GROUP BY kind, user, ip, outcome"                                                            \
    " ORDER BY kind DESC, outcome = 'success', sum(count) DESC, user LIMIT 400;"
/* incidents overlapping the period: rule, title, severity, count, first, last, group, what to do */
#define SQL_REPORT_ALERTS                                                                          \
    "SELECT rule_id, title, severity, count, first_seen_ns, last_seen_ns, group_key,"              \
    "       coalesce(json_extract(json, '$.rule.description'), '')"                                \
    "  FROM alerts WHERE last_seen_ns >= ?1 AND first_seen_ns < ?2;"
/* sources with their names: source, hostname, first, last */
#define SQL_REPORT_SOURCES                                                                         \
    "SELECT source, hostname, first_seen_ns, last_seen_ns FROM sources ORDER BY source;"

/* ---- prepared statements (enum mm_store_stmt) ---- */

/* writer.c */
#define SQL_SEQ_MAX "SELECT coalesce(max(seq), 0) FROM alerts;"

/*
 * ?1 id ?2 seq ?3 rule_id ?4 title ?5 severity ?6 count ?7 first_seen ?8
 * last_seen ?9 ts ?10 recv ?11 group_key ?12 json.  An update keeps the
 * row's identity (rule, group) and takes the new state; first_seen only
 * moves earlier (an event older than the first, or a correlation's earlier
 * events), as the JSON's does, whether or not the two versions were folded
 * in one batch.
 */
#define SQL_ALERT_UPSERT                                                                           \
    "INSERT INTO alerts(id, seq, rule_id, title, severity, count, first_seen_ns, last_seen_ns,"    \
    "                   ts_ns, recv_ns, group_key, json)"                                          \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"                                  \
    " ON CONFLICT(id) DO UPDATE SET"                                                               \
    "  seq = excluded.seq, severity = excluded.severity, count = excluded.count,"                  \
    "  first_seen_ns = min(first_seen_ns, excluded.first_seen_ns),"                                \
    "  last_seen_ns = excluded.last_seen_ns, ts_ns = excluded.ts_ns,"                              \
    "  recv_ns = excluded.recv_ns, json = excluded.json;"

/* ?1 id: the stored JSON a delta update is merged into */
#define SQL_ALERT_JSON "SELECT json FROM alerts WHERE id = ?1;"

/* ?1 alert_id ?2 channel ?3 created_ns; a repeat (restart, replay) is ignored */
#define SQL_OUTBOX_ADD                                                                             \
    "INSERT OR IGNORE INTO outbox(alert_id, channel, created_ns) VALUES (?1, ?2, ?3);"

/* ?1 source ?2 hostname ?3 parser ?4 first ?5 last ?6..?9 received parsed unparsed malformed */
#define SQL_SOURCE_UPSERT                                                                          \
    "INSERT INTO sources(source, hostname, parser, first_seen_ns, last_seen_ns,"                   \
    "                    received, parsed, unparsed, malformed)"                                   \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"                                                 \
    " ON CONFLICT(source) DO UPDATE SET"                                                           \
    "  hostname = CASE WHEN excluded.hostname <> '' THEN excluded.hostname ELSE hostname END,"     \
    "  parser = CASE WHEN excluded.parser <> '' THEN excluded.parser ELSE parser END,"             \
    "  first_seen_ns = CASE WHEN excluded.first_seen_ns > 0 AND"                                   \
    "    (first_seen_ns = 0 OR excluded.first_seen_ns < first_seen_ns)"                            \
    "    THEN excluded.first_seen_ns ELSE first_seen_ns END,"                                      \
    "  last_seen_ns = max(last_seen_ns, excluded.last_seen_ns),"                                   \
    "  received = received + excluded.received, parsed = parsed + excluded.parsed,"                \
    "  unparsed = unparsed + excluded.unparsed, malformed = malformed + excluded.malformed;"

/* ?1 name ?2 value ?3 updated_ns */
#define SQL_COUNTER_SET                                                                            \
    "INSERT OR REPLACE INTO counters(name, value, updated_ns) VALUES (?1, ?2, ?3);"

/* notify/file.c: ?1 channel ?2 limit; oldest first */
#define SQL_OUTBOX_PENDING                                                                         \
    "SELECT o.id, a.json FROM outbox o JOIN alerts a ON a.id = o.alert_id"                         \
    " WHERE o.channel = ?1 AND o.state = 'pending' ORDER BY o.id LIMIT ?2;"

/*
 * ?1 channel ?2 last outbox id of the round ?3 sent_ns.  A round is every
 * pending row of the channel up to its last id (read in id order by the one
 * thread that writes), so one range update marks exactly the round.
 */
#define SQL_OUTBOX_SENT                                                                            \
    "UPDATE outbox SET state = 'sent', sent_ns = ?3, attempts = attempts + 1, last_error = NULL"   \
    " WHERE channel = ?1 AND state = 'pending' AND id <= ?2;"

/* ?1 channel ?2 error text ?3 next_try_ns: one failed attempt for every pending row */
#define SQL_OUTBOX_FAILED                                                                          \
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_try_ns = ?3"                 \
    " WHERE channel = ?1 AND state = 'pending';"

/*
 * query.c: ?1 since ?2 min severity ?3 after seq ?4 limit (-1: none) ?5 until (0: none); newest
 * `limit`, oldest first.  since/until select the incidents that overlap [since, until).
 */
#define SQL_ALERTS_QUERY                                                                           \
    "SELECT seq, id, rule_id, title, severity, count, first_seen_ns, last_seen_ns, ts_ns,"         \
    "       recv_ns, group_key, json FROM ("                                                       \
    "  SELECT * FROM alerts WHERE last_seen_ns >= ?1 AND severity >= ?2 AND seq > ?3"              \
    "    AND (?5 = 0 OR first_seen_ns < ?5)"                                                       \
    "  ORDER BY seq DESC LIMIT ?4"                                                                 \
    ") ORDER BY seq ASC;"

#define SQL_SOURCES_QUERY                                                                          \
    "SELECT source, hostname, parser, first_seen_ns, last_seen_ns, received, parsed, unparsed,"    \
    "       malformed FROM sources ORDER BY source;"

#define SQL_COUNTERS_QUERY "SELECT name, value, updated_ns FROM counters;"

/* ---- meta.c (prepared per call: the CLI runs them once) ---- */

/* ?1 key ?2 value */
#define SQL_META_SET "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2);"
/* ?1 key */
#define SQL_META_GET "SELECT value FROM meta WHERE key = ?1;"
/* per channel: pending, sent, failed, oldest pending, last sent, newest error */
#define SQL_OUTBOX_SUMMARY                                                                         \
    "SELECT channel, sum(state = 'pending'), sum(state = 'sent'), sum(state = 'failed'),"         \
    "       coalesce(min(CASE WHEN state = 'pending' THEN created_ns END), 0),"                    \
    "       coalesce(max(sent_ns), 0),"                                                            \
    "       (SELECT o2.last_error FROM outbox o2 WHERE o2.channel = o.channel"                    \
    "          AND o2.last_error IS NOT NULL ORDER BY o2.id DESC LIMIT 1)"                        \
    "  FROM outbox o GROUP BY channel ORDER BY channel;"

#endif
