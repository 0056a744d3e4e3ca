/* SPDX-License-Identifier: MIT */
/*
 * pH's profile state machine (training, frozen, normal) and the process
 * that feeds it, following pH's published code step by step; see
 * doc/concepts.md for the order of operations and where we differ.
 */
#include "internal.h"

void ss_profile_default_params(struct selfseq_params *p)
{
	ss_memset(p, 0, sizeof(*p));
	p->sz = sizeof(*p);
	p->normal_factor = SELFSEQ_DEFAULT_NORMAL_FACTOR;
	p->normal_factor_den = SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN;
	p->normal_wait_ns = SELFSEQ_DEFAULT_NORMAL_WAIT_NS;
	p->anomaly_limit = SELFSEQ_DEFAULT_ANOMALY_LIMIT;
	p->tolerize_limit = SELFSEQ_DEFAULT_TOLERIZE_LIMIT;
	p->delay_factor = SELFSEQ_DEFAULT_DELAY_FACTOR;
}

int ss_profile_check_params(const struct selfseq_params *p)
{
	return p->normal_factor_den && p->normal_factor ? 0 : -EINVAL;
}

SELFSEQ_EXPORT int selfseq_profile_new(const struct selfseq_profile_opts *opts,
				       struct selfseq_profile **out)
{
	const struct selfseq_allocator *alloc;
	struct selfseq_profile *p;
	uint32_t window, alphabet, frame;
	int err = ss_opts_check(opts, sizeof(*opts));

	if (err)
		return err;
	if (!out)
		return -EINVAL;
	window = SS_OPTS_GET(opts, window, 0);
	alphabet = SS_OPTS_GET(opts, alphabet, 0);
	frame = SS_OPTS_GET(opts, lfc_frame, 0);
	window = window ? window : SELFSEQ_DEFAULT_WINDOW;
	alphabet = alphabet ? alphabet : SELFSEQ_DEFAULT_ALPHABET;
	frame = frame ? frame : SELFSEQ_DEFAULT_LFC_FRAME;
	if (window < SELFSEQ_WINDOW_MIN || window > SELFSEQ_WINDOW_MAX ||
	    alphabet > SELFSEQ_ALPHABET_MAX || frame > SELFSEQ_LFC_FRAME_MAX)
		return -EINVAL;
	alloc = SS_OPTS_GET(opts, allocator, NULL);
	if (!alloc)
		alloc = &selfseq__default_allocator;
	p = ss_alloc(alloc, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->alloc = *alloc;
	err = ss_db_setup(&p->train, window, alphabet, alloc);
	if (!err) {
		err = ss_db_setup(&p->test, window, alphabet, alloc);
		if (err)
			ss_db_release(&p->train);
	}
	if (err) {
		ss_free(alloc, p, sizeof(*p));
		return err;
	}
	p->lfc_frame = frame;
	p->arch = SS_OPTS_GET(opts, arch, 0);
	p->test_in_train = 1;	/* both empty */
	ss_profile_default_params(&p->params);
	*out = p;
	return 0;
}

SELFSEQ_EXPORT void selfseq_profile_free(struct selfseq_profile *p)
{
	struct selfseq_allocator alloc;

	if (!p)
		return;
	alloc = p->alloc;
	ss_profile_key_release(p);
	ss_db_release(&p->train);
	ss_db_release(&p->test);
	ss_free(&alloc, p, sizeof(*p));
}

SELFSEQ_EXPORT int selfseq_profile_get_params(const struct selfseq_profile *p,
					      struct selfseq_params *params)
{
	if (!p)
		return -EINVAL;
	return ss_out_copy(params, &p->params, sizeof(p->params));
}

SELFSEQ_EXPORT int selfseq_profile_set_params(struct selfseq_profile *p,
					      const struct selfseq_params *params)
{
	struct selfseq_params next;
	int err;

	if (!p || !params)
		return -EINVAL;
	err = ss_opts_check(params, sizeof(*params));
	if (err)
		return err;
	next = p->params;
	ss_memcpy(&next, params, params->sz < sizeof(next) ? params->sz : sizeof(next));
	next.sz = sizeof(next);
	err = ss_profile_check_params(&next);
	if (err)
		return err;
	p->params = next;
	return 0;
}

SELFSEQ_EXPORT int selfseq_profile_get_state(const struct selfseq_profile *p,
					     struct selfseq_profile_state *state)
{
	struct selfseq_profile_state s;

	if (!p)
		return -EINVAL;
	ss_memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	s.flags = p->flags;
	s.window = p->train.window;
	s.alphabet = p->train.alphabet;
	s.lfc_frame = p->lfc_frame;
	s.arch = p->arch;
	s.tasks = p->tasks;
	s.count = p->count;
	s.train_count = p->train_count;
	s.last_mod_count = p->last_mod_count;
	s.sequences = p->sequences;
	s.anomalies = p->anomalies;
	s.normal_time_ns = p->normal_time;
	s.train_pairs = p->train.pairs;
	s.test_pairs = p->test.pairs;
	return ss_out_copy(state, &s, sizeof(s));
}

SELFSEQ_EXPORT const struct selfseq_db *selfseq_profile_get_train(const struct selfseq_profile *p)
{
	return &p->train;
}

SELFSEQ_EXPORT const struct selfseq_db *selfseq_profile_get_test(const struct selfseq_profile *p)
{
	return &p->test;
}

SELFSEQ_EXPORT int selfseq_profile_merge_train(struct selfseq_profile *p, const struct selfseq_db *db)
{
	uint32_t before;
	int err;

	if (!p || !db)
		return -EINVAL;
	before = p->train.pairs;
	err = selfseq_db_merge(&p->train, db);
	if (err)
		return err;
	/* As when pH learns a new pair: the freeze is off, the quiet count restarts. */
	if (p->train.pairs != before) {
		p->flags &= ~SELFSEQ_STATE_FROZEN;
		p->last_mod_count = 0;
	}
	return 0;
}

/* pH_start_normal without the process part: testing := training. */
static int ss_start_normal(struct selfseq_profile *p)
{
	int err;

	/* Reserve before clearing, so a failure keeps the old testing set. */
	err = ss_db_reserve(&p->test, p->train.n);
	if (err)
		return err;
	selfseq_db_reset(&p->test);
	err = selfseq_db_merge(&p->test, &p->train);
	/* Even a partial copy is within the training set. */
	p->test_in_train = 1;
	if (err)
		return err;
	p->anomalies = 0;
	p->flags = SELFSEQ_STATE_NORMAL;
	p->last_mod_count = 0;
	p->train_count = 0;
	return 0;
}

/* pH_reset_train: the training set and its counters start over. */
static void ss_reset_train(struct selfseq_profile *p)
{
	selfseq_db_reset(&p->train);
	p->test_in_train = p->test.pairs == 0;
	p->train_count = 0;
	p->last_mod_count = 0;
	p->sequences = 0;
}

SELFSEQ_EXPORT int selfseq_profile_normalize(struct selfseq_profile *p, uint64_t now_ns)
{
	int err;

	(void)now_ns;
	if (!p)
		return -EINVAL;
	err = ss_start_normal(p);
	if (!err)
		p->epoch++;
	return err;
}

SELFSEQ_EXPORT void selfseq_profile_sensitize(struct selfseq_profile *p)
{
	if (!p)
		return;
	ss_reset_train(p);
	p->flags &= ~SELFSEQ_STATE_FROZEN;
	p->epoch++;
}

SELFSEQ_EXPORT void selfseq_profile_tolerize(struct selfseq_profile *p)
{
	if (!p)
		return;
	/* Stop normal; also unfreeze, so the accepted behaviour waits a full normal_wait. */
	p->flags = 0;
	p->epoch++;
}

struct selfseq_process {
	struct selfseq_profile *profile;
	struct ss_window win;
	uint32_t epoch;
	uint32_t owned;
	uint32_t frame_room;	/* frame the LFC memory was sized for */
	uint32_t mode;		/* SELFSEQ_MODE_* */
	struct selfseq_allocator alloc;
	struct selfseq_lfc *lfc;	/* in the same block, after the process */
};

static size_t ss_process_bytes(uint32_t frame)
{
	return SS_ALIGN8(sizeof(struct selfseq_process)) + ss_lfc_bytes(frame);
}

SELFSEQ_EXPORT int selfseq_process_size(const struct selfseq_profile *profile, size_t *size)
{
	if (!profile || !size)
		return -EINVAL;
	*size = ss_process_bytes(profile->lfc_frame);
	return 0;
}

static void ss_process_setup(struct selfseq_process *proc, struct selfseq_profile *profile)
{
	ss_memset(proc, 0, sizeof(*proc));
	proc->frame_room = profile->lfc_frame;
	proc->lfc = (struct selfseq_lfc *)(void *)((uint8_t *)proc +
						   SS_ALIGN8(sizeof(struct selfseq_process)));
	ss_lfc_setup(proc->lfc, profile->lfc_frame);
	proc->profile = profile;
	proc->epoch = profile->epoch;
	profile->tasks++;
	ss_window_reset(&proc->win);
}

SELFSEQ_EXPORT int selfseq_process_init(void *mem, size_t len, struct selfseq_profile *profile,
					struct selfseq_process **out)
{
	if (!mem || !profile || !out || ((uintptr_t)mem & 7))
		return -EINVAL;
	if (len < ss_process_bytes(profile->lfc_frame))
		return -ENOSPC;
	ss_process_setup(mem, profile);
	*out = mem;
	return 0;
}

SELFSEQ_EXPORT int selfseq_process_new(struct selfseq_profile *profile,
				       struct selfseq_process **out)
{
	struct selfseq_process *proc;

	if (!profile || !out)
		return -EINVAL;
	proc = ss_alloc(&profile->alloc, ss_process_bytes(profile->lfc_frame));
	if (!proc)
		return -ENOMEM;
	ss_process_setup(proc, profile);
	proc->owned = 1;
	proc->alloc = profile->alloc;
	*out = proc;
	return 0;
}

SELFSEQ_EXPORT void selfseq_process_free(struct selfseq_process *proc)
{
	struct selfseq_allocator alloc;

	if (!proc)
		return;
	if (proc->profile && proc->profile->tasks)
		proc->profile->tasks--;
	proc->profile = NULL;
	if (!proc->owned)
		return;
	alloc = proc->alloc;
	ss_free(&alloc, proc, ss_process_bytes(proc->frame_room));
}

SELFSEQ_EXPORT void selfseq_process_reset(struct selfseq_process *proc)
{
	if (!proc)
		return;
	ss_window_reset(&proc->win);
	selfseq_lfc_reset(proc->lfc);
	if (proc->profile)
		proc->epoch = proc->profile->epoch;
}

SELFSEQ_EXPORT int selfseq_process_set_profile(struct selfseq_process *proc,
					       struct selfseq_profile *profile)
{
	if (!proc || !profile || profile->lfc_frame > proc->frame_room)
		return -EINVAL;
	if (proc->profile && proc->profile->tasks)
		proc->profile->tasks--;
	profile->tasks++;
	proc->profile = profile;
	ss_lfc_setup(proc->lfc, profile->lfc_frame);
	selfseq_process_reset(proc);
	return 0;
}

SELFSEQ_EXPORT int selfseq_process_set_mode(struct selfseq_process *proc, uint32_t mode)
{
	if (!proc || mode > SELFSEQ_MODE_SCORE)
		return -EINVAL;
	proc->mode = mode;
	return 0;
}

SELFSEQ_EXPORT struct selfseq_profile *selfseq_process_get_profile(const struct selfseq_process *proc)
{
	return proc ? proc->profile : NULL;
}

SELFSEQ_EXPORT int selfseq_process_get_window(const struct selfseq_process *proc,
					      uint32_t *calls, size_t max)
{
	uint32_t k, d, n = 0;

	if (!proc || !proc->profile || (max && !calls))
		return -EINVAL;
	k = proc->profile->train.k;
	/* The newest k calls are all a window can still pair with; oldest first. */
	for (d = k; d-- > 0;) {
		uint32_t c = proc->win.call[(proc->win.pos - d) & (SS_RING - 1)];

		if (c == SS_CALL_START)
			continue;
		if (n == max)
			break;
		calls[n++] = c;
	}
	return (int)n;
}

SELFSEQ_EXPORT int selfseq_process_set_window(struct selfseq_process *proc,
					      const uint32_t *calls, size_t n)
{
	size_t i, k;

	if (!proc || !proc->profile || (n && !calls))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (calls[i] >= proc->profile->train.alphabet)
			return -ERANGE;
	k = proc->profile->train.k;
	ss_window_reset(&proc->win);
	for (i = n > k ? n - k : 0; i < n; i++)
		ss_window_push(&proc->win, calls[i]);
	return 0;
}

static uint64_t ss_delay(uint32_t factor, uint32_t lfc)
{
	if (!factor || !lfc)
		return 0;
	if (lfc >= 64 || ((uint64_t)factor >> (64 - lfc)))
		return SS_U64_MAX;
	return (uint64_t)factor << lfc;
}

static void ss_process_lfc_reset(struct selfseq_process *proc)
{
	selfseq_lfc_reset(proc->lfc);
}

/*
 * pH_train: every call trains; a new pair thaws, enough old ones freeze.
 * With @test_misses (a monitoring process) and a normal profile whose
 * testing set is within its training set, the window is tested against the
 * testing set first: complete there, it is complete in the training set
 * too, and the second test is skipped. *test_misses is then the testing
 * set's answer for ss_monitor(); it stays -1 when not tested.
 */
static int ss_train(struct selfseq_profile *p, const struct ss_window *win, uint64_t now,
		    uint32_t *flags, int *test_misses)
{
	const struct selfseq_params *pp = &p->params;
	uint32_t incomplete;
	int err = 0;

	p->train_count++;
	if (test_misses && (p->flags & SELFSEQ_STATE_NORMAL) && p->test_in_train) {
		*test_misses = (int)ss_window_test(&p->test, win);
		incomplete = *test_misses ? ss_window_test(&p->train, win) : 0;
	} else {
		incomplete = ss_window_test(&p->train, win);
	}
	if (incomplete) {
		if (p->flags & SELFSEQ_STATE_FROZEN) {
			p->flags &= ~SELFSEQ_STATE_FROZEN;
			*flags |= SELFSEQ_EVENT_THAWED;
		}
		err = ss_window_add(&p->train, win);
		p->sequences++;
		p->last_mod_count = 0;
		*flags |= SELFSEQ_EVENT_NEW_SEQUENCE;
	} else {
		uint64_t normal_count;

		p->last_mod_count++;
		if (p->flags & SELFSEQ_STATE_FROZEN)
			return 0;
		normal_count = p->train_count - p->last_mod_count;
		if (normal_count > 0 &&
		    p->train_count * pp->normal_factor_den > normal_count * pp->normal_factor) {
			p->flags |= SELFSEQ_STATE_FROZEN;
			p->normal_time = now + pp->normal_wait_ns < now ? SS_U64_MAX :
									    now + pp->normal_wait_ns;
			*flags |= SELFSEQ_EVENT_FROZEN;
		}
	}
	return err < 0 ? err : 0;
}

/* The rest of pH_process_syscall after training: normal, testing, limits. */
static uint32_t ss_monitor(struct selfseq_profile *p, struct selfseq_process *proc,
			   uint64_t now_ns, struct selfseq_event *ev, int test_misses)
{
	uint32_t lfc;

	if ((p->flags & SELFSEQ_STATE_FROZEN) && now_ns > p->normal_time &&
	    !ss_start_normal(p)) {
		ss_process_lfc_reset(proc);
		ev->flags |= SELFSEQ_EVENT_NORMAL;
		test_misses = -1;	/* a new testing set */
	}

	/* pH_process_normal: the limit is checked before this anomaly is counted. */
	if (p->flags & SELFSEQ_STATE_NORMAL) {
		ev->misses = test_misses >= 0 ? (uint32_t)test_misses :
						ss_window_test(&p->test, &proc->win);
		if (ev->misses) {
			ev->flags |= SELFSEQ_EVENT_ANOMALOUS;
			if (p->anomalies > p->params.anomaly_limit) {
				p->flags &= ~SELFSEQ_STATE_NORMAL;
				ss_process_lfc_reset(proc);
				ev->flags |= SELFSEQ_EVENT_ANOMALY_LIMIT;
			}
		}
	}
	if (ev->misses)
		p->anomalies++;
	lfc = selfseq_lfc_add(proc->lfc, ev->misses != 0);

	if (lfc > p->params.tolerize_limit) {
		ss_reset_train(p);
		p->anomalies = 0;
		ev->flags |= SELFSEQ_EVENT_TOLERIZE_LIMIT;
	}
	return lfc;
}

SELFSEQ_EXPORT int selfseq_process_feed(struct selfseq_process *proc, uint32_t call,
					uint64_t now_ns, struct selfseq_event *event)
{
	struct selfseq_profile *p;
	struct selfseq_event ev;
	uint32_t lfc;
	int err;

	if (!proc || !proc->profile)
		return -EINVAL;
	p = proc->profile;
	if (call >= p->train.alphabet)
		return -ERANGE;
	if (event && event->sz < sizeof(size_t))
		return -EINVAL;
	ss_memset(&ev, 0, sizeof(ev));
	ev.sz = sizeof(ev);
	ev.call = call;
	if (proc->epoch != p->epoch) {
		ss_process_lfc_reset(proc);
		proc->epoch = p->epoch;
	}
	p->count++;
	ss_window_push(&proc->win, call);

	if (proc->mode == SELFSEQ_MODE_SCORE) {
		/* A fixed profile: test only, change nothing of the profile but its call count. */
		const struct selfseq_db *db = (p->flags & SELFSEQ_STATE_NORMAL) ? &p->test : &p->train;

		ev.misses = ss_window_test(db, &proc->win);
		if (ev.misses)
			ev.flags |= SELFSEQ_EVENT_ANOMALOUS;
		lfc = selfseq_lfc_add(proc->lfc, ev.misses != 0);
		err = 0;
	} else {
		int test_misses = -1;
		int monitor = proc->mode != SELFSEQ_MODE_TRAIN;

		/* One call site each, so both stay inlined in this hot function. */
		err = ss_train(p, &proc->win, now_ns, &ev.flags, monitor ? &test_misses : NULL);
		lfc = monitor ? ss_monitor(p, proc, now_ns, &ev, test_misses) :
				selfseq_lfc_get(proc->lfc);
	}

	ev.lfc = lfc;
	ev.max_lfc = selfseq_lfc_get_max(proc->lfc);
	ev.state = p->flags;
	ev.delay = ss_delay(p->params.delay_factor, lfc);
	if (event)
		ss_out_copy(event, &ev, sizeof(ev));
	return err;
}
