/* SPDX-License-Identifier: Apache-2.0 */
/* libmicrohttpd, loaded by `registrar serve` alone: linked in, it and GnuTLS (its
 * dependency) cost every other registrar command 2.7 ms and 2.8 MiB at start-up. */
#ifndef REGISTRAR_MHD_H
#define REGISTRAR_MHD_H

#include <microhttpd.h>

#include "err.h"

struct mhd_api {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_quiesce_daemon) *quiesce_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_get_connection_info) *get_connection_info;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_get_connection_values) *get_connection_values;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
};

extern struct mhd_api mhd;

/* Loads the library (its SONAME, AR_MHD_SONAME, comes from the build) into `mhd`. */
int mhd_load(ar_err *e);

#endif
