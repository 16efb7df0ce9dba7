//! TMQ on the dev server: topics, the per-vgroup write-ahead sequence, consumers, consumer
//! groups and their committed offsets. The `/rest/tmq` socket (`crate::ws::tmq`) drives a
//! consumer through [`Broker`]; the engine appends every committed insert through
//! [`Broker::record_insert`] and runs the topic SQL through [`sql::try_execute`].
//!
//! Locking: one mutex over the whole broker state. The engine calls `record_insert` while it
//! holds a database's write lock (order: database lock → broker lock); the broker never takes
//! a database lock while holding its own.

pub mod consumer;
pub mod log;
pub mod message;
pub mod sql;
pub mod topic;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use taos_wire::error::TaosError;

pub use consumer::{Consumer, ConsumerConfig, Reset};
use log::{DbLog, InsertEntry};
pub use message::Message;
use topic::Topic;

/// `committed`/`position` value meaning "nothing committed" (TSDB_CODE_TMQ_NO_COMMITTED).
pub const NO_COMMITTED: i64 = taos_wire::error::codes::TSDB_CODE_TMQ_NO_COMMITTED as i64;

/// Key of a committed offset: (group, topic, vgroup).
type GroupKey = (String, String, i32);

/// Everything the broker keeps.
#[derive(Debug, Default)]
pub struct State {
    /// Logs by database name.
    pub logs: HashMap<String, DbLog>,
    /// Topics by name.
    pub topics: BTreeMap<String, Topic>,
    /// Live consumers by id.
    pub consumers: BTreeMap<i64, Consumer>,
    /// Committed offsets.
    pub committed: HashMap<GroupKey, i64>,
    next_consumer: i64,
}

/// The TMQ broker, owned by the engine (`Send + Sync`).
#[derive(Debug, Default)]
pub struct Broker {
    state: Mutex<State>,
    /// Signalled on every append (wakes blocked polls).
    appended: Condvar,
}

/// An entry of an `assignment` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// Vgroup id.
    pub vgroup_id: i32,
    /// Current position.
    pub offset: i64,
    /// First version.
    pub begin: i64,
    /// Next version to be written.
    pub end: i64,
}

impl Broker {
    /// Runs `f` with the state locked.
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock())
    }

    /// Appends one committed insert to the log of its database.
    pub fn record_insert(&self, db: &str, entry: InsertEntry) {
        if entry.rows.is_empty() {
            return;
        }
        self.state
            .lock()
            .logs
            .entry(db.to_string())
            .or_default()
            .append(entry);
        self.appended.notify_all();
    }

    /// Appends one table DDL (see [`DbLog::append_meta`]).
    pub fn record_meta(&self, db: &str, table: Option<&str>, entry: log::MetaEntry) {
        self.state
            .lock()
            .logs
            .entry(db.to_string())
            .or_default()
            .append_meta(table, entry);
        self.appended.notify_all();
    }

    /// Starts the (empty) logs of a new database of `vgroups` vgroups, replacing any left
    /// from an earlier database of the same name.
    pub fn create_database(&self, db: &str, vgroups: i32) {
        self.state
            .lock()
            .logs
            .insert(db.to_string(), DbLog::new(vgroups));
    }

    /// Number of vgroups of a database (the default for one never created here).
    pub fn vgroups_of(&self, db: &str) -> i32 {
        self.state.lock().vgroups_of(db)
    }

    /// The vgroup a table of `db` belongs to: the vgroup id TMQ messages of that table carry.
    pub fn table_vgroup(&self, db: &str, table: &str) -> i32 {
        log::vgroup_of(self.vgroups_of(db), table)
    }

    /// Forgets a dropped database's log.
    pub fn drop_database(&self, db: &str) {
        self.state.lock().logs.remove(db);
    }

    /// Registers a consumer subscribed to `topics` (all must exist).
    pub fn create_consumer(
        &self,
        cfg: ConsumerConfig,
        topics: &[String],
    ) -> Result<i64, TaosError> {
        let mut st = self.state.lock();
        st.check_topics(topics)?;
        st.next_consumer += 1;
        // TDengine consumer ids are large random-looking i64s; keep them recognisable.
        let id = 0x1000_0000_0000 + st.next_consumer;
        st.consumers
            .insert(id, Consumer::new(id, cfg, topics.to_vec()));
        Ok(id)
    }

    /// Re-subscribes an existing consumer to a new topic list.
    pub fn subscribe(&self, id: i64, topics: &[String]) -> Result<(), TaosError> {
        let mut st = self.state.lock();
        st.check_topics(topics)?;
        let c = st.consumer_mut(id)?;
        c.topics = topics.to_vec();
        c.positions.clear();
        c.subscribe_time = crate::engine::time::now(0);
        Ok(())
    }

    /// Drops the consumer's subscription (keeps the consumer).
    pub fn unsubscribe(&self, id: i64) {
        let mut st = self.state.lock();
        if let Ok(c) = st.consumer_mut(id) {
            c.topics.clear();
            c.positions.clear();
        }
    }

    /// Removes a consumer (socket closed); its vgroups go to the rest of its group.
    pub fn close_consumer(&self, id: i64) {
        self.state.lock().consumers.remove(&id);
        // A poll blocked for this consumer wakes up and ends.
        self.appended.notify_all();
    }

    /// The consumer's subscribed topics.
    pub fn topics_of(&self, id: i64) -> Vec<String> {
        self.state
            .lock()
            .consumers
            .get(&id)
            .map(|c| c.topics.clone())
            .unwrap_or_default()
    }

    /// Waits up to `timeout` for a message for the consumer.
    pub fn poll(&self, id: i64, timeout: Duration) -> Result<Option<Message>, TaosError> {
        let deadline = Instant::now() + timeout;
        let mut st = self.state.lock();
        loop {
            if let Some(m) = st.try_poll(id)? {
                return Ok(Some(m));
            }
            if self.appended.wait_until(&mut st, deadline).timed_out() {
                return st.try_poll(id);
            }
        }
    }

    /// Commits every consumed position of the consumer.
    pub fn commit_all(&self, id: i64) -> Result<(), TaosError> {
        let mut st = self.state.lock();
        let c = st.consumer(id)?;
        let group = c.cfg.group.clone();
        let pos: Vec<_> = c.positions.iter().map(|(k, v)| (k.clone(), *v)).collect();
        for ((topic, vg), off) in pos {
            st.committed.insert((group.clone(), topic, vg), off);
        }
        Ok(())
    }

    /// Commits one offset for the consumer's group.
    pub fn commit_offset(
        &self,
        id: i64,
        topic: &str,
        vg: i32,
        offset: i64,
    ) -> Result<(), TaosError> {
        let mut st = self.state.lock();
        st.check_pair(id, topic, vg)?;
        check_range(&st, topic, vg, offset)?;
        let group = st.consumer(id)?.cfg.group.clone();
        st.committed.insert((group, topic.to_string(), vg), offset);
        Ok(())
    }

    /// The committed offset of a pair (or [`NO_COMMITTED`]).
    pub fn committed(&self, id: i64, topic: &str, vg: i32) -> Result<i64, TaosError> {
        let st = self.state.lock();
        st.check_pair(id, topic, vg)?;
        let group = &st.consumer(id)?.cfg.group;
        Ok(st
            .committed
            .get(&(group.clone(), topic.to_string(), vg))
            .copied()
            .unwrap_or(NO_COMMITTED))
    }

    /// The next offset the consumer reads from a pair it is assigned ([`NO_COMMITTED`] under
    /// `auto.offset.reset=none` while nothing is committed for it).
    pub fn position(&self, id: i64, topic: &str, vg: i32) -> Result<i64, TaosError> {
        let mut st = self.state.lock();
        st.check_pair(id, topic, vg)?;
        Ok(st.ensure_position(id, topic, vg).unwrap_or(NO_COMMITTED))
    }

    /// Moves the consumer's position on an assigned pair.
    pub fn seek(&self, id: i64, topic: &str, vg: i32, offset: i64) -> Result<(), TaosError> {
        let mut st = self.state.lock();
        st.check_pair(id, topic, vg)?;
        check_range(&st, topic, vg, offset)?;
        st.consumer_mut(id)?
            .positions
            .insert((topic.to_string(), vg), offset);
        Ok(())
    }

    /// The vgroups of `topic` assigned to the consumer, with positions and bounds.
    pub fn assignment(&self, id: i64, topic: &str) -> Result<Vec<Assignment>, TaosError> {
        let mut st = self.state.lock();
        if !st.consumer(id)?.topics.iter().any(|t| t == topic) {
            return Err(TaosError::new(
                taos_wire::error::codes::TSDB_CODE_TMQ_INVALID_TOPIC,
                "Invalid topic",
            ));
        }
        let pairs: Vec<i32> = st
            .assigned(id)
            .into_iter()
            .filter(|(t, _)| t == topic)
            .map(|(_, v)| v)
            .collect();
        Ok(pairs
            .into_iter()
            .map(|vg| Assignment {
                vgroup_id: vg,
                offset: st.ensure_position(id, topic, vg).unwrap_or(NO_COMMITTED),
                begin: st.begin_of(topic, vg),
                end: st.end_of(topic, vg),
            })
            .collect())
    }
}

/// Error unless `offset` lies in the vgroup's kept versions (`begin..=end`), as native's
/// seek and commit_offset check.
fn check_range(st: &State, topic: &str, vg: i32, offset: i64) -> Result<(), TaosError> {
    let (begin, end) = (st.begin_of(topic, vg), st.end_of(topic, vg));
    if offset < begin || offset > end {
        return Err(TaosError::new(
            taos_wire::error::codes::TSDB_CODE_TMQ_VERSION_OUT_OF_RANGE,
            format!("offset {offset} out of range [{begin}, {end}]"),
        ));
    }
    Ok(())
}
