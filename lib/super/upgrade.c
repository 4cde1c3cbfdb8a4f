/* hp: see LICENSE. */
/* upgrade.c: the supervisor handed over to another binary by exec. */

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"
