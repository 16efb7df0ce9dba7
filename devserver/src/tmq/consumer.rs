//! Consumers and consumer groups: which vgroups a consumer owns, where it reads from, and
//! how one poll turns log entries into a [`Message`].
//!
//! Assignment: the members of a group subscribed to a topic, ordered by id, share the
//! topic's vgroups round-robin, so two consumers of one group never read the same vgroup.
//! A vgroup a consumer newly owns starts at the group's committed offset, else at the reset
//! policy (`earliest` = the first kept version, `latest` = the current end, `none` = nowhere:
//! the vgroup yields nothing until an offset is committed for the group or the consumer seeks).

use std::collections::HashMap;

use taos_wire::error::{codes, TaosError};

use super::log::{vgroup_ids, Entry, VGROUPS};
use super::message::{Message, MsgBlock};
use super::State;

/// Most rows one message carries (more entries wait for the next poll).
const MAX_MESSAGE_ROWS: usize = 4096;
/// Most log entries one message covers.
const MAX_MESSAGE_ENTRIES: usize = 64;

/// `auto.offset.reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reset {
    /// From the first version.
    Earliest,
    /// From the current end (TDengine's default since 3.2.0.0).
    #[default]
    Latest,
    /// No reset: a vgroup without a committed offset is not read at all. TDengine 3.3's vnode
    /// answers such a poll with TSDB_CODE_TQ_NO_COMMITTED_OFFSET, which its client drops
    /// (the poll ends with no message and no error); 3.0/3.1 clients returned that error.
    None,
}

impl Reset {
    /// Parses the configuration value.
    pub fn parse(v: &str) -> Option<Reset> {
        match v {
            "earliest" => Some(Reset::Earliest),
            "latest" => Some(Reset::Latest),
            "none" => Some(Reset::None),
            _ => None,
        }
    }
}

/// Consumer settings fixed at creation.
#[derive(Debug, Clone, Default)]
pub struct ConsumerConfig {
    /// `group.id`.
    pub group: String,
    /// `client.id`.
    pub client_id: String,
    /// User name.
    pub user: String,
    /// Peer address.
    pub fqdn: String,
    /// `auto.offset.reset`.
    pub reset: Reset,
    /// The native parameters as shown by SHOW CONSUMERS.
    pub parameters: String,
}

/// A live consumer.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// Consumer id.
    pub id: i64,
    /// Settings.
    pub cfg: ConsumerConfig,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Next version to read per (topic, vgroup) it owns.
    pub positions: HashMap<(String, i32), i64>,
    /// Round-robin cursor over the owned pairs.
    rr: usize,
    /// Creation time (ms).
    pub up_time: i64,
    /// Last subscribe time (ms).
    pub subscribe_time: i64,
}

impl Consumer {
    /// A consumer subscribed to `topics`.
    pub fn new(id: i64, cfg: ConsumerConfig, topics: Vec<String>) -> Self {
        let now = crate::engine::time::now(0);
        Consumer {
            id,
            cfg,
            topics,
            positions: HashMap::new(),
            rr: 0,
            up_time: now,
            subscribe_time: now,
        }
    }
}

fn no_consumer() -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_MND_CONSUMER_NOT_EXIST,
        "Consumer not exist",
    )
}

impl State {
    /// Error unless every topic exists.
    pub fn check_topics(&self, topics: &[String]) -> Result<(), TaosError> {
        match topics.iter().find(|t| !self.topics.contains_key(*t)) {
            Some(_) => Err(TaosError::new(
                codes::TSDB_CODE_MND_TOPIC_NOT_EXIST,
                "Topic not exist",
            )),
            None => Ok(()),
        }
    }

    /// A consumer by id.
    pub fn consumer(&self, id: i64) -> Result<&Consumer, TaosError> {
        self.consumers.get(&id).ok_or_else(no_consumer)
    }

    /// A consumer by id, mutable.
    pub fn consumer_mut(&mut self, id: i64) -> Result<&mut Consumer, TaosError> {
        self.consumers.get_mut(&id).ok_or_else(no_consumer)
    }

    /// The (topic, vgroup) pairs the consumer owns now.
    pub fn assigned(&self, id: i64) -> Vec<(String, i32)> {
        let Some(me) = self.consumers.get(&id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for topic in &me.topics {
            if !self.topics.contains_key(topic) {
                continue;
            }
            // BTreeMap order = id order, the same for every member.
            let members: Vec<i64> = self
                .consumers
                .values()
                .filter(|c| c.cfg.group == me.cfg.group && c.topics.contains(topic))
                .map(|c| c.id)
                .collect();
            let Some(idx) = members.iter().position(|m| *m == id) else {
                continue;
            };
            let n = self
                .topics
                .get(topic)
                .map_or(VGROUPS, |t| self.vgroups_of(&t.db));
            for (i, vg) in vgroup_ids(n).into_iter().enumerate() {
                if i % members.len() == idx {
                    out.push((topic.clone(), vg));
                }
            }
        }
        out
    }

    /// Error unless the consumer owns the pair (native: TMQ_INVALID_TOPIC for a topic it is
    /// not subscribed to, TMQ_INVALID_VGID for a vgroup it does not own).
    pub fn check_pair(&self, id: i64, topic: &str, vg: i32) -> Result<(), TaosError> {
        if !self.consumer(id)?.topics.iter().any(|t| t == topic) {
            return Err(TaosError::new(
                codes::TSDB_CODE_TMQ_INVALID_TOPIC,
                format!("Invalid topic: not subscribed to {topic}"),
            ));
        }
        if self
            .assigned(id)
            .iter()
            .any(|(t, v)| t == topic && *v == vg)
        {
            Ok(())
        } else {
            Err(TaosError::new(
                codes::TSDB_CODE_TMQ_INVALID_VGID,
                format!("Invalid vgroup id: topic {topic} vgroup {vg} is not assigned"),
            ))
        }
    }

    /// Number of vgroups of a database (the default for one never created here).
    pub fn vgroups_of(&self, db: &str) -> i32 {
        self.logs.get(db).map_or(VGROUPS, |l| l.n)
    }

    /// Next version to be written in the topic's database vgroup.
    pub fn end_of(&self, topic: &str, vg: i32) -> i64 {
        self.topics
            .get(topic)
            .and_then(|t| self.logs.get(&t.db))
            .map_or(0, |l| l.end(vg))
    }

    /// First kept version in the topic's database vgroup.
    pub fn begin_of(&self, topic: &str, vg: i32) -> i64 {
        self.topics
            .get(topic)
            .and_then(|t| self.logs.get(&t.db))
            .map_or(0, |l| l.begin(vg))
    }

    /// The consumer's position on a pair, initialised from the committed offset or the
    /// reset policy the first time; `None` under `auto.offset.reset=none` while the group has
    /// no committed offset for the pair (and the consumer did not seek).
    pub fn ensure_position(&mut self, id: i64, topic: &str, vg: i32) -> Option<i64> {
        let key = (topic.to_string(), vg);
        let c = self.consumers.get(&id)?;
        if let Some(p) = c.positions.get(&key) {
            return Some(*p);
        }
        let committed = self
            .committed
            .get(&(c.cfg.group.clone(), topic.to_string(), vg))
            .copied();
        let p = match (committed, c.cfg.reset) {
            (Some(p), _) => p,
            (None, Reset::Earliest) => self.begin_of(topic, vg),
            (None, Reset::Latest) => self.end_of(topic, vg),
            (None, Reset::None) => return None,
        };
        if let Some(c) = self.consumers.get_mut(&id) {
            c.positions.insert(key, p);
        }
        Some(p)
    }

    /// One poll attempt: the next message from the consumer's pairs, round-robin.
    pub fn try_poll(&mut self, id: i64) -> Result<Option<Message>, TaosError> {
        let pairs = self.assigned(id);
        let c = self.consumer_mut(id)?;
        // Positions of pairs lost in a rebalance restart from the group's commit if regained.
        c.positions.retain(|k, _| pairs.contains(k));
        let start = c.rr;
        let n = pairs.len();
        for k in 0..n {
            let (topic, vg) = &pairs[(start + k) % n];
            let Some(pos) = self.ensure_position(id, topic, *vg) else {
                continue; // reset=none and nothing committed: this vgroup is not read
            };
            let (msg, next) = self.read(topic, *vg, pos);
            if let Ok(c) = self.consumer_mut(id) {
                c.positions.insert((topic.clone(), *vg), next);
                if msg.is_some() {
                    c.rr = (start + k + 1) % n.max(1);
                }
            }
            if msg.is_some() {
                return Ok(msg);
            }
        }
        Ok(None)
    }

    /// Reads a message of `topic` from `vg` starting at `pos`; returns it (if any rows
    /// matched) and the next position.
    fn read(&self, topic: &str, vg: i32, pos: i64) -> (Option<Message>, i64) {
        let Some(t) = self.topics.get(topic) else {
            return (None, pos);
        };
        let Some(log) = self.logs.get(&t.db).and_then(|l| l.vgroups.get(&vg)) else {
            return (None, pos);
        };
        // A position trimmed away by retention restarts at the first kept version.
        let pos = pos.max(log.begin());
        let mut blocks = Vec::new();
        let (mut rows, mut next) = (0usize, pos);
        let mut used = 0usize;
        let mut created: Vec<serde_json::Value> = Vec::new();
        while let Some(e) = log.get(next) {
            if rows >= MAX_MESSAGE_ROWS || used >= MAX_MESSAGE_ENTRIES {
                break;
            }
            let ins = match e {
                Entry::Insert(ins) => ins,
                // Tables created by an INSERT travel with the data (meta+data, type 3).
                Entry::Meta(m) if m.auto_create => {
                    if t.matches_meta(m) {
                        created.push(m.json.clone());
                    }
                    next += 1;
                    continue;
                }
                Entry::Meta(m) if t.matches_meta(m) => {
                    if !blocks.is_empty() || !created.is_empty() {
                        break; // the meta comes as its own message, after this data
                    }
                    let msg = Message {
                        topic: topic.to_string(),
                        db: t.db.clone(),
                        vgroup_id: vg,
                        offset: next,
                        end: next + 1,
                        kind: taos_wire::json::tmq::TMQ_MESSAGE_META,
                        blocks: Vec::new(),
                        meta: Some(m.json.clone()),
                        created: Vec::new(),
                    };
                    return (Some(msg), next + 1);
                }
                Entry::Meta(_) => {
                    next += 1;
                    continue;
                }
            };
            next += 1;
            if !t.matches(ins) {
                continue;
            }
            // A write that no longer fits the topic (e.g. a dropped column) is skipped.
            let Ok(rs) = t.block_of(ins) else { continue };
            if rs.num_rows() == 0 {
                continue;
            }
            used += 1;
            rows += rs.num_rows();
            blocks.push(MsgBlock {
                table: ins.table.clone(),
                rs,
            });
        }
        if blocks.is_empty() && created.is_empty() {
            return (None, next);
        }
        let created_docs = created.clone();
        let (kind, meta) = match created_json(created) {
            Some(j) => (taos_wire::json::tmq::TMQ_MESSAGE_METADATA, Some(j)),
            None => (taos_wire::json::tmq::TMQ_MESSAGE_DATA, None),
        };
        let msg = Message {
            topic: topic.to_string(),
            db: t.db.clone(),
            vgroup_id: vg,
            offset: pos,
            end: next,
            kind,
            blocks,
            meta,
            created: created_docs,
        };
        (Some(msg), next)
    }
}

/// The JSON meta of a meta+data message: the first created table's `create` document, with
/// every created table in `createList` when there are several (UNCONFIRMED against
/// TDengine's `tmq_get_json_meta` for auto-created tables).
fn created_json(mut created: Vec<serde_json::Value>) -> Option<serde_json::Value> {
    if created.len() <= 1 {
        return created.pop();
    }
    let mut first = created[0].clone();
    first["createList"] = serde_json::Value::Array(created);
    Some(first)
}
