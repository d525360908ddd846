/*
 * report_period.c - the pure parts of `mimamori report`: labels in English
 * and Japanese, weeks and days in the configured time zone (local midnights
 * through src/core/tz.c, so a DST day has 23 or 25 hours), and numbers.
 */
#include "cli/report.h"

#include <stdio.h>
#include <string.h>

#include "mimamori/tz.h"

#define DAY_NS 86400000000000LL

static const char *const en[L__COUNT] = {
    [L_TITLE_WEEK] = "Weekly security report",
    [L_TITLE] = "Security report",
    [L_PERIOD] = "Period",
    [L_GENERATED] = "Generated",
    [L_SUMMARY] = "This period at a glance",
    [L_EVENTS] = "Log events",
    [L_ALLOWED] = "Allowed",
    [L_DENIED] = "Denied",
    [L_OTHER] = "Other",
    [L_ALERTS] = "Alerts",
    [L_HIGH_ALERTS] = "High and critical alerts",
    [L_ATTACKERS] = "Attacking addresses",
    [L_BLOCKED_HOSTS] = "Office devices blocked",
    [L_VPN_FAILURES] = "Failed VPN sign-ins",
    [L_THIS] = "This period",
    [L_PREVIOUS] = "Previous period",
    [L_CHANGE] = "Change",
    [L_PER_DAY] = "Events per day: allowed and denied",
    [L_PER_DEVICE] = "Events per day and device",
    [L_DEVICE] = "Device",
    [L_TOTAL] = "Total",
    [L_DAY] = "Day",
    [L_BY_SEVERITY] = "Alerts by severity",
    [L_BY_RULE] = "Alerts by rule",
    [L_RULE] = "Rule",
    [L_SEVERITY] = "Severity",
    [L_INCIDENTS] = "Incidents",
    [L_EVENTS_COL] = "Events",
    [L_INCIDENTS_H] = "Incidents and what to do",
    [L_WHO] = "Who",
    [L_WHEN] = "When",
    [L_TODO] = "What to do",
    [L_TOP_ATTACKERS] = "Top attacking addresses",
    [L_ADDRESS] = "Address",
    [L_COUNTRY] = "Country",
    [L_COUNTRIES] = "Attacks by country",
    [L_UNKNOWN] = "unknown",
    [L_BLOCKED_HOSTS_H] = "Office devices that were blocked",
    [L_BLOCKED_DESTS_H] = "Blocked destinations",
    [L_DESTINATION] = "Destination",
    [L_VPN_H] = "VPN sign-ins",
    [L_ADMIN_H] = "Administrator and server sign-ins",
    [L_USER] = "User",
    [L_FROM] = "From",
    [L_RESULT] = "Result",
    [L_SUCCESS] = "succeeded",
    [L_FAILURE] = "failed",
    [L_TIMES] = "Times",
    [L_SOURCES_H] = "Log sources and silent periods",
    [L_FIRST_HEARD] = "First heard",
    [L_LAST_HEARD] = "Last heard",
    [L_GAPS] = "Silent periods",
    [L_NONE] = "none",
    [L_NO_ALERTS] = "No alerts in this period.",
    [L_NO_DATA] = "Nothing in this period.",
    [L_NO_ROLLUPS] = "No log statistics for this period: was mimamori running then, or was the "
                     "history imported (mimamori import)?",
    [L_FOOTER] = "Made by mimamori from its hourly statistics and alerts. Times are in",
    [L_ADDRESSES] = "Addresses",
    [L_HOURS] = "h",
    [L_MORE_INCIDENTS] = "more incidents of lower severity are counted in the tables above",
    [L_SILENT_NOW] = "silent at the end of the period",
    [L_SEV_INFO] = "info",
    [L_SEV_LOW] = "low",
    [L_SEV_MEDIUM] = "medium",
    [L_SEV_HIGH] = "high",
    [L_SEV_CRITICAL] = "critical",
    [L_INTRO_OK] = "Nothing serious happened: no high or critical alerts.",

};

static const char *const ja[L__COUNT] = {
    [L_TITLE_WEEK] = "週次セキュリティレポート",
    [L_TITLE] = "セキュリティレポート",
    [L_PERIOD] = "期間",
    [L_GENERATED] = "作成日時",
    [L_SUMMARY] = "この期間の概要",
    [L_EVENTS] = "ログ件数",
    [L_ALLOWED] = "許可",
    [L_DENIED] = "拒否",
    [L_OTHER] = "その他",
    [L_ALERTS] = "アラート",
    [L_HIGH_ALERTS] = "重要度「高」以上のアラート",
    [L_ATTACKERS] = "攻撃元アドレス数",
    [L_BLOCKED_HOSTS] = "遮断された社内機器",
    [L_VPN_FAILURES] = "VPNログイン失敗",
    [L_THIS] = "今期間",
    [L_PREVIOUS] = "前期間",
    [L_CHANGE] = "増減",
    [L_PER_DAY] = "日別ログ件数（許可・拒否）",
    [L_PER_DEVICE] = "機器別・日別ログ件数",
    [L_DEVICE] = "機器",
    [L_TOTAL] = "合計",
    [L_DAY] = "日付",
    [L_BY_SEVERITY] = "重要度別アラート",
    [L_BY_RULE] = "ルール別アラート",
    [L_RULE] = "ルール",
    [L_SEVERITY] = "重要度",
    [L_INCIDENTS] = "インシデント数",
    [L_EVENTS_COL] = "イベント数",
    [L_INCIDENTS_H] = "インシデントと対処方法",
    [L_WHO] = "対象",
    [L_WHEN] = "日時",
    [L_TODO] = "対処方法",
    [L_TOP_ATTACKERS] = "攻撃元アドレス上位",
    [L_ADDRESS] = "アドレス",
    [L_COUNTRY] = "国",
    [L_COUNTRIES] = "国別の攻撃",
    [L_UNKNOWN] = "不明",
    [L_BLOCKED_HOSTS_H] = "通信を遮断された社内機器",
    [L_BLOCKED_DESTS_H] = "遮断された宛先",
    [L_DESTINATION] = "宛先",
    [L_VPN_H] = "VPNログイン",
    [L_ADMIN_H] = "管理者・サーバーへのログイン",
    [L_USER] = "ユーザー",
    [L_FROM] = "接続元",
    [L_RESULT] = "結果",
    [L_SUCCESS] = "成功",
    [L_FAILURE] = "失敗",
    [L_TIMES] = "回数",
    [L_SOURCES_H] = "ログ送信元と無通信の時間帯",
    [L_FIRST_HEARD] = "初回受信",
    [L_LAST_HEARD] = "最終受信",
    [L_GAPS] = "無通信の時間帯",
    [L_NONE] = "なし",
    [L_NO_ALERTS] = "この期間のアラートはありません。",
    [L_NO_DATA] = "この期間のデータはありません。",
    [L_NO_ROLLUPS] = "この期間のログ統計がありません。mimamori は稼働していましたか？"
                     "過去のログは mimamori import で取り込めます。",
    [L_FOOTER] = "mimamori が毎時の統計とアラートから作成しました。時刻のタイムゾーン:",
    [L_ADDRESSES] = "アドレス",
    [L_HOURS] = "時間",
    [L_MORE_INCIDENTS] = "件の重要度の低いインシデントは上の表に含まれています",
    [L_SILENT_NOW] = "期間の終わりに無通信",
    [L_SEV_INFO] = "情報",
    [L_SEV_LOW] = "低",
    [L_SEV_MEDIUM] = "中",
    [L_SEV_HIGH] = "高",
    [L_SEV_CRITICAL] = "重大",
    [L_INTRO_OK] = "重大な問題はありませんでした（重要度「高」以上のアラートなし）。",

};

const char *mm_rp_label(int j, enum rp_label l)
{
    if ((unsigned)l >= L__COUNT) {
        return "";
    }
    const char *s = j ? ja[l] : en[l];
    return s != NULL ? s : en[l] != NULL ? en[l] : "";
}

const char *mm_rp_severity(int j, int sev)
{
    static const enum rp_label l[5] = {L_SEV_INFO, L_SEV_LOW, L_SEV_MEDIUM, L_SEV_HIGH,
                                       L_SEV_CRITICAL};
    return mm_rp_label(j, l[sev >= 0 && sev <= 4 ? sev : 0]);
}

const char *mm_rp_weekday(int j, int wday)
{
    static const char *const e[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const k[7] = {"日", "月", "火", "水", "木", "金", "土"};
    wday = ((wday % 7) + 7) % 7;
    return j ? k[wday] : e[wday];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int mm_rp_wday(int year, int mon, int mday)
{
    int64_t z = days_from_civil(year, mon, mday);
    return (int)(((z % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

/* Local midnight of the day `days` (since 1970-01-01) in tz. */
static int64_t midnight(const struct mm_tz *tz, int64_t days)
{
    struct mm_civil c;
    memset(&c, 0, sizeof(c));
    civil_from_days(days, &c.year, &c.mon, &c.mday);
    return mm_tz_to_utc(tz, &c);
}

static int64_t local_day(const struct mm_tz *tz, int64_t t)
{
    struct mm_civil c;
    mm_tz_from_utc(tz, t, &c);
    return days_from_civil(c.year, c.mon, c.mday);
}

void mm_rp_week(const struct mm_tz *tz, int64_t now, int offset, int64_t *since, int64_t *until)
{
    int64_t today = local_day(tz, now);
    int wday = (int)(((today % 7) + 11) % 7);
    int64_t monday = today - (wday + 6) % 7 + 7 * (int64_t)offset;
    *since = midnight(tz, monday);
    *until = midnight(tz, monday + 7);
}

size_t mm_rp_buckets(const struct mm_tz *tz, int64_t since, int64_t until, int j,
                     struct rp_bucket *out, size_t max)
{
    size_t n = 0;
    if (until <= since) {
        return 0;
    }
    int months = until - since > 62 * DAY_NS;
    int64_t day = local_day(tz, since);
    while (n < max) {
        struct rp_bucket *b = &out[n];
        int64_t next;
        civil_from_days(day, &b->year, &b->mon, &b->mday);
        if (months) {
            int y = b->year, m = b->mon + 1;
            if (m > 12) {
                m = 1;
                y++;
            }
            next = days_from_civil(y, m, 1);
            b->start = midnight(tz, days_from_civil(b->year, b->mon, 1));
            snprintf(b->label, sizeof(b->label), "%04d-%02d", b->year, b->mon);
        } else {
            next = day + 1;
            b->start = midnight(tz, day);
            if (j) {
                snprintf(b->label, sizeof(b->label), "%02d/%02d (%s)", b->mon, b->mday,
                         mm_rp_weekday(1, mm_rp_wday(b->year, b->mon, b->mday)));
            } else {
                snprintf(b->label, sizeof(b->label), "%02d-%02d %s", b->mon, b->mday,
                         mm_rp_weekday(0, mm_rp_wday(b->year, b->mon, b->mday)));
            }
        }
        b->wday = mm_rp_wday(b->year, b->mon, b->mday);
        b->start = b->start < since ? since : b->start;
        b->end = midnight(tz, next);
        b->end = b->end > until ? until : b->end;
        if (b->end > b->start) {
            n++;
        }
        if (b->end >= until) {
            break;
        }
        day = next;
    }
    return n;
}

int mm_rp_bucket_of(const struct rp_bucket *b, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t < b[mid].start) {
            hi = mid;
        } else if (t >= b[mid].end) {
            lo = mid + 1;
        } else {
            return (int)mid;
        }
    }
    return -1;
}

void mm_rp_count(uint64_t v, char *dst, size_t cap)
{
    char raw[24], out[28]; /* 20 digits and 6 commas: fits any caller's 32 bytes */
    int n = snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            out[o++] = ',';
        }
        out[o++] = raw[i];
    }
    out[o] = '\0';
    snprintf(dst, cap, "%s", out);
}

void mm_rp_change(uint64_t cur, uint64_t prev, int j, char *dst, size_t cap, int *dir)
{
    char num[32];
    if (cur == prev) {
        *dir = 0;
        snprintf(dst, cap, "\xe2\x86\x92 0"); /* → */
        return;
    }
    uint64_t d = cur > prev ? cur - prev : prev - cur;
    *dir = cur > prev ? 1 : -1;
    mm_rp_count(d, num, sizeof(num));
    const char *arrow = cur > prev ? "\xe2\x96\xb2" : "\xe2\x96\xbc"; /* ▲ ▼ */
    if (prev == 0) {
        snprintf(dst, cap, "%s %s (%s)", arrow, num, j ? "新規" : "new");
        return;
    }
    /* percent of the previous value, rounded half away from zero */
    uint64_t pct = (d * 200 / prev + 1) / 2;
    if (pct == 0) {
        snprintf(dst, cap, "%s %s (%s<1%%)", arrow, num, cur > prev ? "+" : "-");
    } else {
        snprintf(dst, cap, "%s %s (%s%llu%%)", arrow, num, cur > prev ? "+" : "-",
                 (unsigned long long)pct);
    }
}

void mm_rp_time(const struct mm_tz *tz, int j, int64_t ns, char *dst, size_t cap)
{
    struct mm_civil c;
    if (ns == 0) {
        snprintf(dst, cap, "-");
        return;
    }
    mm_tz_from_utc(tz, ns, &c);
    int wd = mm_rp_wday(c.year, c.mon, c.mday);
    if (j) {
        snprintf(dst, cap, "%02d/%02d(%s) %02d:%02d", c.mon, c.mday, mm_rp_weekday(1, wd), c.hour,
                 c.min);
    } else {
        snprintf(dst, cap, "%s %02d-%02d %02d:%02d", mm_rp_weekday(0, wd), c.mon, c.mday, c.hour,
                 c.min);
    }
}

void mm_rp_intro(int j, uint64_t high, char *dst, size_t cap)
{
    char n[32];
    if (high == 0) {
        snprintf(dst, cap, "%s", mm_rp_label(j, L_INTRO_OK));
        return;
    }
    mm_rp_count(high, n, sizeof(n));
    if (j) {
        snprintf(dst, cap,
                 "重要度「高」以上のアラートが %s 件ありました。"
                 "「インシデントと対処方法」をご覧ください。",
                 n);
    } else {
        snprintf(dst, cap,
                 "%s high or critical alert%s need%s attention: see \"Incidents and what to do\".",
                 n, high == 1 ? "" : "s", high == 1 ? "s" : "");
    }
}

void mm_rp_from(const struct rp_login *l, int j, char *dst, size_t cap)
{
    if (l->ip[0] != '\0' && l->addresses <= 1) {
        snprintf(dst, cap, "%s", l->ip);
    } else if (l->addresses > 1) {
        snprintf(dst, cap, j ? "%llu 件のアドレス" : "%llu addresses",
                 (unsigned long long)l->addresses);
    } else {
        snprintf(dst, cap, "-");
    }
}
