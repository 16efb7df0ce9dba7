//! The topic statements (ws-stmt-sml-tmq.md §4.11): CREATE TOPIC, DROP TOPIC,
//! DROP CONSUMER GROUP, SHOW TOPICS / CONSUMERS / SUBSCRIPTIONS. The engine offers every
//! statement here first; anything else returns `None` and goes to the ordinary parser.

use taos_wire::error::{codes, TaosError};
use taos_wire::types::*;

use super::log::{vgroup_ids, VGROUPS};
use super::topic::{Topic, TopicSource};
use crate::engine::topic::{field, lookup_table, resolve_db, rows_result};
use crate::engine::{Engine, Field, Outcome, Session, Value};
use crate::sql::ast::{Expr, Select, SelectItem, Statement, TableName};
use crate::sql::lexer::{tokenize, Tok, Token};

/// Most topics a server holds (TDengine's `tmqMaxTopicNum` default).
const MAX_TOPICS: usize = 20;

/// The topic statements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    CreateTopic,
    DropTopic,
    DropGroup,
    ShowTopics,
    ShowConsumers,
    ShowSubscriptions,
}

fn classify(sql: &str) -> Option<(Kind, Vec<Token>)> {
    // Cheap pre-check so large INSERTs are not tokenized twice.
    let head = sql.trim_start().get(..4)?.to_ascii_lowercase();
    if !matches!(head.as_str(), "crea" | "drop" | "show") {
        return None;
    }
    let toks = tokenize(sql).ok()?;
    let w = |i: usize| match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(x)) => x.to_ascii_lowercase(),
        _ => String::new(),
    };
    let kind = match (w(0).as_str(), w(1).as_str()) {
        ("create", "topic") => Kind::CreateTopic,
        ("drop", "topic") => Kind::DropTopic,
        ("drop", "consumer") if w(2) == "group" => Kind::DropGroup,
        ("show", "topics") if is_end(&toks, 2) => Kind::ShowTopics,
        ("show", "consumers") if is_end(&toks, 2) => Kind::ShowConsumers,
        ("show", "subscriptions") if is_end(&toks, 2) => Kind::ShowSubscriptions,
        _ => return None,
    };
    Some((kind, toks))
}

/// Whether `sql` is a topic statement (for `validate`, which does not run it).
pub fn is_topic_statement(sql: &str) -> bool {
    classify(sql).is_some()
}

/// Executes `sql` if it is a topic statement.
pub fn try_execute(e: &Engine, s: &Session, sql: &str) -> Option<Result<Outcome, TaosError>> {
    let (kind, toks) = classify(sql)?;
    Some(match kind {
        Kind::CreateTopic => create_topic(e, s, sql, &toks),
        Kind::DropTopic => drop_topic(e, &toks),
        Kind::DropGroup => drop_group(e, &toks),
        Kind::ShowTopics => Ok(show(topics_table(e))),
        Kind::ShowConsumers => Ok(show(consumers_table(e))),
        Kind::ShowSubscriptions => Ok(show(subscriptions_table(e))),
    })
}

fn is_end(toks: &[Token], i: usize) -> bool {
    match toks.get(i).map(|t| &t.tok) {
        None | Some(Tok::Eof) => true,
        Some(Tok::Sym(";")) => matches!(toks.get(i + 1).map(|t| &t.tok), None | Some(Tok::Eof)),
        _ => false,
    }
}

fn syntax(sql: &str, pos: usize) -> TaosError {
    let near: String = sql.get(pos..).unwrap_or("").chars().take(40).collect();
    TaosError::new(
        codes::TSDB_CODE_PAR_SYNTAX_ERROR,
        format!("syntax error near \"{near}\""),
    )
}

/// A cursor over the tokens of one statement.
struct Cur<'a> {
    sql: &'a str,
    toks: &'a [Token],
    i: usize,
}

impl Cur<'_> {
    fn kw(&self, k: &str) -> bool {
        matches!(self.toks.get(self.i).map(|t| &t.tok), Some(Tok::Ident(x)) if x.eq_ignore_ascii_case(k))
    }
    fn eat(&mut self, k: &str) -> bool {
        let hit = self.kw(k);
        if hit {
            self.i += 1;
        }
        hit
    }
    /// Takes the keywords `words` when the first one is next (the rest must follow); whether
    /// they were there.
    fn eat_clause(&mut self, words: &[&str]) -> Result<bool, TaosError> {
        let Some((first, rest)) = words.split_first() else {
            return Ok(false);
        };
        if !self.eat(first) {
            return Ok(false);
        }
        for w in rest {
            self.expect(w)?;
        }
        Ok(true)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.sql.len(), |t| t.pos)
    }
    fn expect(&mut self, k: &str) -> Result<(), TaosError> {
        if self.eat(k) {
            Ok(())
        } else {
            Err(syntax(self.sql, self.pos()))
        }
    }
    /// One name part: unquoted lower-cased, back-quoted kept.
    fn name(&mut self) -> Result<String, TaosError> {
        let n = match self.toks.get(self.i).map(|t| &t.tok) {
            Some(Tok::Ident(x)) => x.to_ascii_lowercase(),
            Some(Tok::Quoted(x)) => x.clone(),
            _ => return Err(syntax(self.sql, self.pos())),
        };
        self.i += 1;
        Ok(n)
    }
    /// `[db.]name`.
    fn table_name(&mut self) -> Result<TableName, TaosError> {
        let first = self.name()?;
        if matches!(self.toks.get(self.i).map(|t| &t.tok), Some(Tok::Sym("."))) {
            self.i += 1;
            let name = self.name()?;
            return Ok(TableName {
                db: Some(first),
                name,
            });
        }
        Ok(TableName {
            db: None,
            name: first,
        })
    }
    fn at_end(&self) -> bool {
        is_end(self.toks, self.i)
    }
}

fn err(code: i32, msg: &str) -> TaosError {
    TaosError::new(code, msg)
}

/// TSDB_CODE_MND_INVALID_TOPIC_QUERY (not in the shared code table).
const INVALID_TOPIC_QUERY: i32 = 0x8000_03E4_u32 as i32;

fn invalid_query(msg: &str) -> TaosError {
    err(
        INVALID_TOPIC_QUERY,
        &format!("Topic with invalid query: {msg}"),
    )
}

fn star_select(from: TableName, filter: Option<Expr>) -> Select {
    Select {
        items: vec![SelectItem::Star],
        from: Some(from),
        from_alias: None,
        filter,
        partition_by: Vec::new(),
        interval: None,
        group_by: Vec::new(),
        order_by: Vec::new(),
        limit: None,
        offset: 0,
    }
}

fn parse_select(text: &str) -> Result<Select, TaosError> {
    match crate::sql::parse(text)? {
        Statement::Select(sel) => Ok(*sel),
        _ => Err(invalid_query("not a select")),
    }
}

fn has_func(e: &Expr) -> bool {
    match e {
        Expr::Func { .. } => true,
        Expr::Binary(_, a, b) => has_func(a) || has_func(b),
        Expr::Not(a) | Expr::Neg(a) | Expr::IsNull(a, _) | Expr::Like(a, _, _) => has_func(a),
        Expr::Between(a, b, c, _) => has_func(a) || has_func(b) || has_func(c),
        Expr::In(a, l, _) => has_func(a) || l.iter().any(has_func),
        Expr::Column(_) | Expr::Literal(_) => false,
    }
}

fn create_topic(e: &Engine, s: &Session, sql: &str, toks: &[Token]) -> Result<Outcome, TaosError> {
    let mut c = Cur { sql, toks, i: 2 };
    let if_not_exists = c.eat_clause(&["if", "not", "exists"])?;
    let name = c.name()?;
    let with_meta = if c.eat("with") {
        c.expect("meta")?;
        true
    } else {
        false
    };
    c.expect("as")?;
    let (db, source, sel) = if c.kw("select") {
        let sel = parse_select(sql.get(c.pos()..).unwrap_or(""))?;
        if with_meta {
            return Err(syntax(sql, c.pos()));
        }
        let Some(from) = sel.from.clone() else {
            return Err(invalid_query("no FROM table"));
        };
        if sel.interval.is_some()
            || !sel.group_by.is_empty()
            || !sel.partition_by.is_empty()
            || !sel.order_by.is_empty()
            || sel.limit.is_some()
            || sel.items.iter().any(|i| match i {
                SelectItem::Expr { expr, .. } => has_func(expr),
                SelectItem::Star => false,
            })
        {
            return Err(invalid_query(
                "only columns, tags and WHERE are allowed in a topic",
            ));
        }
        let info = lookup_table(e, s, &from)?;
        let src = TopicSource::Query {
            from: from.name.clone(),
            is_stable: info.is_stable,
        };
        (info.db, src, sel)
    } else if c.eat("stable") {
        let st = c.table_name()?;
        let info = lookup_table(e, s, &st)?;
        if !info.is_stable {
            return Err(err(codes::TSDB_CODE_MND_STB_NOT_EXIST, "STable not exist"));
        }
        let filter = if c.kw("where") {
            let text = format!("SELECT * FROM t {}", sql.get(c.pos()..).unwrap_or(""));
            parse_select(&text)?.filter
        } else if c.at_end() {
            None
        } else {
            return Err(syntax(sql, c.pos()));
        };
        let src = TopicSource::Stable(st.name.clone());
        (info.db, src, star_select(st, filter))
    } else if c.eat("database") {
        let db = c.name()?;
        if !c.at_end() {
            return Err(syntax(sql, c.pos()));
        }
        let db = resolve_db(e, s, Some(&db))?;
        let from = TableName {
            db: Some(db.clone()),
            name: String::new(),
        };
        (db, TopicSource::Database, star_select(from, None))
    } else {
        return Err(syntax(sql, c.pos()));
    };
    let topic = Topic {
        name: name.clone(),
        db,
        source,
        sel,
        with_meta,
        sql: sql.trim().trim_end_matches(';').to_string(),
        created: crate::engine::time::now(0),
    };
    e.tmq.with(|st| {
        if st.topics.contains_key(&name) {
            return if if_not_exists {
                Ok(Outcome::Affected(0))
            } else {
                Err(err(
                    codes::TSDB_CODE_MND_TOPIC_ALREADY_EXIST,
                    "Topic already exists",
                ))
            };
        }
        if st.topics.len() >= MAX_TOPICS {
            return Err(err(
                codes::TSDB_CODE_TMQ_TOPIC_OUT_OF_RANGE,
                "Topic num out of range",
            ));
        }
        st.topics.insert(name, topic);
        Ok(Outcome::Affected(0))
    })
}

fn drop_topic(e: &Engine, toks: &[Token]) -> Result<Outcome, TaosError> {
    let mut c = Cur {
        sql: "",
        toks,
        i: 2,
    };
    let if_exists = c.eat_clause(&["if", "exists"])?;
    let force = c.eat("force");
    let name = c.name()?;
    if !c.at_end() {
        return Err(syntax("", c.pos()));
    }
    e.tmq.with(|st| {
        if !st.topics.contains_key(&name) {
            return if if_exists {
                Ok(Outcome::Affected(0))
            } else {
                Err(err(codes::TSDB_CODE_MND_TOPIC_NOT_EXIST, "Topic not exist"))
            };
        }
        let used = st.consumers.values().any(|c| c.topics.contains(&name));
        if used && !force {
            return Err(err(
                codes::TSDB_CODE_MND_TOPIC_SUBSCRIBED,
                "Topic subscribed cannot be dropped",
            ));
        }
        for cons in st.consumers.values_mut() {
            cons.topics.retain(|t| t != &name);
            cons.positions.retain(|(t, _), _| t != &name);
        }
        st.committed.retain(|(_, t, _), _| t != &name);
        st.topics.remove(&name);
        Ok(Outcome::Affected(0))
    })
}

fn drop_group(e: &Engine, toks: &[Token]) -> Result<Outcome, TaosError> {
    let mut c = Cur {
        sql: "",
        toks,
        i: 3,
    };
    let if_exists = c.eat_clause(&["if", "exists"])?;
    let force = c.eat("force");
    let group = c.name()?;
    c.expect("on")?;
    let topic = c.table_name()?.name;
    e.tmq.with(|st| {
        let known = st
            .committed
            .keys()
            .any(|(g, t, _)| g == &group && t == &topic)
            || st
                .consumers
                .values()
                .any(|c| c.cfg.group == group && c.topics.contains(&topic));
        if !known {
            return if if_exists {
                Ok(Outcome::Affected(0))
            } else {
                Err(err(
                    codes::TSDB_CODE_MND_SUBSCRIBE_NOT_EXIST,
                    "Subcribe not exist",
                ))
            };
        }
        let used = st
            .consumers
            .values()
            .any(|c| c.cfg.group == group && c.topics.contains(&topic));
        if used && !force {
            return Err(err(
                codes::TSDB_CODE_MND_CGROUP_USED,
                "Consumer group being used by some consumer",
            ));
        }
        for cons in st.consumers.values_mut() {
            if cons.cfg.group == group {
                cons.topics.retain(|t| t != &topic);
                cons.positions.retain(|(t, _), _| t != &topic);
            }
        }
        st.committed
            .retain(|(g, t, _), _| !(g == &group && t == &topic));
        Ok(Outcome::Affected(0))
    })
}

fn show((fields, rows): (Vec<Field>, Vec<Vec<Value>>)) -> Outcome {
    Outcome::Rows(rows_result(fields, &rows, 0))
}

/// The `information_schema` tables `ins_topics`, `ins_consumers`, `ins_subscriptions`
/// (same columns as the SHOW statements), or `None` for another name.
pub fn system_table(e: &Engine, name: &str) -> Option<(Vec<Field>, Vec<Vec<Value>>)> {
    match name {
        "ins_topics" => Some(topics_table(e)),
        "ins_consumers" => Some(consumers_table(e)),
        "ins_subscriptions" => Some(subscriptions_table(e)),
        _ => None,
    }
}

fn var(s: &str) -> Value {
    Value::Bytes(s.as_bytes().to_vec())
}

fn topics_table(e: &Engine) -> (Vec<Field>, Vec<Vec<Value>>) {
    let fields = vec![
        field("topic_name", TSDB_DATA_TYPE_VARCHAR, 192),
        field("db_name", TSDB_DATA_TYPE_VARCHAR, 64),
        field("create_time", TSDB_DATA_TYPE_TIMESTAMP, 8),
        field("sql", TSDB_DATA_TYPE_VARCHAR, 1024),
        field("meta", TSDB_DATA_TYPE_VARCHAR, 4),
        field("type", TSDB_DATA_TYPE_VARCHAR, 8),
    ];
    let rows: Vec<Vec<Value>> = e.tmq.with(|st| {
        st.topics
            .values()
            .map(|t| {
                vec![
                    var(&t.name),
                    var(&t.db),
                    Value::Timestamp(t.created),
                    var(&t.sql),
                    var(if t.with_meta { "with" } else { "no" }),
                    var(t.type_name()),
                ]
            })
            .collect()
    });
    (fields, rows)
}

fn consumers_table(e: &Engine) -> (Vec<Field>, Vec<Vec<Value>>) {
    let fields = vec![
        field("consumer_id", TSDB_DATA_TYPE_BIGINT, 8),
        field("consumer_group", TSDB_DATA_TYPE_VARCHAR, 192),
        field("client_id", TSDB_DATA_TYPE_VARCHAR, 192),
        field("user", TSDB_DATA_TYPE_VARCHAR, 24),
        field("fqdn", TSDB_DATA_TYPE_VARCHAR, 128),
        field("status", TSDB_DATA_TYPE_VARCHAR, 20),
        field("topics", TSDB_DATA_TYPE_VARCHAR, 192),
        field("up_time", TSDB_DATA_TYPE_TIMESTAMP, 8),
        field("subscribe_time", TSDB_DATA_TYPE_TIMESTAMP, 8),
        field("rebalance_time", TSDB_DATA_TYPE_TIMESTAMP, 8),
        field("parameters", TSDB_DATA_TYPE_VARCHAR, 256),
    ];
    let rows: Vec<Vec<Value>> = e.tmq.with(|st| {
        let mut rows = Vec::new();
        for c in st.consumers.values() {
            // One row per subscribed topic, as TDengine lists them.
            let topics: Vec<&str> = if c.topics.is_empty() {
                vec![""]
            } else {
                c.topics.iter().map(String::as_str).collect()
            };
            for t in topics {
                rows.push(vec![
                    Value::Int(c.id),
                    var(&c.cfg.group),
                    var(&c.cfg.client_id),
                    var(&c.cfg.user),
                    var(&c.cfg.fqdn),
                    var("ready"),
                    var(t),
                    Value::Timestamp(c.up_time),
                    Value::Timestamp(c.subscribe_time),
                    Value::Timestamp(c.subscribe_time),
                    var(&c.cfg.parameters),
                ]);
            }
        }
        rows
    });
    (fields, rows)
}

fn subscriptions_table(e: &Engine) -> (Vec<Field>, Vec<Vec<Value>>) {
    let fields = vec![
        field("topic_name", TSDB_DATA_TYPE_VARCHAR, 192),
        field("consumer_group", TSDB_DATA_TYPE_VARCHAR, 192),
        field("vgroup_id", TSDB_DATA_TYPE_INT, 4),
        field("consumer_id", TSDB_DATA_TYPE_BIGINT, 8),
        field("offset", TSDB_DATA_TYPE_VARCHAR, 64),
        field("rows", TSDB_DATA_TYPE_BIGINT, 8),
    ];
    let rows: Vec<Vec<Value>> = e.tmq.with(|st| {
        // Every (group, topic) that has a member or a commit, one row per vgroup.
        let mut pairs: Vec<(String, String)> = st
            .consumers
            .values()
            .flat_map(|c| c.topics.iter().map(|t| (c.cfg.group.clone(), t.clone())))
            .chain(st.committed.keys().map(|(g, t, _)| (g.clone(), t.clone())))
            .collect();
        pairs.sort();
        pairs.dedup();
        let mut rows = Vec::new();
        for (g, t) in pairs {
            let n = st
                .topics
                .get(&t)
                .map_or(VGROUPS, |tp| st.vgroups_of(&tp.db));
            for vg in vgroup_ids(n) {
                let owner = st
                    .consumers
                    .keys()
                    .copied()
                    .find(|id| st.assigned(*id).contains(&(t.clone(), vg)))
                    .filter(|id| st.consumers.get(id).is_some_and(|c| c.cfg.group == g));
                let off = st
                    .committed
                    .get(&(g.clone(), t.clone(), vg))
                    .map_or_else(String::new, |o| format!("log:{o}"));
                rows.push(vec![
                    var(&t),
                    var(&g),
                    Value::Int(i64::from(vg)),
                    owner.map_or(Value::Null, Value::Int),
                    var(&off),
                    Value::Int(0),
                ]);
            }
        }
        rows
    });
    (fields, rows)
}
