package consumers

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/taosdata/driver-go/v3/af"
	"github.com/taosdata/driver-go/v3/af/tmq"
	"github.com/taosdata/driver-go/v3/common"
	"github.com/taosdata/driver-go/v3/common/parser"
	tmqcommon "github.com/taosdata/driver-go/v3/common/tmq"
	taosErrors "github.com/taosdata/driver-go/v3/errors"
	"github.com/taosdata/driver-go/v3/wrapper"
)

// The dev server spreads each database over these two vgroups.
var tmqVgroups = []int32{2, 3}

// tmqConfig is a consumer configuration for the dev server with the given group.
func tmqConfig(t *testing.T, group string, extra ...string) *tmqcommon.ConfigMap {
	t.Helper()
	host, port := devServer(t)
	c := tmqcommon.ConfigMap{
		"group.id":            group,
		"client.id":           "go-" + group,
		"td.connect.ip":       host,
		"td.connect.port":     strconv.Itoa(port),
		"td.connect.user":     "root",
		"td.connect.pass":     "taosdata",
		"auto.offset.reset":   "earliest",
		"enable.auto.commit":  "false",
		"msg.with.table.name": "true",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		c[extra[i]] = extra[i+1]
	}
	return &c
}

// newTMQ creates a consumer that is closed when the test ends (unless closed before).
func newTMQ(t *testing.T, group string, extra ...string) *tmq.Consumer {
	t.Helper()
	c, err := tmq.NewConsumer(tmqConfig(t, group, extra...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// polled is one data message as af/tmq parsed it from tmq_get_raw.
type polled struct {
	topic, db string
	vgroup    int32
	offset    tmqcommon.Offset
	data      []*tmqcommon.Data
}

func (p polled) rows() int {
	n := 0
	for _, d := range p.data {
		n += len(d.Data)
	}
	return n
}

// drainTMQ polls until want rows arrived, then checks that no further message comes.
func drainTMQ(t *testing.T, c *tmq.Consumer, want int) []polled {
	t.Helper()
	var out []polled
	got := 0
	deadline := time.Now().Add(20 * time.Second)
	for got < want {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d rows arrived", got, want)
		}
		ev := c.Poll(500)
		if ev == nil {
			continue
		}
		switch m := ev.(type) {
		case *tmqcommon.DataMessage:
			p := polled{topic: m.Topic(), db: m.DBName(), vgroup: m.TopicPartition.Partition, offset: m.Offset(),
				data: m.Value().([]*tmqcommon.Data)}
			got += p.rows()
			out = append(out, p)
		case tmqcommon.Error:
			t.Fatalf("poll: %v", m)
		default:
			t.Fatalf("unexpected event %T: %v", ev, ev)
		}
	}
	if got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	if ev := c.Poll(300); ev != nil {
		t.Fatalf("a message beyond the expected rows: %v", ev)
	}
	return out
}

// rowsByTable collects the polled rows per table name.
func rowsByTable(msgs []polled) map[string][][]interface{} {
	out := map[string][][]interface{}{}
	for _, m := range msgs {
		for _, d := range m.data {
			for _, r := range d.Data {
				row := make([]interface{}, len(r))
				for i, v := range r {
					row[i] = v
				}
				out[d.TableName] = append(out[d.TableName], row)
			}
		}
	}
	return out
}

// dataColumns cuts the two tag columns off expectedAllTypes (a STABLE topic carries data columns).
func dataColumns(rows [][]interface{}) [][]interface{} {
	out := make([][]interface{}, len(rows))
	for i, r := range rows {
		out[i] = r[:len(r)-2]
	}
	return out
}

func dropTopic(t *testing.T, conn *af.Connector, topic string) {
	t.Cleanup(func() { _, _ = conn.Exec("DROP TOPIC IF EXISTS " + topic) })
}

// dropTopicNow drops topic before a test creates it again. A consumer of an earlier run may
// still be registered for a moment after its tmq_consumer_close (FINDINGS.md 9), so a refusal
// with TSDB_CODE_MND_TOPIC_SUBSCRIBED is retried for a few seconds.
func dropTopicNow(t *testing.T, exec func(string) error, topic string) {
	t.Helper()
	var err error
	for i := 0; i < 50; i++ {
		if err = exec("DROP TOPIC IF EXISTS " + topic); err == nil {
			return
		}
		var te *taosErrors.TaosError
		if !errors.As(err, &te) || te.Code != 0x03EB {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("DROP TOPIC %s: %v", topic, err)
}

// afExecFn adapts an af connection to dropTopicNow.
func afExecFn(conn *af.Connector) func(string) error {
	return func(sql string) error { _, err := conn.Exec(sql); return err }
}

// TestAFTMQEveryType: subscribe to a STABLE topic, insert, poll; af/tmq parses the data out of
// tmq_get_raw itself (common/parser.TMQRawDataParser) and must get every type and NULL exactly.
func TestAFTMQEveryType(t *testing.T) {
	const db, topic = "cngo_tmq_types", "cngo_tmq_types_t"
	conn := openAF(t, "")
	dropTopicNow(t, afExecFn(conn), topic)
	ddl := allTypesSQL(db)
	afExec(t, conn, ddl[:3]...)
	afExec(t, conn, "CREATE TOPIC "+topic+" AS STABLE "+db+".st")
	dropTopic(t, conn, topic)
	c := newTMQ(t, "g_types")
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	afExec(t, conn, ddl[3])
	afExec(t, conn, fmt.Sprintf("INSERT INTO %[1]s.d2 USING %[1]s.st TAGS (NULL, NULL) VALUES (%[2]d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'only', NULL, NULL, NULL)", db, ts0+50))
	msgs := drainTMQ(t, c, 4)
	for _, m := range msgs {
		if m.topic != topic || m.db != db {
			t.Errorf("topic %q db %q", m.topic, m.db)
		}
		if m.vgroup != tmqVgroups[0] && m.vgroup != tmqVgroups[1] {
			t.Errorf("vgroup %d", m.vgroup)
		}
	}
	byTable := rowsByTable(msgs)
	if len(byTable) != 2 {
		t.Fatalf("tables %v", byTable)
	}
	checkRows(t, byTable["d1"], dataColumns(expectedAllTypes()))
	d2 := []interface{}{time.UnixMilli(ts0 + 50)}
	for i := 1; i < 16; i++ {
		d2 = append(d2, nil)
	}
	d2[12] = "only"
	checkRows(t, byTable["d2"], [][]interface{}{d2})
}

// TestAFTMQQueryTopicTags: a topic AS SELECT with tags and WHERE; also the `timezone` config key.
func TestAFTMQQueryTopicTags(t *testing.T) {
	const db, topic = "cngo_tmq_sel", "cngo_tmq_sel_t"
	conn := openAF(t, "")
	dropTopicNow(t, afExecFn(conn), topic)
	ddl := allTypesSQL(db)
	afExec(t, conn, ddl[:3]...)
	afExec(t, conn, "CREATE TOPIC "+topic+" AS SELECT ts, c_bi, c_vc, c_geo, t_int, t_nc FROM "+db+".st WHERE c_bi IS NULL OR c_bi < 0")
	dropTopic(t, conn, topic)
	c := newTMQ(t, "g_sel", "timezone", "Asia/Shanghai")
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	afExec(t, conn, ddl[3])
	msgs := drainTMQ(t, c, 2)
	got := rowsByTable(msgs)["d1"]
	checkRows(t, got, [][]interface{}{
		{time.UnixMilli(ts0 + 1), nil, nil, nil, int32(7), "标签"},
		{time.UnixMilli(ts0 + 2), int64(-1 << 63), "", point12, int32(7), "标签"},
	})
	if loc := got[0][0].(time.Time).Location().String(); loc != "Asia/Shanghai" {
		t.Errorf("timestamp location %s, want Asia/Shanghai (config key timezone)", loc)
	}
}

// TestAFTMQCommitPositionReopen: Commit, Committed, Position, CommitOffsets, close, reopen: the
// group continues after the committed offsets.
func TestAFTMQCommitPositionReopen(t *testing.T) {
	const db, topic = "cngo_tmq_commit", "cngo_tmq_commit_t"
	conn := openAF(t, "")
	dropTopicNow(t, afExecFn(conn), topic)
	afExec(t, conn, "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db,
		"CREATE STABLE "+db+".st (ts TIMESTAMP, v INT, s NCHAR(8)) TAGS (g INT)")
	afExec(t, conn, "CREATE TOPIC "+topic+" AS SELECT ts, v, s FROM "+db+".st")
	dropTopic(t, conn, topic)
	for k := 0; k < 4; k++ {
		afExec(t, conn, fmt.Sprintf("INSERT INTO %[1]s.c%[2]d USING %[1]s.st TAGS (%[2]d) VALUES (%[3]d, %[2]d, 'v%[2]d') (%[4]d, NULL, NULL)", db, k, ts0, ts0+1))
	}
	c := newTMQ(t, "g_commit")
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	msgs := drainTMQ(t, c, 8)
	committed, err := c.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != len(tmqVgroups) {
		t.Fatalf("Commit returned %v", committed)
	}
	positions, err := c.Position(committed)
	if err != nil {
		t.Fatal(err)
	}
	assignment, err := c.Assignment()
	if err != nil {
		t.Fatal(err)
	}
	end := map[int32]tmqcommon.Offset{}
	for _, a := range assignment {
		end[a.Partition] = a.Offset
	}
	for i, p := range committed {
		if *p.Topic != topic || p.Offset != positions[i].Offset || p.Offset != end[p.Partition] {
			t.Errorf("vgroup %d: committed %v position %v assignment %v", p.Partition, p.Offset, positions[i].Offset, end[p.Partition])
		}
	}
	for _, m := range msgs {
		if m.offset >= end[m.vgroup] {
			t.Errorf("message offset %d not below the position %d of vgroup %d", m.offset, end[m.vgroup], m.vgroup)
		}
	}
	if err := c.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	afExec(t, conn, fmt.Sprintf("INSERT INTO %[1]s.c1 VALUES (%[2]d, 100, 'new')", db, ts0+100))
	again := newTMQ(t, "g_commit")
	if err := again.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	newer := rowsByTable(drainTMQ(t, again, 1))
	checkRows(t, newer["c1"], [][]interface{}{{time.UnixMilli(ts0 + 100), int32(100), "new"}})

	// CommitOffsets back to 0 on every vgroup: Committed reports 0, and a reopened consumer
	// of the group starts over (9 rows).
	var zero []tmqcommon.TopicPartition
	for _, vg := range tmqVgroups {
		tp := topic
		zero = append(zero, tmqcommon.TopicPartition{Topic: &tp, Partition: vg, Offset: 0})
	}
	back, err := again.CommitOffsets(zero)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range back {
		if p.Offset != 0 {
			t.Errorf("committed after CommitOffsets: %v", p)
		}
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	third := newTMQ(t, "g_commit")
	if err := third.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	drainTMQ(t, third, 9)
}

// TestAFTMQSeekAssignment: Assignment before/after polling, Seek to the beginning replays.
func TestAFTMQSeekAssignment(t *testing.T) {
	const db, topic = "cngo_tmq_seek", "cngo_tmq_seek_t"
	conn := openAF(t, "")
	dropTopicNow(t, afExecFn(conn), topic)
	afExec(t, conn, "DROP DATABASE IF EXISTS "+db, "CREATE DATABASE "+db,
		"CREATE STABLE "+db+".st (ts TIMESTAMP, v BIGINT) TAGS (g VARCHAR(8))")
	afExec(t, conn, "CREATE TOPIC "+topic+" AS STABLE "+db+".st")
	dropTopic(t, conn, topic)
	c := newTMQ(t, "g_seek")
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	before, err := c.Assignment()
	if err != nil {
		t.Fatal(err)
	}
	var vgs []int
	for _, a := range before {
		vgs = append(vgs, int(a.Partition))
		if *a.Topic != topic {
			t.Errorf("assignment topic %q", *a.Topic)
		}
	}
	sort.Ints(vgs)
	if len(vgs) != 2 || vgs[0] != 2 || vgs[1] != 3 {
		t.Fatalf("assignment vgroups %v", vgs)
	}
	start := map[int32]tmqcommon.Offset{}
	for _, a := range before {
		start[a.Partition] = a.Offset
	}
	for k := 0; k < 6; k++ {
		afExec(t, conn, fmt.Sprintf("INSERT INTO %[1]s.t%[2]d USING %[1]s.st TAGS ('t%[2]d') VALUES (%[3]d, %[4]d)", db, k, ts0+int64(k), int64(k)*1_000_000_000_000))
	}
	first := rowsByTable(drainTMQ(t, c, 6))
	after, err := c.Assignment()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range after {
		if a.Offset <= start[a.Partition] {
			t.Errorf("vgroup %d did not advance: %v -> %v", a.Partition, start[a.Partition], a.Offset)
		}
		tp := topic
		if err := c.Seek(tmqcommon.TopicPartition{Topic: &tp, Partition: a.Partition, Offset: start[a.Partition]}, 0); err != nil {
			t.Fatal(err)
		}
	}
	again := rowsByTable(drainTMQ(t, c, 6))
	if fmt.Sprint(again) != fmt.Sprint(first) {
		t.Fatalf("after seek: %v, first time: %v", again, first)
	}
	for k := 0; k < 6; k++ {
		checkRows(t, again[fmt.Sprintf("t%d", k)], [][]interface{}{{time.UnixMilli(ts0 + int64(k)), int64(k) * 1_000_000_000_000}})
	}
}

// TestAFTMQErrors: bad config values, unknown topic, seek on a vgroup that is not assigned.
func TestAFTMQErrors(t *testing.T) {
	var te *taosErrors.TaosError
	for _, kv := range [][2]string{{"enable.auto.commit", "maybe"}, {"td.connect.port", "0"}, {"group.id", "a:b"}} {
		_, err := tmq.NewConsumer(tmqConfig(t, "g_err", kv[0], kv[1]))
		// tmq_conf_set's TMQ_CONF_INVALID (-1), which driver-go keeps as its low 16 bits.
		if !errors.As(err, &te) || te.Code != 0xffff {
			t.Errorf("%s=%s: %v", kv[0], kv[1], err)
		}
	}
	_, err := tmq.NewConsumer(&tmqcommon.ConfigMap{"group.id": 1})
	if err == nil {
		t.Error("a non-string config value must fail")
	}
	host, _ := devServer(t)
	_, err = tmq.NewConsumer(&tmqcommon.ConfigMap{"group.id": "g", "td.connect.ip": host, "td.connect.port": "1"})
	if err == nil {
		t.Error("a consumer for a port nothing listens on must fail")
	}
	c := newTMQ(t, "g_err")
	err = c.Subscribe("cngo_tmq_no_such_topic", nil)
	if !errors.As(err, &te) || te.Code != 0x03E1 { // TSDB_CODE_MND_TOPIC_NOT_EXIST
		t.Fatalf("unknown topic: %v", err)
	}
	// No subscription: nothing is assigned, a poll returns nothing.
	if ev := c.Poll(100); ev != nil {
		t.Errorf("poll without subscription: %v", ev)
	}
	topic := "cngo_tmq_no_such_topic"
	if err := c.Seek(tmqcommon.TopicPartition{Topic: &topic, Partition: 2, Offset: 0}, 0); err == nil {
		t.Error("seek on an unsubscribed topic must fail")
	}
}

// TestWrapperTMQRawWrite: the wrapper-level path af/tmq builds on — tmq_get_raw gives the raw
// data, driver-go parses it (TMQRawDataParser → raw blocks with table names), and tmq_write_raw
// replays it into a database with the same schema (taosX-style replication).
func TestWrapperTMQRawWrite(t *testing.T) {
	const src, dst, topic = "cngo_tmq_raw", "cngo_tmq_raw_dst", "cngo_tmq_raw_t"
	conn := wrapConnect(t)
	dropTopicNow(t, func(sql string) error {
		res := wrapper.TaosQuery(conn, sql)
		defer wrapper.TaosFreeResult(res)
		if code := wrapper.TaosError(res); code != 0 {
			return taosErrors.NewError(code, wrapper.TaosErrorStr(res))
		}
		return nil
	}, topic)
	ddl := allTypesSQL(src)
	wrapExec(t, conn, ddl...)
	wrapExec(t, conn, "CREATE TOPIC "+topic+" AS STABLE "+src+".st")
	t.Cleanup(func() { wrapper.TaosFreeResult(wrapper.TaosQuery(conn, "DROP TOPIC IF EXISTS "+topic)) })
	dstDDL := allTypesSQL(dst)
	wrapExec(t, conn, dstDDL[:3]...)
	wrapExec(t, conn, "CREATE TABLE "+dst+".d1 USING "+dst+".st TAGS (7, '标签')")

	conf := wrapper.TMQConfNew()
	for k, v := range *tmqConfig(t, "g_raw") {
		if code := wrapper.TMQConfSet(conf, k, v.(string)); code != 0 {
			t.Fatalf("conf %s: %d", k, code)
		}
	}
	consumer, err := wrapper.TMQConsumerNew(conf)
	wrapper.TMQConfDestroy(conf)
	if err != nil {
		t.Fatal(err)
	}
	defer wrapper.TMQConsumerClose(consumer)
	list := wrapper.TMQListNew()
	wrapper.TMQListAppend(list, topic)
	if code := wrapper.TMQSubscribe(consumer, list); code != 0 {
		t.Fatalf("subscribe: %s", wrapper.TMQErr2Str(code))
	}
	wrapper.TMQListDestroy(list)

	var msg unsafe.Pointer
	for i := 0; i < 40 && msg == nil; i++ {
		msg = wrapper.TMQConsumerPoll(consumer, 500)
	}
	if msg == nil {
		t.Fatal("no message")
	}
	defer wrapper.TaosFreeResult(msg)
	if rt := wrapper.TMQGetResType(msg); rt != common.TMQ_RES_DATA {
		t.Fatalf("res type %d", rt)
	}
	if name := wrapper.TMQGetTableName(msg); name != "d1" {
		t.Errorf("table name %q", name)
	}
	code, raw := wrapper.TMQGetRaw(msg)
	if code != 0 {
		t.Fatalf("tmq_get_raw: 0x%x %s", uint32(code), wrapper.TaosErrorStr(msg))
	}
	defer wrapper.TMQFreeRaw(raw)
	length, rawType, data := wrapper.ParseRawMeta(raw)
	if length == 0 || rawType != 2 { // RES_TYPE__TMQ data
		t.Fatalf("raw length %d type %d", length, rawType)
	}
	blocks, err := parser.NewTMQRawDataParser().Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 1 || blocks[0].TableName != "d1" {
		t.Fatalf("parsed %d blocks: %+v", len(blocks), blocks)
	}
	rows, err := parser.ReadBlockSimple(blocks[0].RawBlock, blocks[0].Precision)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]interface{}, len(rows))
	for i, r := range rows {
		got[i] = toIface(r)
	}
	checkRows(t, got, dataColumns(expectedAllTypes()))

	// Replay into dst through a connection whose current database is dst.
	dconn, err := wrapper.TaosConnect(devServerHost(t), "root", "taosdata", dst, devServerPort(t))
	if err != nil {
		t.Fatal(err)
	}
	defer wrapper.TaosClose(dconn)
	if code := wrapper.TMQWriteRaw(dconn, raw); code != 0 {
		t.Fatalf("tmq_write_raw: 0x%x %s", uint32(code), wrapper.TMQErr2Str(code))
	}
	res := wrapQuery(t, conn, "SELECT * FROM "+dst+".st ORDER BY ts")
	defer wrapper.TaosFreeResult(res)
	header, err := wrapper.ReadColumn(res, wrapper.TaosNumFields(res))
	if err != nil {
		t.Fatal(err)
	}
	var replayed [][]interface{}
	for {
		n, code, blk := wrapper.TaosFetchRawBlock(res)
		if code != 0 {
			t.Fatalf("fetch_raw_block: 0x%x %s", uint32(code), wrapper.TaosErrorStr(res))
		}
		if n == 0 {
			break
		}
		data, err := parser.ReadBlock(blk, n, header.ColTypes, wrapper.TaosResultPrecision(res))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range data {
			replayed = append(replayed, toIface(r))
		}
	}
	checkRows(t, replayed, expectedAllTypes())
}

func devServerHost(t *testing.T) string { h, _ := devServer(t); return h }
func devServerPort(t *testing.T) int    { _, p := devServer(t); return p }
