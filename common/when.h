/* SPDX-License-Identifier: Apache-2.0 */
/* Times and durations as an operator reads them, on both sides of the gap: one rule, so
 * the issuer's "valid 365 days" and the stamp's "365 days left" agree for the same key.
 * The rule (docs/spec.md, "Times"): a duration is rounded to the nearest unit of the
 * smallest part shown, half up, and the parts are chosen after rounding:
 *   under 1 minute         "less than a minute"
 *   under 1 hour           "N minutes"
 *   under 1 day            "N hours[ M minutes]"
 *   under 10 days          "N days[ M hours]"
 *   10 days and more       "N days"
 * A key issued for 365 days (exp - iat = 365 x 86400 s) shows "365 days" until half a day
 * has gone by, then "364 days". */
#ifndef AIRREG_WHEN_H
#define AIRREG_WHEN_H

#include "codec.h"

/* "2 days 23 hours" and the longest counts fit; see ar_format_span. */
#define AR_SPAN_CHARS 48
/* A time with its distance from now: "2027-12-01T20:04:05Z (in 365 days)". */
#define AR_WHEN_CHARS (AR_TIME_CHARS + AR_SPAN_CHARS + 12)

/* The length of a duration of |seconds| by the rule above (the sign is the caller's to
 * say: "in ...", "... ago"). Returns out (AR_SPAN_CHARS + 1 bytes). */
const char *ar_format_span(long long seconds, char out[AR_SPAN_CHARS + 1]);
/* Whole days in a duration, by the same rounding as "N days" (nearest, half up; the sign
 * kept): what "days left" counts. */
long long ar_span_days(long long seconds);
/* t in ISO 8601 UTC and how far from now: "T (in SPAN)", "T (SPAN ago)". Returns out. */
const char *ar_format_when(long long t, long long now, char out[AR_WHEN_CHARS + 1]);
#endif
