/* temporary: until the terminal handover lands */
#include <stdio.h>
#include "hp.h"
#include "super/super.h"
int hp_term_quiet(const struct hp_proc *p, char *w, size_t n) { (void)w; (void)n; return p->term == NULL; }
void hp_term_handover(struct hp_howr *w, const struct hp_proc *p) { (void)w; (void)p; }
int hp_term_takeover(struct hp_super *s, struct hp_proc *p, const struct hp_hord *h) { (void)s; (void)p; (void)h; return 0; }
