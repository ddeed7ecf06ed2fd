/* SPDX-License-Identifier: MIT */
/* srpass -- `run`: assign VFs, run the guest with their QEMU arguments, release them after */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/util.h"
#include "core/assign.h"
#include "core/config.h"
#include "core/guest.h"
#include "core/host.h"
#include "core/launch.h"
#include "core/ledger.h"
#include "core/names.h"
#include "switch/vfswitch.h"

/*
 * The guest is srpass's child; srpass holds no lock while it runs.  The
 * order makes a crash at any point recoverable:
 *
 *   assign each VF (each its own transaction; a failure releases those
 *   done, and the command never starts)
 *   fork: the child waits on a pipe before it execs
 *   read the child's start time under the host root, record pid and
 *   start time with every VF (one transaction), then let the child exec
 *   wait for it, forwarding SIGTERM, SIGINT and SIGHUP
 *   release each VF
 *
 * If srpass is killed while the guest runs, the ledger names the guest:
 * `srpass recover` releases the VFs once it is gone, audit reports them.
 */

static volatile sig_atomic_t child_pid;
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP };

static void forward(int sig)
{
	pid_t p = (pid_t)child_pid;

	if (p > 0)
		kill(p, sig);
}

struct run_args {
	struct srp_assign_req req;
	struct srp_bdf vfs[64];
	size_t n;
	char **cmd;
	size_t n_cmd;
};

static int parse(struct srp_cli *cli, int argc, char **argv, struct run_args *ra)
{
	static const struct option opts[] = {
		{ "tenant", required_argument, NULL, 't' },
		{ "domain", required_argument, NULL, 'd' },
		{ "backend", required_argument, NULL, 'b' },
		{ "vlan", required_argument, NULL, 'V' },
		{ "mac", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long seen = 0;
	int c, dd, r;

	/* srpass's words end at "--"; COMMAND's are never parsed */
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	if (dd >= argc || dd + 1 >= argc)
		return srp_cli_usage(cli, "which COMMAND? (after --)");
	ra->cmd = argv + dd + 1;
	ra->n_cmd = (size_t)(argc - dd - 1);
	argv[dd] = NULL;
	while ((c = getopt_long(dd, argv, "t:d:b:V:m:j", opts, NULL)) != -1) {
		if (srp_cli_once("run", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		r = srp_cli_assign_opt(cli, c, optarg, &ra->req);
		if (r >= 0) {
			if (r != SRP_EXIT_OK)
				return r;
			continue;
		}
		if (c != 'j') {
			argv[dd] = "--";
			return srp_cli_badopt(cli, argv);
		}
	}
	argv[dd] = "--";
	if (ra->req.tenant == NULL || ra->req.domain == NULL)
		return srp_cli_usage(cli, "%s is required", ra->req.tenant == NULL ?
				     "--tenant T" : "--domain D");
	if (optind >= dd)
		return srp_cli_usage(cli, "which VF? (one or more, before --)");
	if (dd - optind > (int)ARRAY_SIZE(ra->vfs))
		return srp_cli_usage(cli, "at most %zu VFs", ARRAY_SIZE(ra->vfs));
	if (ra->req.has_mac && dd - optind > 1)
		return srp_cli_usage(cli, "--mac M is for one VF (two VFs with one MAC would be "
				     "SRP-MAC-001)");
	for (int i = optind; i < dd; i++) {
		if (srp_function_by_name(cli->host, argv[i], &ra->vfs[ra->n], &cli->err) < 0)
			return SRP_EXIT_FAIL;
		for (size_t k = 0; k < ra->n; k++)
			if (srp_bdf_cmp(&ra->vfs[k], &ra->vfs[ra->n]) == 0)
				return srp_cli_usage(cli, "%s is named twice", argv[i]);
		ra->n++;
	}
	return SRP_EXIT_OK;
}

static const char *bdf_str(const struct srp_bdf *b, char buf[SRP_BDF_STRLEN])
{
	return srp_bdf_format(b, buf);
}

/* Release the first n VFs, the last first; each failure is prefixed to
 * err (the first kept) and the others are still released.  -1 if any
 * failed. */
static int release_all(struct srp_cli *cli, const struct run_args *ra, size_t n)
{
	int bad = 0;

	for (size_t i = n; i-- > 0;) {
		struct srp_err one = { 0 };
		char b[SRP_BDF_STRLEN];

		if (srp_release(cli->host, &ra->vfs[i], 0, NULL, &one) < 0) {
			fprintf(stderr, "srpass run: releasing %s: %s\n", bdf_str(&ra->vfs[i], b),
				one.msg);
			if (!bad)
				cli->err = one;
			bad = 1;
		} else if (!cli->json) {
			fprintf(stderr, "srpass run: released %s\n", bdf_str(&ra->vfs[i], b));
		}
	}
	return bad ? -1 : 0;
}

/* Every VF or none: a failure releases those this run assigned. */
static int assign_all(struct srp_cli *cli, struct run_args *ra)
{
	for (size_t i = 0; i < ra->n; i++) {
		struct srp_err keep;
		char b[SRP_BDF_STRLEN];

		ra->req.vf = ra->vfs[i];
		/* a VF already assigned is another's to release: refused */
		ra->req.strict = 1;
		if (srp_assign(cli->host, cli->cfg, &ra->req, NULL, &cli->err) < 0) {
			keep = cli->err;
			if (release_all(cli, ra, i) < 0)
				srp_err_prefix(&keep, "[rolling back the VFs assigned before failed: "
					       "%s; run 'srpass release'] ", cli->err.msg);
			cli->err = keep;
			return -1;
		}
		if (!cli->json)
			fprintf(stderr, "srpass run: assigned %s to tenant '%s', domain '%s'\n",
				bdf_str(&ra->vfs[i], b), ra->req.tenant, ra->req.domain);
	}
	return 0;
}

static int by_bdf(const void *x, const void *y)
{
	const struct srp_assignment *const *a = x, *const *b = y;

	return srp_bdf_cmp(&(*a)->vf, &(*b)->vf);
}

/* COMMAND with `launch qemu --domain D VF...`'s words, from the ledger. */
static int build_argv(struct srp_cli *cli, const struct run_args *ra, struct srp_strv *argv)
{
	const struct srp_assignment *v[ARRAY_SIZE(ra->vfs)];
	struct srp_launch_opts o = { .format = SRP_LAUNCH_QEMU, .addr = -1 };
	struct srp_strv words = { 0 };
	struct srp_ledger *l = NULL;
	int r;

	if (srp_ledger_peek(cli->host, &l, &cli->err) < 0)
		return -1;
	for (size_t i = 0; i < ra->n; i++) {
		v[i] = srp_ledger_find(l, &ra->vfs[i]);
		if (v[i] == NULL) {
			srp_ledger_close(l);
			return srp_err_set(&cli->err, -ENOENT, "the ledger lost a VF just assigned");
		}
	}
	qsort(v, ra->n, sizeof(v[0]), by_bdf);
	r = srp_launch_build(v, ra->n, &o, &words, &cli->err);
	srp_ledger_close(l);
	if (r < 0)
		return r;
	r = srp_launch_command(ra->cmd, ra->n_cmd, &words, argv);
	srp_strv_free(&words);
	if (r < 0)
		return srp_err_set(&cli->err, r, "out of memory");
	return 0;
}

/* The child: wait for the parent's go, then exec; an exec failure's
 * errno goes back on errfd. */
static void child(struct srp_cli *cli, char **argv, int gate, int errfd, const sigset_t *mask)
{
	char go;
	int e;

	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	/* with --json srpass's stdout is one document: the command's goes to stderr */
	if (cli->json && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	if (read(gate, &go, 1) != 1)
		_exit(127);	/* the parent could not record the guest */
	execvp(argv[0], argv);
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* The exit code of a wait status: the command's, or 128 + its signal. */
static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return SRP_EXIT_FAIL;
}

/* Start argv, record it as the guest of the VFs, wait for it.  Returns
 * its exit code (>= 0) with *st its wait status, or -1 (cli->err) if it
 * could not be started or recorded (then it never ran). */
static int start_and_wait(struct srp_cli *cli, const struct run_args *ra, char **argv, int *st,
			  int *exec_errno)
{
	struct sigaction sa = { .sa_handler = forward };
	sigset_t block, old;
	unsigned long long start;
	char state;
	int gate[2], errp[2], e = 0, r;
	pid_t pid;
	ssize_t n;

	if (pipe2(gate, O_CLOEXEC) < 0)
		return srp_err_set(&cli->err, -errno, "pipe");
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(gate[0]);
		close(gate[1]);
		return srp_err_set(&cli->err, -errno, "pipe");
	}
	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&block, forwarded[i]);
	/* blocked until the child's pid is known: none is lost, each is forwarded */
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(gate[1]);
		close(errp[0]);
		child(cli, argv, gate[0], errp[1], &old);
	}
	close(gate[0]);
	close(errp[1]);
	if (pid < 0) {
		r = srp_err_set(&cli->err, -errno, "fork");
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(gate[1]);
		close(errp[0]);
		return r;
	}
	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = srp_guest_read(&cli->host->sys, pid, &state, &start, &cli->err);
	if (r < 0)
		srp_err_prefix(&cli->err, "the guest's start time (under the host root %s): ",
			       cli->root);
	else
		r = srp_guest_record(cli->host, ra->vfs, ra->n, pid, start, &cli->err);
	if (r == 0 && write(gate[1], "g", 1) != 1)
		r = srp_err_set(&cli->err, -errno, "starting the command");
	close(gate[1]);
	if (r < 0)
		kill(pid, SIGKILL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* 0 bytes: the exec happened (the pipe closed on exec) */
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	while (waitpid(pid, st, 0) < 0)
		if (errno != EINTR) {
			*st = 0;
			break;
		}
	child_pid = 0;
	if (r < 0)
		return -1;
	*exec_errno = n == (ssize_t)sizeof(e) ? e : 0;
	return status_code(*st);
}

static void result(struct srp_cli *cli, const struct run_args *ra, const struct srp_strv *argv,
		   int code, int st, int released)
{
	struct json_object *o = srp_cli_result(cli, 1, 0), *a, *x;
	char b[SRP_BDF_STRLEN];

	if (o == NULL)
		return;
	json_object_object_add(o, "tenant", json_object_new_string(ra->req.tenant));
	json_object_object_add(o, "domain", json_object_new_string(ra->req.domain));
	a = json_object_new_array();
	for (size_t i = 0; i < ra->n; i++)
		json_object_array_add(a, json_object_new_string(bdf_str(&ra->vfs[i], b)));
	json_object_object_add(o, "vfs", a);
	a = json_object_new_array();
	for (size_t i = 0; i < argv->n; i++)
		json_object_array_add(a, json_object_new_string(argv->v[i]));
	json_object_object_add(o, "argv", a);
	x = json_object_new_object();
	json_object_object_add(x, "code", json_object_new_int(code));
	json_object_object_add(x, "status", WIFEXITED(st) ?
			       json_object_new_int(WEXITSTATUS(st)) : NULL);
	json_object_object_add(x, "signal", WIFSIGNALED(st) ?
			       json_object_new_int(WTERMSIG(st)) : NULL);
	json_object_object_add(o, "exit", x);
	json_object_object_add(o, "released", json_object_new_boolean(released));
}

int cmd_run(struct srp_cli *cli, int argc, char **argv)
{
	struct run_args ra = { .req.backend = cli->cfg->backend };
	struct srp_strv cmd = { 0 };
	int rc, st = 0, exec_errno = 0, code;

	rc = parse(cli, argc, argv, &ra);
	if (rc != SRP_EXIT_OK)
		return rc;
	if (cli->cfg->n_tenants == 0) {
		srp_err_input(&cli->err, -ENOENT, "no tenants are configured: define [tenant:%s] in "
			      "%s (see srpass.conf(5))", ra.req.tenant,
			      cli->config ? cli->config : "/etc/srpass/srpass.conf");
		return SRP_EXIT_FAIL;
	}
	if (assign_all(cli, &ra) < 0)
		return SRP_EXIT_FAIL;
	code = -1;
	if (build_argv(cli, &ra, &cmd) == 0) {
		/* execvp's array ends with NULL */
		char **av = calloc(cmd.n + 1, sizeof(*av));

		if (av == NULL) {
			srp_err_set(&cli->err, -ENOMEM, "out of memory");
		} else {
			memcpy(av, cmd.v, cmd.n * sizeof(*av));
			code = start_and_wait(cli, &ra, av, &st, &exec_errno);
			free(av);
		}
	}
	if (code < 0) {
		struct srp_err keep = cli->err;

		if (release_all(cli, &ra, ra.n) < 0)
			srp_err_prefix(&keep, "[releasing the VFs failed too: %s] ", cli->err.msg);
		cli->err = keep;
		srp_strv_free(&cmd);
		return SRP_EXIT_FAIL;
	}
	if (exec_errno != 0)
		fprintf(stderr, "srpass run: cannot run '%s': %s\n", cmd.v[0], strerror(exec_errno));
	else if (!cli->json && WIFSIGNALED(st))
		fprintf(stderr, "srpass run: '%s' was killed by signal %d\n", cmd.v[0],
			WTERMSIG(st));
	rc = code;
	if (release_all(cli, &ra, ra.n) < 0) {
		/* the error is reported; the command's failure stands, else 1 */
		srp_strv_free(&cmd);
		return rc != 0 ? rc : SRP_EXIT_FAIL;
	}
	/* stdout is the command's: srpass's own lines go to stderr */
	if (cli->json)
		srp_cli_say(cli, "ran %s (exit %d); released %zu VF%s", cmd.v[0], code, ra.n,
			    ra.n == 1 ? "" : "s");
	else
		fprintf(stderr, "srpass run: %s exited %d; released %zu VF%s\n", cmd.v[0], code,
			ra.n, ra.n == 1 ? "" : "s");
	result(cli, &ra, &cmd, code, st, 1);
	srp_strv_free(&cmd);
	if (rc != SRP_EXIT_OK && cli->result != NULL) {
		/* main prints the result only on success: here it is the run's */
		srp_cli_finish(cli);
		json_object_put(cli->result);
		cli->result = NULL;
	}
	return rc;
}
