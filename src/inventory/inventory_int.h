/*
 * inventory_int.h — what the package-database readers share: the parse
 * state and how a problem becomes an inventory error (and the first one a diag).
 */
#ifndef KHIEN_INVENTORY_INT_H
#define KHIEN_INVENTORY_INT_H

#include "khien/inventory.h"

struct inv_parse {
	struct kh_inventory *inv;
	const char *file;
	struct kh_diag *diag;
	enum kh_err first; /* kind of the first problem */
	bool nomem;
	bool stop; /* max_packages reached */
};

/* Records a problem as an inventory error and, the first time, in diag. */
void inv_problem(struct inv_parse *ps, long line, enum kh_err err, const char *fmt, ...)
	KH_PRINTF(4, 5);

#endif
