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

/* The fields of one package as the readers find them, in this order. */
enum inv_field { INV_NAME, INV_VERSION, INV_ARCH, INV_SOURCE, INV_SOURCE_VERSION,
	         INV_STATUS, INV_FIELD_COUNT };

/*
 * Adds a package built from copies of the fields (status may be NULL).
 * Allocation failure sets ps->nomem; max_packages is recorded as a problem at
 * `line` and sets ps->stop.
 */
void inv_emit(struct inv_parse *ps, long line, enum kh_inventory_type type,
              const struct kh_cur fields[INV_STATUS], const struct kh_cur *status);

#endif
