/* SPDX-License-Identifier: Apache-2.0 */
/* Durations in days, hours and minutes, by the one rounding rule of when.h. */
#include <stdio.h>

#include "ar_limits.h"
#include "when.h"

#define MINUTE 60ULL
#define HOUR   3600ULL
#define DAY    86400ULL

/* |s| without overflow at LLONG_MIN. */
static unsigned long long magnitude(long long s)
{
	return s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s;
}

/* n rounded to the nearest multiple of unit, half up, counted in units. */
static unsigned long long nearest(unsigned long long n, unsigned long long unit)
{
	return n / unit + (n % unit >= (unit + 1) / 2 ? 1 : 0);
}

/* "N BIG[ M SMALL]": the smaller part left out when it is 0. */
static void two_parts(char *out, size_t cap, unsigned long long big, const char *big_name,
		      unsigned long long small, const char *small_name)
{
	int n = snprintf(out, cap, "%llu %s%s", big, big_name, big == 1 ? "" : "s");

	if (small && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " %llu %s%s", small, small_name,
			 small == 1 ? "" : "s");
}

static const char *span_of(unsigned long long a, char out[AR_SPAN_CHARS + 1])
{
	unsigned long long m, h;

	if (a < MINUTE) {
		snprintf(out, AR_SPAN_CHARS + 1, "less than a minute");
		return out;
	}
	/* each unit is chosen after rounding: 59 min 40 s is "1 hour", not "60 minutes" */
	m = nearest(a, MINUTE);
	if (m < HOUR / MINUTE) {
		two_parts(out, AR_SPAN_CHARS + 1, m, "minute", 0, "");
		return out;
	}
	if (m < DAY / MINUTE) {
		two_parts(out, AR_SPAN_CHARS + 1, m / 60, "hour", m % 60, "minute");
		return out;
	}
	h = nearest(a, HOUR);
	if (h < AR_SPAN_DAYS_ALONE * 24ULL) {
		two_parts(out, AR_SPAN_CHARS + 1, h / 24, "day", h % 24, "hour");
		return out;
	}
	two_parts(out, AR_SPAN_CHARS + 1, nearest(a, DAY), "day", 0, "");
	return out;
}

const char *ar_format_span(long long seconds, char out[AR_SPAN_CHARS + 1])
{
	return span_of(magnitude(seconds), out);
}

long long ar_span_days(long long seconds)
{
	unsigned long long d = nearest(magnitude(seconds), DAY);

	/* at most 2^64 / 86400 days: always within a long long */
	return seconds < 0 ? -(long long)d : (long long)d;
}

const char *ar_format_when(long long t, long long now, char out[AR_WHEN_CHARS + 1])
{
	char when[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];

	ar_format_time(t, when);
	/* in unsigned arithmetic: t - now of a damaged state file must not overflow */
	span_of(t >= now ? (unsigned long long)t - (unsigned long long)now
			 : (unsigned long long)now - (unsigned long long)t, span);
	if (t >= now)
		snprintf(out, AR_WHEN_CHARS + 1, "%s (in %s)", when, span);
	else
		snprintf(out, AR_WHEN_CHARS + 1, "%s (%s ago)", when, span);
	return out;
}
