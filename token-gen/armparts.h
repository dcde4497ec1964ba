/* SPDX-License-Identifier: Apache-2.0 */
/* ARM CPU names from the MIDR implementer and part numbers that /proc/cpuinfo
 * shows ("CPU implementer", "CPU part"), as lscpu names them. */
#ifndef TOKENGEN_ARMPARTS_H
#define TOKENGEN_ARMPARTS_H

/* The core's name ("Neoverse-N1"), or NULL when the pair is not known. */
const char *arm_part_name(unsigned implementer, unsigned part);

#endif
