//! The process-wide callback executor for the async APIs.
//!
//! User callbacks never run on a socket reader thread (they may block or call back into the
//! library) nor on the caller's thread. One worker is started lazily and stays; when every
//! worker is busy (a callback blocks, e.g. waiting for another callback) a few extra workers
//! are started, and they exit again after a short idle period.
use crossbeam_channel::{unbounded, Receiver, RecvTimeoutError, Sender};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    tx: Sender<Job>,
    rx: Receiver<Job>,
    workers: AtomicUsize,
    idle: AtomicUsize,
}

/// Upper bound on workers (1 permanent + extras while callbacks block).
const MAX_WORKERS: usize = 8;
/// How long an extra worker waits for work before exiting.
const EXTRA_IDLE: Duration = Duration::from_secs(5);

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = unbounded();
        Pool {
            tx,
            rx,
            workers: AtomicUsize::new(0),
            idle: AtomicUsize::new(0),
        }
    })
}

fn start_worker(p: &'static Pool, permanent: bool) -> bool {
    p.workers.fetch_add(1, Ordering::SeqCst);
    let name = if permanent {
        "taos-callback"
    } else {
        "taos-callback-x"
    };
    let r = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || worker(p, permanent));
    if r.is_err() {
        p.workers.fetch_sub(1, Ordering::SeqCst);
    }
    r.is_ok()
}

fn worker(p: &'static Pool, permanent: bool) {
    loop {
        p.idle.fetch_add(1, Ordering::SeqCst);
        let job = if permanent {
            p.rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            p.rx.recv_timeout(EXTRA_IDLE)
        };
        p.idle.fetch_sub(1, Ordering::SeqCst);
        match job {
            // A panicking callback must not take the executor down with it.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => break,
        }
    }
    p.workers.fetch_sub(1, Ordering::SeqCst);
}

/// Runs `job` on the callback executor, exactly once.
pub fn spawn(job: Box<dyn FnOnce() + Send>) {
    let p = pool();
    let workers = p.workers.load(Ordering::SeqCst);
    if workers == 0 {
        static FIRST: OnceLock<bool> = OnceLock::new();
        FIRST.get_or_init(|| start_worker(p, true));
    } else if p.idle.load(Ordering::SeqCst) == 0 && workers < MAX_WORKERS {
        start_worker(p, false);
    }
    if p.workers.load(Ordering::SeqCst) == 0 {
        // No thread could be started at all: run on a one-off thread rather than lose it.
        let _ = std::thread::Builder::new()
            .name("taos-callback-once".into())
            .spawn(job);
        return;
    }
    // The pool owns the receiver, so the channel never disconnects.
    let _ = p.tx.send(job);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::bounded;

    #[test]
    fn runs_jobs_off_thread_and_nested() {
        let (tx, rx) = bounded(2);
        let me = std::thread::current().id();
        let tx2 = tx.clone();
        spawn(Box::new(move || {
            assert_ne!(std::thread::current().id(), me);
            // Re-arming from inside a callback must not deadlock.
            spawn(Box::new(move || tx2.send(2).unwrap()));
            tx.send(1).unwrap();
        }));
        let mut got = vec![
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        ];
        got.sort();
        assert_eq!(got, vec![1, 2]);
    }

    #[test]
    fn blocked_callback_does_not_starve_others() {
        let (tx, rx) = bounded::<()>(1);
        let (done_tx, done_rx) = bounded(1);
        spawn(Box::new(move || {
            // Waits for a later callback.
            let _ = rx.recv_timeout(Duration::from_secs(5));
            done_tx.send(()).unwrap();
        }));
        std::thread::sleep(Duration::from_millis(50));
        spawn(Box::new(move || tx.send(()).unwrap()));
        assert!(done_rx.recv_timeout(Duration::from_secs(3)).is_ok());
    }
}
