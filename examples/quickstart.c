/*
 * quickstart.c: a TDengine C client program, written exactly as for TDengine's
 * official client library: connect, create a database and a table, insert, query,
 * print the rows with taos_print_row, close.
 *
 * Build and run against libtaos-rs (what `make quickstart` does):
 *   gcc examples/quickstart.c -Iinclude -Ltarget/release -ltaos -o quickstart
 *   ./quickstart [host [port]]        (default: TAOS_HOST / TAOS_PORT, else localhost:6041)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <taos.h>

static int run(TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  int code = taos_errno(res);
  if (code != 0) {
    fprintf(stderr, "failed: %s\n  error 0x%08x: %s\n", sql, (unsigned)code, taos_errstr(res));
  } else {
    printf("ok: %s (%d rows affected)\n", sql, taos_affected_rows(res));
  }
  taos_free_result(res);
  return code;
}

int main(int argc, char *argv[]) {
  const char *host = argc > 1 ? argv[1] : getenv("TAOS_HOST");
  const char *port_s = argc > 2 ? argv[2] : getenv("TAOS_PORT");
  if (host == NULL) host = "localhost";
  uint16_t port = (uint16_t)(port_s ? atoi(port_s) : 6041);

  TAOS *taos = taos_connect(host, "root", "taosdata", NULL, port);
  if (taos == NULL) {
    fprintf(stderr, "failed to connect to %s:%u: error 0x%08x: %s\n", host, port, (unsigned)taos_errno(NULL),
            taos_errstr(NULL));
    return 1;
  }
  printf("connected to %s:%u, server %s, client %s\n", host, port, taos_get_server_info(taos), taos_get_client_info());

  if (run(taos, "CREATE DATABASE IF NOT EXISTS power") != 0 || run(taos, "USE power") != 0 ||
      run(taos,
          "CREATE STABLE IF NOT EXISTS meters (ts TIMESTAMP, current FLOAT, voltage INT, phase FLOAT) "
          "TAGS (group_id INT, location VARCHAR(24))") != 0 ||
      run(taos,
          "INSERT INTO d1001 USING meters TAGS (2, 'California.SanFrancisco') VALUES "
          "(1700000000000, 10.3, 219, 0.31) (1700000001000, 12.6, 218, 0.33) "
          "d1002 USING meters TAGS (3, 'California.LosAngeles') VALUES (1700000000500, 11.8, 221, 0.28)") != 0) {
    taos_close(taos);
    return 1;
  }

  const char *sql = "SELECT ts, current, voltage, phase, location FROM meters ORDER BY ts";
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) {
    fprintf(stderr, "failed: %s\n  error 0x%08x: %s\n", sql, (unsigned)taos_errno(res), taos_errstr(res));
    taos_free_result(res);
    taos_close(taos);
    return 1;
  }
  int num_fields = taos_num_fields(res);
  TAOS_FIELD *fields = taos_fetch_fields(res);
  for (int i = 0; i < num_fields; i++) printf("%s%s", i ? " " : "", fields[i].name);
  printf("\n");

  int rows = 0;
  TAOS_ROW row;
  char line[1024];
  while ((row = taos_fetch_row(res)) != NULL) {
    taos_print_row(line, row, fields, num_fields);
    printf("%s\n", line);
    rows++;
  }
  printf("%d rows\n", rows);
  taos_free_result(res);

  run(taos, "DROP DATABASE power");
  taos_close(taos);
  taos_cleanup();
  return rows == 3 ? 0 : 1;
}
