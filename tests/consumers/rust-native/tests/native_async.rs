//! The official crate's async API in native mode: many queries in flight on one connection,
//! each through `taos_query_a` + `taos_fetch_raw_block_a` callbacks of our library.
use taos::*;
use taos_consumer_native::checks::TS0;
use taos_consumer_native::dsn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_async_queries_on_one_connection() {
    let taos = TaosBuilder::from_dsn(dsn(None))
        .unwrap()
        .build()
        .await
        .unwrap();
    let db = "cn_rs_async";
    taos.exec(format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .unwrap();
    taos.exec(format!("CREATE DATABASE {db}")).await.unwrap();
    taos.exec(format!("CREATE TABLE {db}.t (ts TIMESTAMP, v INT)"))
        .await
        .unwrap();
    let values: String = (0..600)
        .map(|i| format!("({}, {})", TS0 + i, i))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        taos.exec(format!("INSERT INTO {db}.t VALUES {values}"))
            .await
            .unwrap(),
        600
    );
    let taos = &taos;
    let queries = (0..24i64).map(|k| async move {
        let lo = k * 20;
        let mut rs = taos
            .query(format!("SELECT ts, v FROM {db}.t WHERE v >= {lo}"))
            .await?;
        let rows: Vec<(i64, i32)> = rs.deserialize::<(i64, i32)>().try_collect().await?;
        Ok::<_, taos::Error>((lo, rows))
    });
    for (lo, rows) in futures::future::try_join_all(queries).await.unwrap() {
        let want: Vec<(i64, i32)> = (lo..600).map(|i| (TS0 + i, i as i32)).collect();
        assert_eq!(rows, want, "v >= {lo}");
    }
}
