/* The server goes away in the middle of a multi-block read: the fetch loop must end
 * with an error (never a hang, never a silent "end of data"), later queries on the
 * connection must fail quickly with an error, and close must return.
 *
 * Starts its own dev server (TAOS_TEST_DEVSERVER, the binary path the runner passes)
 * so that killing it does not disturb the suite's server. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "testutil.h"

#define ROWS 5000

static pid_t g_pid = -1;

/* Starts `bin --listen 127.0.0.1:0 --block-rows 100`, reads its address line. */
static int start_server(const char *bin, char *host, size_t hcap, uint16_t *port) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  g_pid = fork();
  if (g_pid < 0) return -1;
  if (g_pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl(bin, bin, "--listen", "127.0.0.1:0", "--block-rows", "100", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char line[128];
  size_t n = 0;
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  while (n < sizeof line - 1) {
    if (poll(&p, 1, 10000) <= 0) break;
    ssize_t r = read(fds[0], line + n, 1);
    if (r <= 0 || line[n] == '\n') break;
    n++;
  }
  line[n] = 0;
  close(fds[0]);
  char *colon = strrchr(line, ':');
  if (colon == NULL) return -1;
  *colon = 0;
  snprintf(host, hcap, "%s", line);
  *port = (uint16_t)atoi(colon + 1);
  return 0;
}

int main(void) {
  const char *bin = getenv("TAOS_TEST_DEVSERVER");
  if (bin == NULL || *bin == 0) {
    printf("test_server_loss: TAOS_TEST_DEVSERVER not set (run through c-tests/run.sh)\n");
    CHECK_MSG(0, "TAOS_TEST_DEVSERVER not set");
    return test_finish("test_server_loss");
  }
  char host[64];
  uint16_t port = 0;
  CHECK_INT_EQ(start_server(bin, host, sizeof host, &port), 0);
  if (port == 0) return test_finish("test_server_loss");

  TAOS *taos = taos_connect(host, "root", "taosdata", NULL, port);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) {
    kill(g_pid, SIGKILL);
    waitpid(g_pid, NULL, 0);
    return test_finish("test_server_loss");
  }
  EXEC_OK(taos, "CREATE DATABASE loss");
  EXEC_OK(taos, "CREATE TABLE loss.t (ts TIMESTAMP, v INT)");
  char *sql = malloc(32 * ROWS + 64);
  size_t o = (size_t)sprintf(sql, "INSERT INTO loss.t VALUES");
  for (int k = 0; k < ROWS; k++) o += (size_t)sprintf(sql + o, " (%lld, %d)", 1700000000000LL + k, k);
  CHECK_INT_EQ(EXEC_OK(taos, sql), ROWS);
  free(sql);

  TAOS_RES *res = taos_query(taos, "SELECT * FROM loss.t");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_NOT_NULL(taos_fetch_row(res));

  /* The server dies: SIGKILL, no goodbye on the socket beyond the kernel's RST/FIN. */
  kill(g_pid, SIGKILL);
  waitpid(g_pid, NULL, 0);

  double t0 = test_now_sec();
  long rows = 1;
  while (taos_fetch_row(res) != NULL) rows++;
  double t = test_now_sec() - t0;
  printf("after the kill: %ld of %d rows, then 0x%08x \"%s\" after %.3f s\n", rows, ROWS, (unsigned)taos_errno(res),
         taos_errstr(res), t);
  CHECK_MSG(rows < ROWS, "all %d rows arrived although the server died", ROWS);
  CHECK_MSG(taos_errno(res) != 0, "the read ended without an error after the server died");
  CHECK_MSG(t < 30.0, "the fetch loop took %.1f s to notice", t);
  taos_free_result(res);

  t0 = test_now_sec();
  res = taos_query(taos, "SELECT * FROM loss.t");
  t = test_now_sec() - t0;
  CHECK_MSG(taos_errno(res) != 0, "a query on a dead connection succeeded");
  CHECK_MSG(t < 30.0, "a query on a dead connection took %.1f s", t);
  printf("query on the dead connection: 0x%08x \"%s\" after %.3f s\n", (unsigned)taos_errno(res), taos_errstr(res), t);
  taos_free_result(res);

  t0 = test_now_sec();
  taos_close(taos);
  CHECK_MSG(test_now_sec() - t0 < 10.0, "taos_close took %.1f s", test_now_sec() - t0);
  return test_finish("test_server_loss");
}
