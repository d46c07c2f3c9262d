/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conventions of the command channel beyond plain JSON-RPC, shared by trestled and trestle.
 *
 * Exit status: some commands answer with an exit status rather than an error (ovs-vsctl's
 * br-exists exits 2 for a missing bridge). The daemon sends such a reply as an error string
 * "exit-status:N:" followed by an optional message; the client exits with N and prints the
 * message, if any, to stderr.
 */
#ifndef TRESTLE_CTL_PROTO_H
#define TRESTLE_CTL_PROTO_H

struct ds;

#define CTL_PROTO_EXIT_PREFIX "exit-status:"

/* Writes the error string that asks the client to exit with status (1..125) and print msg. */
void ctl_proto_exit_status(struct ds *out, int status, const char *msg);
/*
 * Parses an error string. Returns the exit status it asks for and points *msg at the message
 * to print (possibly ""), or returns 0 when err is a plain error.
 */
int ctl_proto_parse_exit_status(const char *err, const char **msg);

#endif
