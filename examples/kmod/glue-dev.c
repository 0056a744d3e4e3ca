// SPDX-License-Identifier: MIT
/*
 * /dev/selfseq: a misc device speaking a line protocol. Each write() is one
 * command line (README.md lists them); its answer, text or profile bytes,
 * is then read() until end of file. A read() before any command answers
 * "status", so `cat /dev/selfseq` works. `load SIZE` is followed by SIZE
 * bytes of a v1 profile, in the same write() or in later ones. A failed
 * command returns a negative errno from write() and leaves a one-line
 * explanation ("error: ...") to read.
 */
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "glue.h"

/* A command line: a verb, an object and a path at most. */
#define KSS_LINE_MAX (PATH_MAX + 64)

struct kss_file {
	struct mutex lock;
	struct kss_out out;
	size_t rpos;
	bool answered;
	u8 *in;			/* a load's payload being received */
	size_t in_len, in_want;
};

int kss_out_reserve(struct kss_out *out, size_t need)
{
	size_t cap;
	char *buf;

	if (out->err)
		return out->err;
	if (need <= out->cap)
		return 0;
	cap = max_t(size_t, need, max_t(size_t, 2 * out->cap, 4096));
	buf = kvmalloc(cap, GFP_KERNEL);
	if (!buf) {
		out->err = -ENOMEM;
		return out->err;
	}
	if (out->len)
		memcpy(buf, out->buf, out->len);
	kvfree(out->buf);
	out->buf = buf;
	out->cap = cap;
	return 0;
}

void kss_out_printf(struct kss_out *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || kss_out_reserve(out, out->len + n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(out->buf + out->len, n + 1, fmt, ap);
	va_end(ap);
	out->len += n;
}

void kss_out_bytes(struct kss_out *out, const void *data, size_t n)
{
	if (kss_out_reserve(out, out->len + n))
		return;
	memcpy(out->buf + out->len, data, n);
	out->len += n;
}

/* Paths and names may hold any byte but NUL: keep one record per line. */
void kss_out_escaped(struct kss_out *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c <= ' ' || c == '\\' || c == 0x7f)
			kss_out_printf(out, "\\x%02x", c);
		else
			kss_out_bytes(out, s, 1);
	}
}

static void kss_answer_reset(struct kss_file *f)
{
	f->out.len = 0;
	f->out.err = 0;
	f->rpos = 0;
	f->answered = true;
}

static int kss_open(struct inode *inode, struct file *file)
{
	struct kss_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return stream_open(inode, file);
}

static int kss_release(struct inode *inode, struct file *file)
{
	struct kss_file *f = file->private_data;

	kvfree(f->out.buf);
	kvfree(f->in);
	kfree(f);
	return 0;
}

static ssize_t kss_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct kss_file *f = file->private_data;
	ssize_t ret;
	size_t n;

	mutex_lock(&f->lock);
	if (!f->answered) {
		char status[] = "status";

		kss_answer_reset(f);
		ret = kss_cmd_run(status, &f->out);
		if (ret)
			goto out;
	}
	n = min(count, f->out.len - f->rpos);
	ret = -EFAULT;
	if (copy_to_user(ubuf, f->out.buf + f->rpos, n))
		goto out;
	f->rpos += n;
	ret = n;
out:
	mutex_unlock(&f->lock);
	return ret;
}

/* Take payload bytes of a pending load; decode once all have come. */
static ssize_t kss_write_payload(struct kss_file *f, const char __user *ubuf, size_t count)
{
	size_t n = min(count, f->in_want - f->in_len);
	int err;

	if (copy_from_user(f->in + f->in_len, ubuf, n))
		return -EFAULT;
	f->in_len += n;
	if (f->in_len < f->in_want)
		return n;
	kss_answer_reset(f);
	err = kss_cmd_load(f->in, f->in_len, &f->out);
	kvfree(f->in);
	f->in = NULL;
	f->in_len = 0;
	f->in_want = 0;
	return err ? err : (ssize_t)n;
}

static ssize_t kss_write_line(struct kss_file *f, const char __user *ubuf, size_t count)
{
	size_t len = min_t(size_t, count, KSS_LINE_MAX), used;
	unsigned long long size;
	char *line, *nl;
	ssize_t ret;

	line = kmalloc(len + 1, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(line, ubuf, len))
		goto out;
	line[len] = '\0';
	nl = memchr(line, '\n', len);
	ret = -EINVAL;
	if (!nl && count > len)
		goto out;	/* longer than any command */
	if (nl)
		*nl = '\0';
	used = nl ? (size_t)(nl - line) + 1 : count;
	if (strlen(line) != (nl ? (size_t)(nl - line) : len))
		goto out;	/* a NUL inside the line */

	if (sscanf(line, "load %llu", &size) == 1) {
		kss_answer_reset(f);
		if (!size || size > KSS_LOAD_MAX) {
			kss_out_printf(&f->out, "error: load size %llu is not 1..%u\n", size,
				       KSS_LOAD_MAX);
			ret = size ? -EFBIG : -EINVAL;
			goto out;
		}
		ret = -ENOMEM;
		f->in = kvmalloc(size, GFP_KERNEL);
		if (!f->in)
			goto out;
		f->in_want = size;
		f->in_len = 0;
		ret = used;
		if (count > used) {
			ssize_t more = kss_write_payload(f, ubuf + used, count - used);

			ret = more < 0 ? more : ret + more;
		}
		goto out;
	}
	kss_answer_reset(f);
	ret = kss_cmd_run(line, &f->out);
	if (!ret && f->out.err)
		ret = f->out.err;
	if (!ret)
		ret = used;
out:
	kfree(line);
	return ret;
}

static ssize_t kss_write(struct file *file, const char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct kss_file *f = file->private_data;
	ssize_t ret;

	if (!count)
		return 0;
	mutex_lock(&f->lock);
	if (f->in_want)
		ret = kss_write_payload(f, ubuf, count);
	else
		ret = kss_write_line(f, ubuf, count);
	mutex_unlock(&f->lock);
	return ret;
}

static const struct file_operations kss_fops = {
	.owner = THIS_MODULE,
	.open = kss_open,
	.release = kss_release,
	.read = kss_read,
	.write = kss_write,
	.llseek = no_llseek,
};

static struct miscdevice kss_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "selfseq",
	.fops = &kss_fops,
	.mode = 0600,
};

static bool kss_misc_registered;

int kss_misc_register(void)
{
	int err = misc_register(&kss_misc);

	kss_misc_registered = !err;
	return err;
}

void kss_misc_deregister(void)
{
	if (kss_misc_registered)
		misc_deregister(&kss_misc);
	kss_misc_registered = false;
}
