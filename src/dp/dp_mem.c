/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "dp_mem.h"

void *
dp_mem_zalloc(int socket, size_t size)
{
	void *p = NULL;

	if (socket != DP_MEM_HEAP)
		p = rte_zmalloc_socket("trestle", size, RTE_CACHE_LINE_SIZE, socket);
	if (p == NULL) {
		if (posix_memalign(&p, RTE_CACHE_LINE_SIZE, size) != 0)
			return NULL;
		memset(p, 0, size);
	}
	return p;
}

void
dp_mem_free(int socket, void *p)
{
	/* A fallback allocation is C heap: it lies in no DPDK memory segment. */
	if (p != NULL && socket != DP_MEM_HEAP && rte_mem_virt2memseg(p, NULL) != NULL)
		rte_free(p);
	else
		free(p);
}
