/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "dp_mem.h"

void *
dp_mem_zalloc(int socket, size_t size)
{
	void *p = NULL;

	if (socket != DP_MEM_HEAP) {
		p = rte_zmalloc_socket("trestle", size, RTE_CACHE_LINE_SIZE, socket);
		/* Another socket's hugepages still beat fresh 4 KiB pages. */
		if (p == NULL && socket != SOCKET_ID_ANY)
			p = rte_zmalloc_socket("trestle", size, RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
	}
	if (p == NULL) {
		static bool warned;
		if (socket != DP_MEM_HEAP && !__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
			RTE_LOG(WARNING, USER1,
				"TRESTLE: no hugepage memory left on any socket: flow and MAC "
				"tables grow in ordinary memory from now on "
				"(slower flow setup)\n");
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
