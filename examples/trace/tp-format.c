/* SPDX-License-Identifier: MIT */
/*
 * Parser for tracefs event format files and bounds-checked field readers
 * for raw tracepoint records (see tp-format.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp-format.h"

static int tp_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int tp_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err && errlen) {
		n = snprintf(err, errlen, "line %u: ", line);
		if (n >= 0 && (size_t)n < errlen) {
			va_start(ap, fmt);
			vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EBADMSG;
}

/* Parse "key:NUMBER;" at *p for the expected key; advances *p past ';'. */
static int tp_key_num(const char **p, const char *end, const char *key, unsigned long *out)
{
	const char *s = *p;
	size_t klen = strlen(key);
	unsigned long v = 0;
	int digits = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if ((size_t)(end - s) < klen + 1 || memcmp(s, key, klen) != 0 || s[klen] != ':')
		return -1;
	s += klen + 1;
	while (s < end && isdigit((unsigned char)*s)) {
		if (v > 0xffffffUL)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		s++;
		digits++;
	}
	if (!digits || s >= end || *s != ';')
		return -1;
	*p = s + 1;
	*out = v;
	return 0;
}

/* The declaration "TYPE NAME[N]" of a field line: its name and kind. */
static int tp_decl(const char *decl, size_t dlen, struct tp_field *f)
{
	const char *end = decl + dlen, *name_end, *name, *type;
	int is_array = 0;

	while (end > decl && isspace((unsigned char)end[-1]))
		end--;
	if (end > decl && end[-1] == ']') {
		while (end > decl && end[-1] != '[')
			end--;
		if (end == decl)
			return -1;
		end--;
		is_array = 1;
	}
	name_end = end;
	name = name_end;
	while (name > decl && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	if (name == name_end || (size_t)(name_end - name) >= sizeof(f->name) ||
	    isdigit((unsigned char)name[0]))
		return -1;
	/* A type must come first: "int ;" has no name. */
	for (type = decl; type < name && isspace((unsigned char)*type); type++)
		;
	if (type == name)
		return -1;
	memcpy(f->name, name, (size_t)(name_end - name));
	f->name[name_end - name] = '\0';
	if (dlen >= 10 && memcmp(decl, "__data_loc", 10) == 0)
		f->kind = TP_FIELD_DATA_LOC;
	else if (dlen >= 9 && memcmp(decl, "__rel_loc", 9) == 0)
		f->kind = TP_FIELD_REL_LOC;
	else if (is_array)
		f->kind = TP_FIELD_ARRAY;
	else
		f->kind = TP_FIELD_INT;
	return 0;
}

static int tp_field_line(const char *s, const char *end, struct tp_field *f, unsigned line,
			 char *err, size_t errlen)
{
	const char *semi = memchr(s, ';', (size_t)(end - s));
	unsigned long offset, size, sign = 0;

	memset(f, 0, sizeof(*f));
	if (!semi || memchr(s, ':', (size_t)(semi - s)))
		return tp_fail(err, errlen, line, "field declaration without ';'");
	if (tp_decl(s, (size_t)(semi - s), f))
		return tp_fail(err, errlen, line, "cannot read the field name in '%.*s'",
			       (int)(semi - s), s);
	s = semi + 1;
	if (tp_key_num(&s, end, "offset", &offset) || tp_key_num(&s, end, "size", &size))
		return tp_fail(err, errlen, line, "field %s: expected 'offset:N; size:N;'", f->name);
	/* "signed:" appeared in 2.6.36; older files lack it. */
	if (tp_key_num(&s, end, "signed", &sign) == 0 && sign > 1)
		return tp_fail(err, errlen, line, "field %s: signed must be 0 or 1", f->name);
	if (size == 0 || offset + size > 0xffff)
		return tp_fail(err, errlen, line, "field %s: offset %lu size %lu out of range",
			       f->name, offset, size);
	if ((f->kind == TP_FIELD_DATA_LOC || f->kind == TP_FIELD_REL_LOC) && size != 4)
		return tp_fail(err, errlen, line, "field %s: a __data_loc field must have size 4",
			       f->name);
	if (f->kind == TP_FIELD_INT && size != 1 && size != 2 && size != 4 && size != 8)
		f->kind = TP_FIELD_ARRAY;	/* an opaque blob (a struct): never read as a number */
	f->offset = (uint32_t)offset;
	f->size = (uint32_t)size;
	f->is_signed = (uint8_t)sign;
	return 0;
}

int tp_format_parse(const char *text, size_t len, struct tp_format *fmt, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int have_id = 0, have_name = 0;

	memset(fmt, 0, sizeof(*fmt));
	if (err && errlen)
		err[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p;

		line++;
		p = nl ? nl + 1 : end;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (memchr(s, '\0', (size_t)(le - s)))
			return tp_fail(err, errlen, line, "NUL byte in a format file");
		if ((size_t)(le - s) > 5 && memcmp(s, "name:", 5) == 0) {
			s += 5;
			while (s < le && *s == ' ')
				s++;
			if (le - s <= 0 || (size_t)(le - s) >= sizeof(fmt->name))
				return tp_fail(err, errlen, line, "bad event name");
			memcpy(fmt->name, s, (size_t)(le - s));
			have_name = 1;
		} else if ((size_t)(le - s) > 3 && memcmp(s, "ID:", 3) == 0) {
			char buf[16], *e;
			unsigned long v;
			size_t n = (size_t)(le - s - 3);

			if (n >= sizeof(buf))
				return tp_fail(err, errlen, line, "bad ID");
			memcpy(buf, s + 3, n);
			buf[n] = '\0';
			errno = 0;
			v = strtoul(buf, &e, 10);
			if (errno || e == buf || *e || v == 0 || v > 0xffff)
				return tp_fail(err, errlen, line, "bad ID '%s'", buf);
			fmt->id = (uint32_t)v;
			have_id = 1;
		} else if ((size_t)(le - s) > 6 && memcmp(s, "field:", 6) == 0) {
			struct tp_field f;
			int rc = tp_field_line(s + 6, le, &f, line, err, errlen);

			if (rc)
				return rc;
			if (tp_format_field(fmt, f.name))
				return tp_fail(err, errlen, line, "field %s declared twice", f.name);
			if (fmt->nfields == TP_FIELDS_MAX)
				return tp_fail(err, errlen, line, "more than %d fields", TP_FIELDS_MAX);
			fmt->fields[fmt->nfields++] = f;
		} else if ((size_t)(le - s) >= 10 && memcmp(s, "print fmt:", 10) == 0) {
			break;	/* the rest is a printf format we have no use for */
		}
	}
	if (!have_name)
		return tp_fail(err, errlen, line, "no 'name:' line");
	if (!have_id)
		return tp_fail(err, errlen, line, "no 'ID:' line");
	if (!fmt->nfields)
		return tp_fail(err, errlen, line, "no fields");
	return 0;
}

const struct tp_field *tp_format_field(const struct tp_format *fmt, const char *name)
{
	uint32_t i;

	for (i = 0; i < fmt->nfields; i++)
		if (strcmp(fmt->fields[i].name, name) == 0)
			return &fmt->fields[i];
	return NULL;
}

int tp_read_int(const struct tp_field *f, const void *raw, size_t len, int64_t *out)
{
	const unsigned char *p = raw;
	uint64_t v = 0;

	if (f->kind != TP_FIELD_INT && f->kind != TP_FIELD_DATA_LOC && f->kind != TP_FIELD_REL_LOC)
		return -EBADMSG;
	if ((size_t)f->offset + f->size > len)
		return -EBADMSG;
	p += f->offset;
	switch (f->size) {
	case 1: {
		uint8_t x = p[0];

		v = f->is_signed ? (uint64_t)(int64_t)(int8_t)x : x;
		break;
	}
	case 2: {
		uint16_t x;

		memcpy(&x, p, 2);
		v = f->is_signed ? (uint64_t)(int64_t)(int16_t)x : x;
		break;
	}
	case 4: {
		uint32_t x;

		memcpy(&x, p, 4);
		v = f->is_signed ? (uint64_t)(int64_t)(int32_t)x : x;
		break;
	}
	case 8:
		memcpy(&v, p, 8);
		break;
	default:
		return -EBADMSG;
	}
	*out = (int64_t)v;
	return 0;
}

static void tp_copy_str(const unsigned char *s, size_t n, char *buf, size_t buflen)
{
	const unsigned char *nul = memchr(s, '\0', n);

	if (nul)
		n = (size_t)(nul - s);
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

int tp_read_str(const struct tp_field *f, const void *raw, size_t len, char *buf, size_t buflen)
{
	const unsigned char *p = raw;
	uint32_t loc, off, n;

	if (!buflen)
		return -EINVAL;
	buf[0] = '\0';
	if ((size_t)f->offset + f->size > len)
		return -EBADMSG;
	if (f->kind == TP_FIELD_ARRAY) {
		tp_copy_str(p + f->offset, f->size, buf, buflen);
		return 0;
	}
	if (f->kind != TP_FIELD_DATA_LOC && f->kind != TP_FIELD_REL_LOC)
		return -EBADMSG;
	memcpy(&loc, p + f->offset, 4);
	off = loc & 0xffff;
	n = loc >> 16;
	if (f->kind == TP_FIELD_REL_LOC)
		off += f->offset + f->size;
	if ((size_t)off + n > len)
		return -EBADMSG;
	tp_copy_str(p + off, n, buf, buflen);
	return 0;
}
