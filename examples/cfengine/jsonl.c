/* SPDX-License-Identifier: MIT */
/*
 * One JSON object per line (RFC 8259 syntax), read by recursive descent
 * with a depth bound; strings are unescaped (\uXXXX and surrogate pairs to
 * UTF-8) into a buffer as long as the line, so no string can overflow it.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

#define JL_MAX_DEPTH 32

struct jl {
	const char *p;
	size_t len, pos;
	const char *err;
	size_t errpos;
};

static int jl_fail(struct jl *j, const char *msg)
{
	if (!j->err) {
		j->err = msg;
		j->errpos = j->pos;
	}
	return -1;
}

static void jl_ws(struct jl *j)
{
	while (j->pos < j->len && (j->p[j->pos] == ' ' || j->p[j->pos] == '\t' ||
				   j->p[j->pos] == '\r' || j->p[j->pos] == '\n'))
		j->pos++;
}

static int jl_hex4(struct jl *j, unsigned *out)
{
	unsigned v = 0;

	if (j->len - j->pos < 4)
		return jl_fail(j, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = j->p[j->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return jl_fail(j, "bad hex digit in \\u escape");
	}
	*out = v;
	return 0;
}

static size_t jl_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at j->pos (the opening quote); unescaped into @out when not NULL. */
static int jl_string(struct jl *j, char *out, size_t *outlen)
{
	size_t n = 0;

	j->pos++;
	for (;;) {
		unsigned char c;

		if (j->pos >= j->len)
			return jl_fail(j, "unterminated string");
		c = (unsigned char)j->p[j->pos];
		if (c == '"') {
			j->pos++;
			break;
		}
		if (c < 0x20)
			return jl_fail(j, "control character in string");
		if (c != '\\') {
			if (out)
				out[n] = (char)c;
			n++;
			j->pos++;
			continue;
		}
		if (++j->pos >= j->len)
			return jl_fail(j, "unterminated escape");
		c = (unsigned char)j->p[j->pos++];
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			char tmp[4];
			size_t k;

			if (jl_hex4(j, &cp))
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (j->len - j->pos < 6 || j->p[j->pos] != '\\' || j->p[j->pos + 1] != 'u')
					return jl_fail(j, "lone high surrogate");
				j->pos += 2;
				if (jl_hex4(j, &lo))
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return jl_fail(j, "bad low surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return jl_fail(j, "lone low surrogate");
			}
			/* \uXXXX is at least 6 bytes of input for at most 4 of output. */
			k = jl_utf8(tmp, cp);
			if (out)
				memcpy(out + n, tmp, k);
			n += k;
			continue;
		}
		default:
			j->pos--;
			return jl_fail(j, "unknown escape");
		}
		if (out)
			out[n] = (char)c;
		n++;
	}
	if (out)
		out[n] = 0;
	if (outlen)
		*outlen = n;
	return 0;
}

static int jl_number(struct jl *j, struct jl_value *v)
{
	size_t start = j->pos;
	int digits = 0, plain = 1;
	char buf[64];
	char *end;

	if (j->pos < j->len && j->p[j->pos] == '-') {
		j->pos++;
		plain = 0;
	}
	if (j->pos < j->len && j->p[j->pos] == '0') {
		j->pos++;
		digits = 1;
	} else {
		while (j->pos < j->len && j->p[j->pos] >= '0' && j->p[j->pos] <= '9') {
			j->pos++;
			digits++;
		}
	}
	if (!digits)
		return jl_fail(j, "bad number");
	if (j->pos < j->len && j->p[j->pos] == '.') {
		plain = 0;
		j->pos++;
		if (j->pos >= j->len || j->p[j->pos] < '0' || j->p[j->pos] > '9')
			return jl_fail(j, "bad fraction");
		while (j->pos < j->len && j->p[j->pos] >= '0' && j->p[j->pos] <= '9')
			j->pos++;
	}
	if (j->pos < j->len && (j->p[j->pos] == 'e' || j->p[j->pos] == 'E')) {
		plain = 0;
		j->pos++;
		if (j->pos < j->len && (j->p[j->pos] == '+' || j->p[j->pos] == '-'))
			j->pos++;
		if (j->pos >= j->len || j->p[j->pos] < '0' || j->p[j->pos] > '9')
			return jl_fail(j, "bad exponent");
		while (j->pos < j->len && j->p[j->pos] >= '0' && j->p[j->pos] <= '9')
			j->pos++;
	}
	if (j->pos - start >= sizeof(buf))
		return jl_fail(j, "number too long");
	memcpy(buf, j->p + start, j->pos - start);
	buf[j->pos - start] = 0;
	v->type = JL_NUMBER;
	v->num = strtod(buf, &end);
	v->is_uint = 0;
	if (plain && digits <= 20) {
		unsigned long long u = strtoull(buf, &end, 10);

		/* 20 digits may still overflow: strtoull saturates, compare back. */
		if (digits < 20 || u >= 10000000000000000000ull) {
			v->is_uint = 1;
			v->uint = u;
		}
	}
	return 0;
}

static int jl_literal(struct jl *j, const char *word)
{
	size_t n = strlen(word);

	if (j->len - j->pos < n || memcmp(j->p + j->pos, word, n))
		return jl_fail(j, "unexpected character");
	j->pos += n;
	return 0;
}

static int jl_skip_value(struct jl *j, int depth);

static int jl_skip_container(struct jl *j, int depth, char close)
{
	if (depth > JL_MAX_DEPTH)
		return jl_fail(j, "nested too deeply");
	j->pos++;
	jl_ws(j);
	if (j->pos < j->len && j->p[j->pos] == close) {
		j->pos++;
		return 0;
	}
	for (;;) {
		jl_ws(j);
		if (close == '}') {
			if (j->pos >= j->len || j->p[j->pos] != '"')
				return jl_fail(j, "expected a member name");
			if (jl_string(j, NULL, NULL))
				return -1;
			jl_ws(j);
			if (j->pos >= j->len || j->p[j->pos] != ':')
				return jl_fail(j, "expected ':'");
			j->pos++;
		}
		if (jl_skip_value(j, depth + 1))
			return -1;
		jl_ws(j);
		if (j->pos < j->len && j->p[j->pos] == ',') {
			j->pos++;
			continue;
		}
		if (j->pos < j->len && j->p[j->pos] == close) {
			j->pos++;
			return 0;
		}
		return jl_fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int jl_skip_value(struct jl *j, int depth)
{
	struct jl_value v;

	jl_ws(j);
	if (j->pos >= j->len)
		return jl_fail(j, "missing value");
	switch (j->p[j->pos]) {
	case '"':
		return jl_string(j, NULL, NULL);
	case '{':
		return jl_skip_container(j, depth, '}');
	case '[':
		return jl_skip_container(j, depth, ']');
	case 't':
		return jl_literal(j, "true");
	case 'f':
		return jl_literal(j, "false");
	case 'n':
		return jl_literal(j, "null");
	default:
		return jl_number(j, &v);
	}
}

int jl_parse_object(const char *line, size_t len, jl_member_cb cb, void *ctx, size_t *errpos,
		    const char **errmsg)
{
	struct jl j = { .p = line, .len = len };
	char *key = malloc(len + 1), *val = malloc(len + 1);
	int ret = -1;

	if (!key || !val) {
		jl_fail(&j, "out of memory");
		goto out;
	}
	jl_ws(&j);
	if (j.pos >= j.len || j.p[j.pos] != '{') {
		jl_fail(&j, "not a JSON object");
		goto out;
	}
	j.pos++;
	jl_ws(&j);
	if (j.pos < j.len && j.p[j.pos] == '}') {
		j.pos++;
	} else {
		for (;;) {
			struct jl_value v = { 0 };
			size_t klen;

			jl_ws(&j);
			if (j.pos >= j.len || j.p[j.pos] != '"') {
				jl_fail(&j, "expected a member name");
				goto out;
			}
			if (jl_string(&j, key, &klen))
				goto out;
			jl_ws(&j);
			if (j.pos >= j.len || j.p[j.pos] != ':') {
				jl_fail(&j, "expected ':'");
				goto out;
			}
			j.pos++;
			jl_ws(&j);
			if (j.pos >= j.len) {
				jl_fail(&j, "missing value");
				goto out;
			}
			switch (j.p[j.pos]) {
			case '"':
				if (jl_string(&j, val, &v.len))
					goto out;
				v.type = JL_STRING;
				v.str = val;
				break;
			case '{':
			case '[':
				if (jl_skip_value(&j, 1))
					goto out;
				v.type = JL_NESTED;
				break;
			case 't':
			case 'f':
				v.type = JL_BOOL;
				v.boolean = j.p[j.pos] == 't';
				if (jl_literal(&j, v.boolean ? "true" : "false"))
					goto out;
				break;
			case 'n':
				v.type = JL_NULL;
				if (jl_literal(&j, "null"))
					goto out;
				break;
			default:
				if (jl_number(&j, &v))
					goto out;
			}
			/* A key with a NUL inside cannot be one of ours: ignore it. */
			if (strlen(key) == klen) {
				int r = cb(ctx, key, &v);

				if (r) {
					ret = r;
					goto out;
				}
			}
			jl_ws(&j);
			if (j.pos < j.len && j.p[j.pos] == ',') {
				j.pos++;
				continue;
			}
			if (j.pos < j.len && j.p[j.pos] == '}') {
				j.pos++;
				break;
			}
			jl_fail(&j, "expected ',' or '}'");
			goto out;
		}
	}
	jl_ws(&j);
	if (j.pos != j.len) {
		jl_fail(&j, "trailing characters after the object");
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		*errpos = j.errpos;
		*errmsg = j.err ? j.err : "syntax error";
	}
	free(key);
	free(val);
	return ret;
}
