/* SPDX-License-Identifier: Apache-2.0 */
/* fdcount DIR N: a product that checks its stamp N times must hold as many descriptors after
 * as before (a leak per check would exhaust a long-running daemon). Exit 0 when it does. */
#include <airreg.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	airreg_stamp *stamp = NULL;
	int before, after, i, n;

	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	before = open_fds();
	for (i = 0; i < n; i++) {
		airreg_status *st = NULL;

		/* the stamp opened again every tenth check: open's descriptors count too */
		if (i % 10 == 0) {
			airreg_close(stamp);
			stamp = NULL;
			airreg_open(argv[1], &stamp);
		}
		airreg_check(stamp, 30, &st);
		airreg_status_free(st);
	}
	airreg_close(stamp);
	after = open_fds();
	if (before < 0 || after != before) {
		fprintf(stderr, "fdcount: %d descriptors before, %d after %d checks\n", before, after, n);
		return 1;
	}
	return 0;
}
