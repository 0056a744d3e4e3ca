/* SPDX-License-Identifier: MIT */
/*
 * SVG line plots. Coordinates are rounded to 0.1 px and repeated points
 * dropped, so curves of thousands of points stay small files. Tick steps
 * are 1, 2 or 5 times a power of ten.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

#define W 640.0
#define H 420.0
#define ML 72.0		/* margins: room for tick labels and axis titles */
#define MR 20.0
#define MT 36.0
#define MB 52.0

static const char *const colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
};

static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static double nice_step(double range)
{
	double raw = range / 5, mag, f;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void tick_label(char *buf, size_t len, double v, double step)
{
	double a = fabs(v);

	if (a < step * 1e-9)
		v = a = 0;	/* no "-0" for a tick computed as -0.0 */
	if (a >= 1e6 && step >= 1e5)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (a >= 1e3 && step >= 100)
		snprintf(buf, len, "%gk", v / 1e3);
	else if (step >= 1)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f", (int)ceil(-log10(step) - 1e-9), v);
}

static void range_of(const struct svg_series *s, size_t n, int y, double *lo, double *hi)
{
	size_t i, j;

	*lo = 0;
	*hi = 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < s[i].n; j++) {
			double v = y ? s[i].y[j] : s[i].x[j];

			if (v > *hi)
				*hi = v;
			if (v < *lo)
				*lo = v;
		}
	if (*hi <= *lo)
		*hi = *lo + 1;
}

int svg_write(const char *path, const struct svg_plot *p, const struct svg_series *s, size_t n)
{
	double x0 = p->xmin, x1 = p->xmax, y0 = p->ymin, y1 = p->ymax, step, v;
	const double pw = W - ML - MR, ph = H - MT - MB;
	FILE *f = fopen(path, "w");
	char buf[32];
	size_t i, j;
	int err;

	if (!f)
		return -1;
	if (x1 <= x0) {
		range_of(s, n, 0, &x0, &x1);
		step = nice_step(x1 - x0);
		x1 = ceil(x1 / step) * step;
	}
	if (y1 <= y0) {
		range_of(s, n, 1, &y0, &y1);
		/* Room for the error bars' tops and bottoms. */
		for (i = 0; i < n; i++)
			for (j = 0; s[i].err && j < s[i].n; j++)
				if (s[i].err[j] > 0) {
					y1 = fmax(y1, s[i].y[j] + s[i].err[j]);
					y0 = fmin(y0, s[i].y[j] - s[i].err[j]);
				}
		step = nice_step(y1 - y0);
		y1 = ceil(y1 / step) * step;
	}
#define PX(xv) (ML + ((xv) - x0) / (x1 - x0) * pw)
#define PY(yv) (MT + ph - ((yv) - y0) / (y1 - y0) * ph)
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, H, W, H);
	fprintf(f, "<text x=\"%.1f\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">", W / 2);
	xml_text(f, p->title);
	fputs("</text>\n", f);
	/* grid, ticks and labels */
	step = p->xnames ? 1 : nice_step(x1 - x0);
	for (v = ceil(x0 / step) * step; v <= x1 + step * 1e-9; v += step) {
		if (p->xnames)
			snprintf(buf, sizeof(buf), "%s", v >= 0 && v < (double)p->nxnames ?
				 p->xnames[(size_t)v] : "");
		else
			tick_label(buf, sizeof(buf), v, step);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			PX(v), MT, PX(v), MT + ph, PX(v), MT + ph + 16, buf);
	}
	step = nice_step(y1 - y0);
	for (v = ceil(y0 / step) * step; v <= y1 + step * 1e-9; v += step) {
		tick_label(buf, sizeof(buf), v, step);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			ML, PY(v), ML + pw, PY(v), ML - 6, PY(v) + 4, buf);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		   "stroke=\"#444\"/>\n", ML, MT, pw, ph);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", ML + pw / 2, H - 12);
	xml_text(f, p->xlabel);
	fprintf(f, "</text>\n<text transform=\"translate(18 %.1f) rotate(-90)\" "
		   "text-anchor=\"middle\">", MT + ph / 2);
	xml_text(f, p->ylabel);
	fputs("</text>\n", f);
	if (p->diagonal)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#aaa\" "
			   "stroke-dasharray=\"4 4\"/>\n", PX(x0), PY(y0), PX(x1), PY(y1));
	for (i = 0; i < p->nxmarks; i++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
			   "stroke-dasharray=\"1 3\"/>\n", PX(p->xmarks[i]), MT, PX(p->xmarks[i]),
			MT + ph);
	/* series */
	for (i = 0; i < n; i++) {
		double lx = NAN, ly = NAN;

		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"",
			colors[i % (sizeof(colors) / sizeof(colors[0]))]);
		for (j = 0; j < s[i].n; j++) {
			double px = round(PX(s[i].x[j]) * 10) / 10, py = round(PY(s[i].y[j]) * 10) / 10;

			if (px == lx && py == ly)
				continue;
			fprintf(f, "%.1f,%.1f ", px, py);
			lx = px;
			ly = py;
		}
		fputs("\"/>\n", f);
		for (j = 0; s[i].err && j < s[i].n; j++) {
			double px = PX(s[i].x[j]);

			if (!(s[i].err[j] > 0))
				continue;
			fprintf(f, "<path stroke=\"%s\" stroke-width=\"1\" d=\"M%.1f %.1fV%.1f"
				   "M%.1f %.1fH%.1fM%.1f %.1fH%.1f\"/>\n",
				colors[i % (sizeof(colors) / sizeof(colors[0]))], px,
				PY(s[i].y[j] + s[i].err[j]), PY(s[i].y[j] - s[i].err[j]), px - 2,
				PY(s[i].y[j] + s[i].err[j]), px + 2, px - 2,
				PY(s[i].y[j] - s[i].err[j]), px + 2);
		}
	}
	/* legend, lower right, on a white box over whatever curve runs there */
	if (n)
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"232\" height=\"%.1f\" fill=\"white\" "
			   "fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n", ML + pw - 238,
			MT + ph - 26 - (double)(n - 1) * 18, (double)(n - 1) * 18 + 22);
	for (i = 0; i < n; i++) {
		double ly = MT + ph - 14 - (double)(n - 1 - i) * 18;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			   "stroke-width=\"3\"/><text x=\"%.1f\" y=\"%.1f\">",
			ML + pw - 230, ly, ML + pw - 206, ly,
			colors[i % (sizeof(colors) / sizeof(colors[0]))], ML + pw - 200, ly + 4);
		xml_text(f, s[i].label);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
#undef PX
#undef PY
	err = ferror(f);
	if (fclose(f) || err) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
