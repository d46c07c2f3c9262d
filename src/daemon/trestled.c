/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trestled: start-up, the control thread's event loop and shutdown.
 *
 * Threads: the EAL's main lcore is the control thread (this loop: ctl socket, timers, signals);
 * every other lcore of -l runs a PMD (pmd.c) that polls its receive queues without stopping.
 * The control thread owns the configuration and publishes datapath state to the PMDs (RCU).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "ctl.h"
#include "daemon.h"
#include "ds.h"
#include "log.h"
#include "module.h"
#include "opts.h"
#include "pmd.h"
#include "xalloc.h"

static volatile int exit_requested;

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: trestled [EAL options] -- [OPTIONS]\n"
		"EAL options go to DPDK unchanged: the first lcore of -l is the control thread,\n"
		"the others run PMDs. Every DPDK process on a host needs its own --file-prefix.\n"
		"\n"
		"Options:\n"
		"  --db FILE        saved configuration (default %s)\n"
		"  --ctl SOCKET     command socket (default %s)\n"
		"  --run-dir DIR    vhost-user server sockets (default %s)\n"
		"  --pidfile FILE   write the daemon's pid\n"
		"  --log-file FILE  log there instead of to stderr\n"
		"  --detach         run in the background once ready\n"
		"  --mbufs N        packet buffers in the shared pool (default %u; a pcap port\n"
		"                   with infinite_rx holds its whole file in buffers)\n"
		"  --ctl-idle-timeout SECONDS\n"
		"                   close a ctl connection that begins no request for that long\n"
		"                   (default %g)\n"
		"  --ctl-request-timeout SECONDS\n"
		"                   close a ctl connection whose request is not whole, or whose\n"
		"                   reply is not read, that long after it began (default %g)\n"
		"                   (time the daemon spends running commands counts for neither)\n"
		"  -h, --help       this text\n"
		"  -V, --version    version\n",
		trestled_opts.db_path, trestled_opts.ctl_path, trestled_opts.run_dir,
		trestled_opts.mbufs, trestled_opts.ctl_idle_timeout,
		trestled_opts.ctl_request_timeout);
}

/* A timeout in seconds, from 0.1 s to a day. */
static int
parse_seconds(const char *arg, const char *opt, double *secs)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= 0.1 && v <= 86400)) {
		fprintf(stderr, "trestled: %s wants seconds from 0.1 to 86400, not \"%s\"\n", opt,
			arg);
		return -EINVAL;
	}
	*secs = v;
	return 0;
}

static int
parse_opts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"ctl", required_argument, NULL, 'c'},
		{"run-dir", required_argument, NULL, 'r'},
		{"pidfile", required_argument, NULL, 'p'},
		{"log-file", required_argument, NULL, 'l'},
		{"detach", no_argument, NULL, 'D'},
		{"mbufs", required_argument, NULL, 'm'},
		{"ctl-idle-timeout", required_argument, NULL, 'I'},
		{"ctl-request-timeout", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	unsigned long n;
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			trestled_opts.db_path = optarg;
			break;
		case 'c':
			trestled_opts.ctl_path = optarg;
			break;
		case 'r':
			trestled_opts.run_dir = optarg;
			break;
		case 'p':
			trestled_opts.pidfile = optarg;
			break;
		case 'l':
			trestled_opts.log_file = optarg;
			break;
		case 'D':
			trestled_opts.detach = true;
			break;
		case 'm':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || n < 4096 || n > 16u * 1024 * 1024) {
				fprintf(stderr,
					"trestled: --mbufs wants a number from 4096 to 16777216, "
					"not \"%s\"\n",
					optarg);
				return -EINVAL;
			}
			trestled_opts.mbufs = (unsigned int)n;
			break;
		case 'I':
			if (parse_seconds(optarg, "--ctl-idle-timeout",
				    &trestled_opts.ctl_idle_timeout) < 0)
				return -EINVAL;
			break;
		case 'R':
			if (parse_seconds(optarg, "--ctl-request-timeout",
				    &trestled_opts.ctl_request_timeout) < 0)
				return -EINVAL;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("trestled (Trestle) %s\n", TRESTLE_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trestled: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Splits argv at "--": EAL arguments before, ours after. Returns the index of "--" or argc. */
static int
find_separator(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static bool
eal_args_have(int argc, char **argv, const char *opt)
{
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], opt, strlen(opt)) == 0)
			return true;
	return false;
}

/* DPDK's own message for missing hugepages is obscure: say what to do before it fails. */
static int
check_hugepages(int eal_argc, char **argv)
{
	if (eal_args_have(eal_argc, argv, "--no-huge"))
		return 0;
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long total = -1, free_pages = -1;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "HugePages_Total: %ld", &total);
		sscanf(line, "HugePages_Free: %ld", &free_pages);
	}
	fclose(f);
	if (total == 0 || free_pages == 0) {
		fprintf(stderr,
			"trestled: no free hugepages (HugePages_Total %ld, HugePages_Free %ld).\n"
			"  Reserve some:  echo 2048 > /proc/sys/vm/nr_hugepages\n"
			"  and mount them: mount -t hugetlbfs nodev /dev/hugepages\n"
			"  (scripts/deps.sh does both), or pass --no-huge to the EAL for a test.\n",
			total, free_pages);
		return -ENOMEM;
	}
	return 0;
}

static int
mkdir_p(const char *dir)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int
dir_of(const char *path, char *dir, size_t len)
{
	snprintf(dir, len, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		return -1;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

/*
 * --detach: fork before the EAL starts threads; the parent waits on a pipe until the child
 * says it is serving (or failed), so that "trestled --detach && trestle show" works.
 */
static int detach_fd = -1;

static void
detach_start(void)
{
	int p[2];

	if (pipe(p) < 0) {
		perror("trestled: pipe");
		exit(1);
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("trestled: fork");
		exit(1);
	}
	if (pid > 0) {
		char status = 1;

		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(p[0]);
	detach_fd = p[1];
	setsid();
}

static void
detach_done(int status)
{
	if (detach_fd < 0)
		return;
	char c = (char)status;
	if (write(detach_fd, &c, 1) != 1) {
		/* The parent is gone; nothing to tell. */
	}
	close(detach_fd);
	detach_fd = -1;
	if (status == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (trestled_opts.log_file != NULL)
				dup2(null, 2);
			close(null);
		}
	}
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("trestled: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	detach_done(1);
	exit(1);
}

static int
ctl_exit(int argc, const char *const argv[], struct ds *out)
{
	exit_requested = 1;
	return 0;
}

static const struct ctl_command exit_cmd = {"exit", "", 0, 0, ctl_exit};
CTL_REGISTER(exit_cmd)

static void
write_pidfile(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0 ||
		rename(tmp, path) < 0)
		die("cannot write pidfile %s: %s", path, strerror(errno));
}

/* Signals end the loop; everything else is a registered timer or descriptor, or the ctl socket. */
static void
on_signal(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si)) {
		TLOG(NOTICE, "signal %u received, exiting", si.ssi_signo);
		exit_requested = 1;
	}
}

static void
on_ctl_fd(int fd, uint32_t events, void *arg)
{
	ctl_server_handle(arg, fd);
}

static void
on_ctl_tick(void *arg)
{
	ctl_server_run(arg);
}

/* The control thread's loop: the modules' timers and descriptors, the ctl socket, signals. */
static void
control_loop(struct ctl_server *srv, int sigfd)
{
	loop_fd_add(sigfd, EPOLLIN, on_signal, NULL);
	ctl_server_epoll_add(srv, loop_epoll_fd());
	int timer = loop_timer_add(100, on_ctl_tick, srv);

	while (!exit_requested)
		loop_run_once(on_ctl_fd, srv);
	loop_timer_del(timer);
	loop_fd_del(sigfd);
}

/*
 * The EAL's arguments, with --huge-unlink added unless they choose how hugepages are kept:
 * the hugepage files are removed as soon as they are mapped, so no stop, not even a kill -9,
 * leaves them in /dev/hugepages (the kernel frees the pages when the process goes). Trestle
 * has no secondary processes that would need to map them. Returns a new argv of *argc.
 */
static char **
eal_args(int sep, char **argv, int *argc)
{
	static const char *const keep[] = {"--huge-unlink", "--no-huge", "--in-memory",
		"--single-file-segments"};
	char **v = xcalloc((size_t)sep + 2, sizeof(*v));
	bool add = true;

	for (unsigned i = 0; i < RTE_DIM(keep); i++)
		add &= !eal_args_have(sep, argv, keep[i]);
	memcpy(v, argv, (size_t)sep * sizeof(*v));
	*argc = sep;
	if (add)
		v[(*argc)++] = (char *)"--huge-unlink";
	return v;
}

int
main(int argc, char **argv)
{
	struct ctl_server *srv = NULL;
	struct ds err = DS_INIT;
	char dir[4096];
	int sep, ret;

	sep = find_separator(argc, argv);
	/* Our options after "--" (which getopt takes for a program name); parse them first so
	 * that --help needs no hugepages. */
	if (sep < argc && parse_opts(argc - sep, argv + sep) < 0)
		return 2;
	for (int i = 1; i < sep; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("trestled (Trestle) %s\n", TRESTLE_VERSION);
			return 0;
		}
	}
	if (check_hugepages(sep, argv) < 0)
		return 1;

	/* The directories we write into, before anything else can fail half-way. */
	if (dir_of(trestled_opts.db_path, dir, sizeof(dir)) == 0 && (ret = mkdir_p(dir)) < 0)
		die("cannot create %s for --db: %s", dir, strerror(-ret));
	if (dir_of(trestled_opts.ctl_path, dir, sizeof(dir)) == 0 && (ret = mkdir_p(dir)) < 0)
		die("cannot create %s for --ctl: %s", dir, strerror(-ret));
	if ((ret = mkdir_p(trestled_opts.run_dir)) < 0)
		die("cannot create --run-dir %s: %s", trestled_opts.run_dir, strerror(-ret));

	if (trestled_opts.log_file != NULL) {
		FILE *lf = fopen(trestled_opts.log_file, "a");
		if (lf == NULL)
			die("cannot open --log-file %s: %s", trestled_opts.log_file,
				strerror(errno));
		setvbuf(lf, NULL, _IOLBF, 0);
		rte_openlog_stream(lf);
	}
	if (trestled_opts.detach)
		detach_start();

	/* Signals are read from a signalfd by the control loop; PMD threads inherit the mask. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	int eal_argc;
	char **eal_argv = eal_args(sep, argv, &eal_argc);
	ret = rte_eal_init(eal_argc, eal_argv);
	if (ret < 0)
		die("DPDK EAL failed to start (%s); see the messages above. Common causes: no "
		    "hugepages, another DPDK process with the same --file-prefix, -l naming "
		    "cores that do not exist.",
			rte_strerror(rte_errno));
	log_init();

	/* A live daemon on our socket: refuse before touching ports or the saved file. */
	if (ctl_server_open(trestled_opts.ctl_path, &srv, &err) < 0)
		die("%s", ds_cstr(&err));
	ctl_server_set_timeouts(srv, trestled_opts.ctl_idle_timeout,
		trestled_opts.ctl_request_timeout);

	/* The mbuf pool, the PMDs, every feature, then the saved configuration applied. */
	if (module_init_all(&err) < 0) {
		ctl_server_close(srv);
		die("%s", ds_cstr(&err));
	}
	if (trestled_opts.pidfile)
		write_pidfile(trestled_opts.pidfile);
	TLOG(NOTICE, "trestled %s ready: %u PMD thread%s, ctl socket %s", TRESTLE_VERSION,
		pmd_count(), pmd_count() == 1 ? "" : "s", trestled_opts.ctl_path);
	detach_done(0);

	control_loop(srv, sigfd);

	TLOG(NOTICE, "shutting down");
	ctl_server_close(srv);
	module_fini_all();
	if (trestled_opts.pidfile)
		unlink(trestled_opts.pidfile);
	rte_eal_cleanup();
	/* eal_args()'s vector (its strings are main's argv), after the EAL can no longer use it. */
	free(eal_argv);
	ds_destroy(&err);
	return 0;
}
