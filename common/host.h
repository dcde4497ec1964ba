/* SPDX-License-Identifier: Apache-2.0 */
/* The host record: one host's hardware identity, as `token-gen probe` writes it
 * and the registration token carries it (docs/formats.md). */
#ifndef AIRREG_HOST_H
#define AIRREG_HOST_H

#include <jansson.h>

#include "ar_limits.h"
#include "err.h"

/* Field names, shared by the writer (probe) and every reader. */
#define AR_HOST_VERSION      "version"
#define AR_HOST_NAME         "name"
#define AR_HOST_UUID         "uuid"
#define AR_HOST_UUID_SOURCE  "uuidSource"
#define AR_HOST_MANUFACTURER "manufacturer"
#define AR_HOST_PRODUCT      "product"
#define AR_HOST_SERIAL       "serial"
#define AR_HOST_BOARD_SERIAL "boardSerial"
#define AR_HOST_BIOS_VENDOR  "biosVendor"
#define AR_HOST_BIOS_VERSION "biosVersion"
#define AR_HOST_BIOS_DATE    "biosDate"
#define AR_HOST_CPU_MODEL    "cpuModel"
#define AR_HOST_CPU_SOCKETS  "cpuSockets"
#define AR_HOST_CPU_CORES    "cpuCores"
#define AR_HOST_CPU_THREADS  "cpuThreads"
#define AR_HOST_MEMORY_MIB   "memoryMiB"
#define AR_HOST_OPERATOR     "operatorSupplied"

/* Where the system UUID was read. */
#define AR_SOURCE_SMBIOS   "smbios"
#define AR_SOURCE_SYSFS    "sysfs"
#define AR_SOURCE_OPERATOR "operator"


/* The most a host can have of a count field (cpuSockets, cpuCores, cpuThreads, memoryMiB);
 * 0 for any other key. One table for probe's values, the operator's flags and every reader. */
long long ar_host_count_max(const char *key);
/* Checks every field's presence, type and range; refuses unknown fields, a placeholder UUID
 * or text (what probe leaves out) and a text with white space at its start or end. */
int ar_host_validate(json_t *host, const char *where, ar_err *e);
/* A host record file (`token-gen probe`'s output, given to create and to key-import check):
 * read, refused when it is one of the files that cross the gap (a private key's bytes
 * wiped), parsed and validated. */
int ar_host_load(const char *path, json_t **host, ar_err *e);
/* 1 when name is 1..63 characters of [A-Za-z0-9._-], not starting with '.' or '-'. */
int ar_host_name_ok(const char *name);

#endif
