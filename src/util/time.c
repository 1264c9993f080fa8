/* time.c — timestamps for records and reports, always UTC. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "khien/util.h"

void
kh_time_iso8601(time_t t, char *out, size_t out_size)
{
	struct tm tm;

	if (out_size == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, out_size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

static bool
is_leap(long year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

enum kh_err
kh_time_parse_date(const char *s, time_t *out)
{
	static const int month_days[] = { 31, 28, 31, 30, 31, 30,
		                          31, 31, 30, 31, 30, 31 };
	struct tm tm;
	int year, month, day;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return KH_EFORMAT;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return KH_EFORMAT;
	year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	month = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	if (month < 1 || month > 12 || day < 1)
		return KH_EFORMAT;
	if (day > month_days[month - 1] + (month == 2 && is_leap(year)))
		return KH_EFORMAT;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	*out = timegm(&tm);
	return KH_OK;
}

uint64_t
kh_time_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
