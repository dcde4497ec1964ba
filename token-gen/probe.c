/* SPDX-License-Identifier: Apache-2.0 */
#include "probe.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ar_limits.h"
#include "capture.h"
#include "codec.h"
#include "commands.h"
#include "host.h"
#include "placeholder.h"
#include "sources.h"

typedef struct {
	const char *key;   /* host record field */
	const char *flag;  /* operator's flag */
	const char *label; /* for people */
	int is_count, mandatory;
} field_def;

static const field_def fields[PF_COUNT] = {
	[PF_UUID] = { AR_HOST_UUID, "--system-uuid", "system UUID", 0, 1 },
	[PF_MANUFACTURER] = { AR_HOST_MANUFACTURER, "--system-manufacturer", "system manufacturer",
			      0, 0 },
	[PF_PRODUCT] = { AR_HOST_PRODUCT, "--system-product", "system product", 0, 0 },
	[PF_SERIAL] = { AR_HOST_SERIAL, "--system-serial", "system serial", 0, 0 },
	[PF_BOARD_SERIAL] = { AR_HOST_BOARD_SERIAL, "--board-serial", "board serial", 0, 0 },
	[PF_BIOS_VENDOR] = { AR_HOST_BIOS_VENDOR, "--bios-vendor", "BIOS vendor", 0, 1 },
	[PF_BIOS_VERSION] = { AR_HOST_BIOS_VERSION, "--bios-version", "BIOS version", 0, 1 },
	[PF_BIOS_DATE] = { AR_HOST_BIOS_DATE, "--bios-date", "BIOS date", 0, 0 },
	[PF_CPU_MODEL] = { AR_HOST_CPU_MODEL, "--cpu-model", "CPU model", 0, 1 },
	[PF_CPU_SOCKETS] = { AR_HOST_CPU_SOCKETS, "--cpu-sockets", "CPU sockets", 1, 0 },
	[PF_CPU_CORES] = { AR_HOST_CPU_CORES, "--cpu-cores", "CPU cores", 1, 0 },
	[PF_CPU_THREADS] = { AR_HOST_CPU_THREADS, "--cpu-threads", "CPU threads", 1, 0 },
	[PF_MEMORY] = { AR_HOST_MEMORY_MIB, "--memory-mib", "memory", 1, 0 },
};

/* What the record will hold, field by field. */
typedef struct {
	char *value[PF_COUNT];
	int by_operator[PF_COUNT];
	char why[PF_COUNT][300];   /* why a value is missing */
	const char *uuid_source;
} findings;

/* Takes the first value that is there; the others are freed. */
static void offer(findings *f, enum probe_field field, char *value)
{
	if (value && !f->value[field])
		f->value[field] = value;
	else
		free(value);
}

static char *count_text(long long n)
{
	char buf[32];

	if (n <= 0)
		return NULL;
	snprintf(buf, sizeof buf, "%lld", n);
	return strdup(buf);
}

static void choose_uuid(findings *f, const sources *src, const char *host, const char *program)
{
	const smbios_info *s = &src->smbios;
	const char *reason;
	char uuid[37];

	if (f->value[PF_UUID])
		return;
	if (!src->have_smbios) {
		if (src->dmi_id[PF_UUID] && ar_uuid_normalize(src->dmi_id[PF_UUID], uuid) == 0 &&
		    !hw_uuid_placeholder_reason(uuid)) {
			f->value[PF_UUID] = strdup(uuid);
			f->uuid_source = AR_SOURCE_SYSFS;
		} else {
			snprintf(f->why[PF_UUID], sizeof f->why[PF_UUID],
				 "no SMBIOS tables (%s) and no usable /sys/class/dmi/id/product_uuid",
				 src->smbios_problem);
		}
		return;
	}
	if (!s->have_uuid) {
		snprintf(f->why[PF_UUID], sizeof f->why[PF_UUID], "SMBIOS has no system UUID");
		return;
	}
	smbios_uuid_text(s, uuid);
	reason = hw_uuid_placeholder_reason(uuid);
	if (reason) {
		snprintf(f->why[PF_UUID], sizeof f->why[PF_UUID], "SMBIOS UUID %s is %s", uuid,
			 reason);
		return;
	}
	if (hw_uuid_is_partial_template(s->uuid_raw))
		ar_warn(program, "%s: system UUID %s looks like a firmware template with half "
			"its bytes filled in; check that it is unique", host, uuid);
	f->value[PF_UUID] = strdup(uuid);
	f->uuid_source = AR_SOURCE_SMBIOS;
}

/* Each value from the best source that has it. */
static void choose(findings *f, sources *src, const char *host, const char *program)
{
	const smbios_info *s = &src->smbios;
	int i;

	choose_uuid(f, src, host, program);
	offer(f, PF_MANUFACTURER, hw_clean_value(s->sys_manufacturer));
	offer(f, PF_PRODUCT, hw_clean_value(s->sys_product));
	offer(f, PF_SERIAL, hw_clean_value(s->sys_serial));
	offer(f, PF_BOARD_SERIAL, hw_clean_value(s->board_serial));
	offer(f, PF_BIOS_VENDOR, hw_clean_value(s->bios_vendor));
	offer(f, PF_BIOS_VERSION, hw_clean_value(s->bios_version));
	offer(f, PF_BIOS_DATE, hw_clean_value(s->bios_date));
	for (i = 0; i < PF_COUNT; i++)
		if (i != PF_UUID) {
			offer(f, (enum probe_field)i, src->dmi_id[i]);
			src->dmi_id[i] = NULL;
		}
	/* cpuinfo names what runs; SMBIOS type 4 what is fitted (arm64 servers);
	 * a part-number name (arm64 VMs) or the vendor (s390) is the last resort. */
	offer(f, PF_CPU_MODEL, hw_clean_value(src->cpu.model));
	offer(f, PF_CPU_MODEL, hw_clean_value(s->cpu_model));
	offer(f, PF_CPU_MODEL, hw_clean_value(src->cpu.derived_model));
	offer(f, PF_CPU_MODEL, hw_clean_value(src->cpu.vendor));
	offer(f, PF_CPU_SOCKETS, count_text(src->cpu.sockets));
	offer(f, PF_CPU_SOCKETS, count_text(s->cpu_sockets));
	offer(f, PF_CPU_CORES, count_text(src->cpu.cores));
	offer(f, PF_CPU_CORES, count_text(s->cpu_cores));
	offer(f, PF_CPU_THREADS, count_text(src->cpu.threads));
	offer(f, PF_CPU_THREADS, count_text(s->cpu_threads));
	/* installed DIMMs first; MemTotal (what the kernel can use) otherwise */
	offer(f, PF_MEMORY, count_text(s->memory_mib));
	offer(f, PF_MEMORY, count_text(src->meminfo_mib));
}

static int take_operator_values(findings *f, const probe_opts *o, ar_err *e)
{
	int i;

	for (i = 0; i < PF_COUNT; i++) {
		const char *v = o->operator_value[i];
		char uuid[37], *end = NULL;
		long long n;

		if (!v)
			continue;
		if (i == PF_UUID) {
			if (ar_uuid_normalize(v, uuid) != 0)
				return ar_fail(e, AR_EUSAGE, NULL, "%s \"%s\" is not a UUID",
					       fields[i].flag, v);
			if (hw_uuid_placeholder_reason(uuid))
				return ar_fail(e, AR_EUSAGE, NULL, "%s %s is %s", fields[i].flag,
					       uuid, hw_uuid_placeholder_reason(uuid));
			f->value[i] = strdup(uuid);
			f->uuid_source = AR_SOURCE_OPERATOR;
		} else if (fields[i].is_count) {
			errno = 0;
			n = strtoll(v, &end, 10);
			if (errno || !end || *end || n < 1 || n > ar_host_count_max(fields[i].key))
				return ar_fail(e, AR_EUSAGE, NULL, "%s \"%s\" is not a count from 1 to %lld",
					       fields[i].flag, v, ar_host_count_max(fields[i].key));
			f->value[i] = count_text(n);
		} else {
			f->value[i] = hw_clean_value(v);
			if (!f->value[i] || strlen(v) > AR_MAX_VALUE_CHARS)
				return ar_fail(e, AR_EUSAGE, NULL,
					       "%s \"%.40s\" is empty, too long or a placeholder",
					       fields[i].flag, v);
		}
		f->by_operator[i] = 1;
	}
	return AR_OK;
}

/* need_cores: a Capacity token licenses physical cores, so it needs each host's count */
static int check_mandatory(const findings *f, const char *host, int need_cores, ar_err *e)
{
	char what[1500] = "";
	int i;

	for (i = 0; i < PF_COUNT; i++) {
		char item[400];

		if ((!fields[i].mandatory && !(need_cores && i == PF_CPU_CORES)) || f->value[i])
			continue;
		snprintf(item, sizeof item, "%s%s (%s; give %s)", what[0] ? ", " : "",
			 fields[i].label, f->why[i][0] ? f->why[i] : "not found", fields[i].flag);
		strncat(what, item, sizeof what - strlen(what) - 1);
	}
	if (!what[0])
		return AR_OK;
	return ar_fail(e, AR_EHARDWARE, NULL,
		       "Could not retrieve mandatory hardware info for %s: %s", host, what);
}

static json_t *build_record(const findings *f, const char *host)
{
	json_t *rec = json_pack("{s:i, s:s}", AR_HOST_VERSION, AR_HOST_FORMAT_VERSION,
				AR_HOST_NAME, host);
	json_t *by_operator = json_array();
	int i;

	for (i = 0; rec && i < PF_COUNT; i++) {
		if (!f->value[i])
			continue;
		if (fields[i].is_count)
			json_object_set_new(rec, fields[i].key,
					    json_integer(strtoll(f->value[i], NULL, 10)));
		else
			json_object_set_new(rec, fields[i].key, json_string(f->value[i]));
		if (i == PF_UUID)
			json_object_set_new(rec, AR_HOST_UUID_SOURCE, json_string(f->uuid_source));
		if (f->by_operator[i])
			json_array_append_new(by_operator, json_string(fields[i].key));
	}
	if (rec && json_array_size(by_operator))
		json_object_set(rec, AR_HOST_OPERATOR, by_operator);
	json_decref(by_operator);
	return rec;
}

/* The host name: given, else this machine's, else the root's, else the root's folder name. */
static int host_name(const probe_opts *o, const capture *c, char *out, size_t cap, ar_err *e)
{
	static const char *const files[] = { "proc/sys/kernel/hostname", "etc/hostname", NULL };
	const char *const *f;
	uint8_t *data = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (o->name) {
		snprintf(out, cap, "%s", o->name);
	} else if (!o->root) {
		if (gethostname(out, cap) != 0)
			out[0] = '\0';
		out[cap - 1] = '\0';
	} else {
		for (f = files; !data && *f; f++)
			if (capture_read(c, *f, 256, &data, &len, NULL, 0, e) != AR_OK)
				return e->status;
		if (data) {
			char *clean = hw_clean_value((char *)data);

			snprintf(out, cap, "%s", clean ? clean : "");
			free(clean);
			free(data);
		} else {
			char *copy = strdup(o->root);

			snprintf(out, cap, "%s", copy ? basename(copy) : "");
			free(copy);
		}
	}
	if (!ar_host_name_ok(out))
		return ar_fail(e, AR_EUSAGE, NULL,
			       "host name \"%.64s\" is not usable (letters, digits, '.', '_', '-'; "
			       "at most %d); give --host NAME", out, AR_MAX_HOST_NAME_CHARS);
	return AR_OK;
}

int probe_host(const probe_opts *opts, json_t **record, ar_err *e)
{
	char host[256];
	capture cap;
	sources src;
	findings f;
	int i, rc;

	memset(&src, 0, sizeof src);
	memset(&f, 0, sizeof f);
	*record = NULL;
	capture_open(&cap, opts->root ? opts->root : "/");
	rc = host_name(opts, &cap, host, sizeof host, e);
	if (rc == AR_OK)
		rc = take_operator_values(&f, opts, e);
	if (rc == AR_OK)
		rc = sources_read(&src, &cap, e);
	if (rc == AR_OK) {
		choose(&f, &src, host, opts->program ? opts->program : PROGRAM);
		rc = check_mandatory(&f, host, opts->need_cores, e);
	}
	if (rc == AR_OK) {
		*record = build_record(&f, host);
		if (!*record)
			rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
		else if (ar_host_validate(*record, host, e) != AR_OK)
			rc = ar_fail(e, AR_EINTERNAL, host, "probe built an invalid record: %s", e->msg);
	}
	if (rc != AR_OK) {
		json_decref(*record);
		*record = NULL;
	}
	capture_close(&cap);
	sources_free(&src);
	for (i = 0; i < PF_COUNT; i++)
		free(f.value[i]);
	return rc;
}
