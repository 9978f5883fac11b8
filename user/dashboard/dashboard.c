// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dashboard in three parts: the view model (dash_view.c: snapshot,
 * filter, sort, selection, pause, without curses), the drawing of the main
 * screen (dash_draw.c) and of the detail view (dash_detail.c); term.c owns
 * the terminal.  This file joins them: keys from the terminal go to the
 * view, the view is drawn after them and every interval.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include "clock.h"
#include "dash_draw.h"
#include "dash_view.h"
#include "dashboard.h"
#include "term.h"

#define KEY_ESC 27
#define KEY_DEL 127

struct dashboard {
	struct view view;
	struct dash_info info;
};

/* A key from curses as the view knows it. */
static int view_key_of(int key)
{
	switch (key) {
	case KEY_UP:
		return VKEY_UP;
	case KEY_DOWN:
		return VKEY_DOWN;
	case KEY_PPAGE:
		return VKEY_PGUP;
	case KEY_NPAGE:
		return VKEY_PGDN;
	case KEY_HOME:
		return VKEY_HOME;
	case KEY_END:
		return VKEY_END;
	case KEY_LEFT:
		return VKEY_LEFT;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return VKEY_ENTER;
	case KEY_ESC:
		return VKEY_ESC;
	case KEY_BACKSPACE:
	case KEY_DEL:
	case '\b':
		return VKEY_BACKSPACE;
	default:
		return key >= 0 && key < 0x80 ? key : VKEY_OTHER;
	}
}

static void info_fill(struct dash_info *info, const struct config *cfg, const char *mode)
{
	struct utsname u;

	uname(&u);
	snprintf(info->host, sizeof(info->host), "%s", u.nodename);
	snprintf(info->kernel, sizeof(info->kernel), "%s", u.release);
	snprintf(info->mode, sizeof(info->mode), "%s", mode);
	info->interval_ms = cfg->interval_ms;
	info->stall_ms = cfg->stall_ms;
	info->limits = cfg->limits;
	info->utf8 = term_utf8();
	info->start_ns = mono_now_ns();
}

struct dashboard *dashboard_open(const struct config *cfg, const char *mode)
{
	struct dashboard *db = calloc(1, sizeof(*db));
	int err;

	if (!db) {
		fprintf(stderr, "synscope: --dashboard: out of memory; streaming text instead\n");
		return NULL;
	}
	err = term_open();
	if (err) {
		if (err == -ENOTTY)
			fprintf(stderr, "synscope: --dashboard: standard output is not a terminal; "
					"streaming text instead\n");
		else
			fprintf(stderr,
				"synscope: --dashboard: cannot use terminal type '%s'; "
				"streaming text instead\n",
				getenv("TERM") ? getenv("TERM") : "");
		free(db);
		return NULL;
	}
	info_fill(&db->info, cfg, mode);
	view_init(&db->view);
	db->view.snap.mono_ns = db->info.start_ns;
	dash_render(&db->view, &db->info);
	return db;
}

void dashboard_warn(struct dashboard *db, const char *text)
{
	if (db)
		snprintf(db->info.warning, sizeof(db->info.warning), "%s", text);
}

void dashboard_close(struct dashboard *db)
{
	if (!db)
		return;
	term_close();
	view_free(&db->view);
	free(db);
}

int dashboard_fd(const struct dashboard *db)
{
	return db ? term_input_fd() : -1;
}

bool dashboard_keys(struct dashboard *db)
{
	bool redraw = false;
	int key;

	/* Gone with SIGHUP ignored: stop as on SIGTERM, rather than spin on it. */
	if (term_gone()) {
		fprintf(stderr, "synscope: --dashboard: the terminal is gone: stopping\n");
		return false;
	}
	while ((key = term_key()) != ERR) {
		switch (view_key(&db->view, view_key_of(key))) {
		case VIEW_QUIT:
			return false;
		case VIEW_REPAINT:
			clearok(curscr, TRUE);
			break;
		default:
			break;
		}
		redraw = true;
	}
	if (redraw)
		dash_render(&db->view, &db->info);
	return true;
}

void dashboard_draw(struct dashboard *db, const struct collector *c, __u64 now_ns)
{
	view_refresh(&db->view, c, now_ns);
	dash_render(&db->view, &db->info);
}
