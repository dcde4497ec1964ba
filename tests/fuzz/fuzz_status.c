/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: libairreg's open and status path (airreg_open, airreg_check: key-import's
 * verdict.c and everything it reads) on hostile state files. The library's objects are linked,
 * not the .so, so the sanitizers see into them.
 * Input: sections, each a line "@@ NAME", the file's bytes, and a newline, up to the next line
 * that starts with "@@ " (tests/fuzz/seeds_status.sh packs states.sh's stamps so). NAME is
 * one of the files the status path reads (names[] below) or trusted/KID.pub for a trust store
 * entry (KID: 1 to 43 base64url characters); any other section is skipped, so nothing is
 * written but those files, inside a state directory of this process's own (mkdtemp under
 * $TMPDIR, removed at exit; after a crash, tests/fuzz/run.sh removes its TMPDIR). Its stamp
 * identity is made once, by the code token-gen init runs (ar_stamp_init); an input may bring
 * the public half of another (stamp.pub, cloud-id: status checks that the key held is for
 * this stamp).
 * Beyond the sanitizers, the answers must keep airreg.h's promises (promise()). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "airreg.h"
#include "ar_limits.h"
#include "stamp.h"

static const char *const names[] = { AR_ACTIVATION_FILE, AR_LAST_CHECK_FILE,
	AR_TRUSTED_TIME_FILE, AR_SERIALS_FILE, AR_POLICY_MARK_FILE, AR_CLOUD_ID_FILE,
	AR_STAMP_PUB_FILE,
	AR_TRUST_DIR "/" AR_REVOCATION_LIST_FILE, AR_TRUST_DIR "/" AR_ISSUER_CHAIN_FILE };

static char base[4096], dir[4200], trusted[4300], cloud_id[37], stamp_pub[512];
static size_t stamp_pub_len;

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_status: %s\n", what);
		abort();
	}
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_base(void)
{
	if (nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "fuzz_status: could not remove %s\n", base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char path[4400];
	ar_stamp stamp;
	ar_err e;
	FILE *f;

	(void)argc;
	(void)argv;
	snprintf(base, sizeof base, "%s/fuzz-status.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	must(sodium_init() >= 0, "sodium_init");
	must(mkdtemp(base) != NULL, "mkdtemp");
	atexit(remove_base);
	snprintf(dir, sizeof dir, "%s/stamp", base);
	must(ar_stamp_init(dir, NULL, &stamp, &e) == AR_OK, e.msg);
	snprintf(cloud_id, sizeof cloud_id, "%s", stamp.cloud_id);
	ar_stamp_close(&stamp);
	snprintf(path, sizeof path, "%s/%s", dir, AR_STAMP_PUB_FILE);
	must((f = fopen(path, "r")) != NULL, "stamp.pub");
	stamp_pub_len = fread(stamp_pub, 1, sizeof stamp_pub, f);
	must(stamp_pub_len > 0 && stamp_pub_len < sizeof stamp_pub && fclose(f) == 0, "stamp.pub");
	snprintf(trusted, sizeof trusted, "%s/%s", dir, AR_TRUST_DIR);
	must(mkdir(trusted, 0700) == 0, "mkdir trusted");
	return 0;
}

static void write_file(const char *name, const uint8_t *data, size_t len)
{
	char path[4400];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	must(fd >= 0, "open");
	must(len == 0 || write(fd, data, len) == (ssize_t)len, "write");
	close(fd);
}

/* The state of the last input gone: its files, and the trust store's entries. */
static void reset(void)
{
	char path[4400];
	struct dirent *de;
	DIR *d = opendir(trusted);
	size_t i;

	must(d != NULL, "opendir trusted");
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", trusted, de->d_name);
			unlink(path);
		}
	closedir(d);
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	/* this process's own identity, unless the input brings one (a key is for one stamp) */
	write_file(AR_CLOUD_ID_FILE, (const uint8_t *)cloud_id, strlen(cloud_id));
	write_file(AR_STAMP_PUB_FILE, (const uint8_t *)stamp_pub, stamp_pub_len);
}

/* NAME's file, if it is one this target writes: its relative path, else NULL. */
static const char *file_name(const char *name, char *out, size_t cap)
{
	size_t i, n;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i]) == 0)
			return names[i];
	if (strncmp(name, AR_TRUST_DIR "/", sizeof AR_TRUST_DIR) != 0)
		return NULL;
	name += sizeof AR_TRUST_DIR;
	n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
	if (n == 0 || n > AR_THUMBPRINT_CHARS || strcmp(name + n, ".pub") != 0)
		return NULL;
	snprintf(out, cap, "%s/%s", AR_TRUST_DIR, name);
	return out;
}

static void write_sections(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p)), *body, *next;
		char name[80], buf[120];
		const char *file;

		if (!nl)
			return;
		body = nl + 1;
		for (next = body; next < end; next++)
			if ((next == data || next[-1] == '\n') && end - next >= 3 &&
			    memcmp(next, "@@ ", 3) == 0)
				break;
		if (end - p >= 3 && memcmp(p, "@@ ", 3) == 0 && nl - p - 3 < (long)sizeof name) {
			memcpy(name, p + 3, (size_t)(nl - p - 3));
			name[nl - p - 3] = '\0';
			/* the newline before the next "@@ " (or at the end) ends the section */
			if ((file = file_name(name, buf, sizeof buf)))
				write_file(file, body, (size_t)(next - body) -
					   (next > body && next[-1] == '\n'));
		}
		p = next;
	}
}

static int one_line(const char *s)
{
	return s && *s && !strchr(s, '\n');
}

/* What airreg.h promises of any answer, whatever the state directory held. */
static void promise(const airreg_status *st, int code)
{
	int state = airreg_state(st);
	long long i, n = airreg_tenant_count(st);

	must(code == airreg_status_errcode(st), "the code returned is not the handle's");
	if (code != AIRREG_OK) {
		/* EINTERNAL is out of memory or a defect: never what a file can cause */
		must(code == AIRREG_EENV || code == AIRREG_EUSAGE, "an error that is not 2 or 5");
		must(one_line(airreg_status_errmsg(st)), "an error without its one line");
		must(state == -1 && !airreg_state_name(st) && airreg_serial(st) == -1,
		     "an error with a verdict");
		return;
	}
	must(!airreg_status_errmsg(st), "a verdict with an error message");
	must(state >= AIRREG_NOT_REGISTERED && state <= AIRREG_UNTRUSTED && airreg_state_name(st),
	     "a state out of range");
	must((state == AIRREG_NOT_REGISTERED) == (airreg_serial(st) == -1),
	     "an activation's fields without one, or none with one");
	must((state == AIRREG_REVOKED || state == AIRREG_UNTRUSTED) == one_line(airreg_reason(st)),
	     "Revoked or Untrusted without a reason, or a reason without them");
	/* the tenants are the verified key's (verify_copy.c's same_as_key): both fields, always;
	 * an Untrusted activation's are activation.json's, shown as the file has them (as
	 * key-import status shows them), which nothing vouches for */
	for (i = 0; state != AIRREG_UNTRUSTED && i < n; i++)
		must(airreg_tenant_subscription(st, i) && airreg_tenant_id(st, i), "a tenant lost");
	must(!airreg_tenant_subscription(st, n) && !airreg_tenant_id(st, -1), "a tenant too many");
	if (airreg_hardware(st) != AIRREG_HW_NOT_CHECKED)
		must(airreg_hardware_checked_at(st) && airreg_hardware_reason(st),
		     "a hardware check without its time or reason");
	(void)strlen(airreg_registration(st) ? airreg_registration(st) : "");
	(void)strlen(airreg_cloud_id(st) ? airreg_cloud_id(st) : "");
	(void)strlen(airreg_billing_model(st) ? airreg_billing_model(st) : "");
	(void)strlen(airreg_issuer_kid(st) ? airreg_issuer_kid(st) : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	airreg_stamp *stamp = NULL;
	airreg_status *plain = NULL, *warn = NULL;
	int code;

	reset();
	write_sections(data, size);
	code = airreg_open(dir, &stamp);
	must(stamp != NULL, "no stamp handle");
	must(code == airreg_stamp_errcode(stamp), "open's code is not the handle's");
	must(code == AIRREG_OK ? !airreg_stamp_errmsg(stamp) : one_line(airreg_stamp_errmsg(stamp)),
	     "open's message");
	if (code == AIRREG_OK) {
		code = airreg_check(stamp, 0, &plain);
		promise(plain, code);
		code = airreg_check(stamp, 30, &warn);
		promise(warn, code);
		must(airreg_state(plain) != AIRREG_EXPIRING, "Expiring without warn_days");
		/* warn_days changes only Registered into Expiring */
		must(airreg_state(plain) == airreg_state(warn) ||
		     (airreg_state(plain) == AIRREG_REGISTERED &&
		      airreg_state(warn) == AIRREG_EXPIRING), "warn_days changed another verdict");
	}
	airreg_status_free(plain);
	airreg_status_free(warn);
	airreg_close(stamp);
	return 0;
}
