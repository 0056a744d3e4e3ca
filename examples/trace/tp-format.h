/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint format files (tracefs events/SYS/EVENT/format): parsed at run
 * time because field layouts change between kernels (sched_process_fork
 * has fixed char arrays in 6.1 and __data_loc strings in 6.18), and read
 * out of a raw sample with every offset checked against its size.
 */
#ifndef SELFSEQ_TRACE_TP_FORMAT_H
#define SELFSEQ_TRACE_TP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define TP_FIELDS_MAX 32
#define TP_NAME_MAX 64

/* How a field's bytes are to be read. */
enum tp_field_kind {
	TP_FIELD_INT,		/* integer of size 1, 2, 4 or 8 */
	TP_FIELD_ARRAY,		/* fixed array (char comm[16], unsigned long args[6]) */
	TP_FIELD_DATA_LOC,	/* __data_loc: u32, offset (low 16 bits) from record start, length (high 16) */
	TP_FIELD_REL_LOC,	/* __rel_loc: the same, offset counted from the end of the field */
};

struct tp_field {
	char name[TP_NAME_MAX];
	uint32_t offset;
	uint32_t size;
	uint8_t is_signed;
	uint8_t kind;		/* enum tp_field_kind */
};

struct tp_format {
	char name[TP_NAME_MAX];	/* "sys_enter" */
	uint32_t id;		/* the common_type value of its records */
	uint32_t nfields;
	struct tp_field fields[TP_FIELDS_MAX];
};

/*
 * Parse the text of a format file. On error returns -EBADMSG and writes
 * "line N: what" into @err (the caller adds the file name).
 */
int tp_format_parse(const char *text, size_t len, struct tp_format *fmt, char *err,
		    size_t errlen);

/* The field called @name, or NULL. */
const struct tp_field *tp_format_field(const struct tp_format *fmt, const char *name);

/*
 * Read integer field @f of the raw record @raw (@len bytes), sign- or
 * zero-extended by its declared signedness. Returns 0, or -EBADMSG when the
 * field lies outside the record or has an integer size other than 1/2/4/8.
 */
int tp_read_int(const struct tp_field *f, const void *raw, size_t len, int64_t *out);

/*
 * Read a string field (a char array or a __data_loc/__rel_loc string) into
 * @buf (always NUL-terminated, truncated to @buflen - 1 bytes). Returns 0
 * or -EBADMSG when the field or the string it points to lies outside the
 * record.
 */
int tp_read_str(const struct tp_field *f, const void *raw, size_t len, char *buf,
		size_t buflen);

#endif /* SELFSEQ_TRACE_TP_FORMAT_H */
