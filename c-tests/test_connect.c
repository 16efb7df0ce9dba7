/* Connection: good and bad credentials, a missing database, an unreachable server
 * (bounded time), defaults for NULL user/password, server and client info. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "testutil.h"

#define CODE_AUTH_FAILURE ((int)0x80000357)
#define CODE_DB_NOT_EXIST ((int)0x80000388)

static void good_connect(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return;
  CHECK_INT_EQ(taos_errno(NULL), 0);

  const char *server = taos_get_server_info(taos);
  CHECK_NOT_NULL(server);
  if (server) CHECK_MSG(strstr(server, "3.") != NULL, "server info \"%s\" names no 3.x version", server);

  const char *client = taos_get_client_info();
  CHECK_NOT_NULL(client);
  if (client) CHECK_MSG(client[0] == '3' && client[1] == '.', "client info \"%s\" must start with \"3.\"", client);

  /* The connection works: a one-row query returns the literal. */
  TAOS_RES *res = taos_query(taos, "SELECT SERVER_VERSION()");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row && row[0]) {
    int len = taos_fetch_lengths(res)[0];
    CHECK_MSG(len > 2 && memcmp(row[0], "3.", 2) == 0, "server_version() = \"%.*s\"", len, (char *)row[0]);
  }
  CHECK_NULL(taos_fetch_row(res));
  taos_free_result(res);
  taos_close(taos);
}

static void bad_password(void) {
  TAOS *taos = taos_connect(test_host(), "root", "wrong-password", NULL, test_port());
  CHECK_NULL(taos);
  CHECK_INT_EQ(taos_errno(NULL), CODE_AUTH_FAILURE);
  const char *msg = taos_errstr(NULL);
  CHECK_NOT_NULL(msg);
  if (msg) CHECK_MSG(strlen(msg) > 0, "empty message for auth failure");
  if (msg) printf("bad password -> 0x%08x \"%s\"\n", (unsigned)taos_errno(NULL), msg);
  taos_close(taos); /* NULL: must be a no-op */

  /* Unknown user: also refused, with a non-zero code. */
  taos = taos_connect(test_host(), "nobody", "taosdata", NULL, test_port());
  CHECK_NULL(taos);
  CHECK_MSG(taos_errno(NULL) < 0, "unknown user: taos_errno(NULL) = 0x%08x", (unsigned)taos_errno(NULL));
  taos_close(taos);

  /* A later success clears nothing it should not: a good connect works afterwards. */
  taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  taos_close(taos);
}

static void missing_database(void) {
  TAOS *taos = taos_connect(test_host(), "root", "taosdata", "no_such_db_here", test_port());
  CHECK_NULL(taos);
  CHECK_INT_EQ(taos_errno(NULL), CODE_DB_NOT_EXIST);
  CHECK(strlen(taos_errstr(NULL)) > 0);
  taos_close(taos);
}

static void default_credentials(void) {
  /* NULL user and password mean root/taosdata, as in the official client. */
  TAOS *taos = taos_connect(test_host(), NULL, NULL, NULL, test_port());
  CHECK_MSG(taos != NULL, "connect with NULL user/pass failed: 0x%08x %s", (unsigned)taos_errno(NULL), taos_errstr(NULL));
  taos_close(taos);
}

/* Error within bounded time when nothing listens. Port 1 on loopback refuses at
 * once; an unresolvable name fails in DNS. Both must fail, never hang. */
static void unreachable(void) {
  double t0 = test_now_sec();
  TAOS *taos = taos_connect("127.0.0.1", "root", "taosdata", NULL, 1);
  double refused = test_now_sec() - t0;
  CHECK_NULL(taos);
  CHECK_MSG(taos_errno(NULL) < 0, "refused port: taos_errno(NULL) = 0x%08x", (unsigned)taos_errno(NULL));
  CHECK(strlen(taos_errstr(NULL)) > 0);
  printf("refused port -> 0x%08x \"%s\" after %.3f s\n", (unsigned)taos_errno(NULL), taos_errstr(NULL), refused);
  CHECK_MSG(refused < 5.0, "refused connection took %.3f s (limit 5 s)", refused);
  taos_close(taos);

  t0 = test_now_sec();
  taos = taos_connect("no-such-host.invalid", "root", "taosdata", NULL, test_port());
  double unresolved = test_now_sec() - t0;
  CHECK_NULL(taos);
  CHECK_MSG(taos_errno(NULL) < 0, "unresolvable host: taos_errno(NULL) = 0x%08x", (unsigned)taos_errno(NULL));
  printf("unresolvable host -> 0x%08x \"%s\" after %.3f s\n", (unsigned)taos_errno(NULL), taos_errstr(NULL),
         unresolved);
  CHECK_MSG(unresolved < 30.0, "unresolvable host took %.3f s (limit 30 s)", unresolved);
  taos_close(taos);
}

/* A server that accepts TCP but never answers (the kernel completes the handshake
 * from the listen backlog; nobody reads): connect must give up within its timeout. */
static void silent_server(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    CHECK_MSG(0, "cannot set up the silent listener");
    if (fd >= 0) close(fd);
    return;
  }
  double t0 = test_now_sec();
  TAOS *taos = taos_connect("127.0.0.1", "root", "taosdata", NULL, ntohs(a.sin_port));
  double t = test_now_sec() - t0;
  CHECK_NULL(taos);
  CHECK_MSG(taos_errno(NULL) < 0, "silent server: taos_errno(NULL) = 0x%08x", (unsigned)taos_errno(NULL));
  printf("silent server -> 0x%08x \"%s\" after %.3f s\n", (unsigned)taos_errno(NULL), taos_errstr(NULL), t);
  CHECK_MSG(t < 40.0, "connecting to a silent server took %.1f s (limit 40 s)", t);
  taos_close(taos);
  close(fd);
}

/* The thread-local error reports the latest failure, not the first one. */
static void error_is_latest(void) {
  TAOS *bad = taos_connect(test_host(), "root", "nope", NULL, test_port());
  CHECK_NULL(bad);
  CHECK_INT_EQ(taos_errno(NULL), CODE_AUTH_FAILURE);
  bad = taos_connect(test_host(), "root", "taosdata", "still_no_such_db", test_port());
  CHECK_NULL(bad);
  CHECK_INT_EQ(taos_errno(NULL), CODE_DB_NOT_EXIST);
}

int main(void) {
  good_connect();
  bad_password();
  missing_database();
  default_credentials();
  unreachable();
  silent_server();
  error_is_latest();
  taos_cleanup();
  return test_finish("test_connect");
}
