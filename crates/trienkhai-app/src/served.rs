//! Answers kept in memory and served again while the database has not changed: a dashboard or a
//! list of figures opened again costs one check of the change epoch (see
//! `trienkhai_store::Db::change_epoch`) instead of the reads and roll-ups that made it.
//!
//! An answer is kept under the epoch read *before* it was computed: a write committed while it
//! was being computed moves the epoch, so the answer is recomputed on the next request instead
//! of being served as current. Errors are never kept. An answer is also never served after
//! [`MAX_AGE`], a backstop should a change signal ever be missed.
//!
//! One request per key computes a missing answer while the others asking for it wait and take
//! it: after a write, the thirty viewers of a province dashboard would otherwise each compute
//! the same 800 ms answer at once on two cores.
//!
//! **Under writes.** On a deadline day every report moves the epoch, dozens of times a second,
//! and a province dashboard takes most of a second to compute: answers that must always be
//! current would be recomputed for every viewer, all the time. Figures and lists are therefore
//! served with a *grace* ([`FIGURE_GRACE`]): an answer kept less than that long ago is served
//! while one request computes the next one (the others do not wait for it).
//! What a viewer sees is then a consistent answer at most a few seconds old, never a mix. Who
//! has just written is never served an answer started before their write ended
//! ([`crate::App::note_write`]): a clerk who submits sees their report counted.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{App, Result};

/// How long a kept answer may be served, however quiet the database.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// How long after it was kept a figure or a list may still be served while the database moves
/// on (what it shows is then at most this old plus the time it took to compute).
pub const FIGURE_GRACE: Duration = Duration::from_secs(5);

/// Kept answers by key, each with the epoch it was read under and when it was kept.
#[derive(Debug)]
pub struct Served<K, V> {
    entries: Mutex<HashMap<K, Kept<V>>>,
    /// One gate per key being computed.
    gates: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
    capacity: usize,
    /// Served past its epoch for this long (figures and lists), or never (who is behind a
    /// secret).
    grace: Option<Duration>,
}

#[derive(Debug)]
struct Kept<V> {
    epoch: u64,
    at: Instant,
    /// When its computation started: what it reflects is at least this recent.
    started: Instant,
    answer: Arc<V>,
}

impl<K: Eq + Hash + Clone, V> Served<K, V> {
    /// At most `capacity` answers; when full, the stale ones go first, then all.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
            capacity,
            grace: None,
        }
    }

    /// The same, serving an answer up to `grace` old while the next is computed.
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = Some(grace);
        self
    }

    /// The answer for `key`: the kept one if the epoch has not moved since it was read, else
    /// `compute`'s, kept when there is an epoch to keep it under.
    pub async fn get_or_compute<F, Fut>(&self, app: &App, key: K, compute: F) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        self.serve(app, None, key, compute).await
    }

    /// [`Self::get_or_compute`] for `actor`, with the grace this instance was given when the
    /// actor reads recent answers ([`crate::Actor::reads_recent`]): an answer started within it
    /// (and after the actor's last write) is served while one request computes the next.
    pub async fn get_or_compute_for<F, Fut>(
        &self,
        app: &App,
        actor: &crate::Actor,
        key: K,
        compute: F,
    ) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        let account = actor.account_id.filter(|_| actor.reads_recent);
        self.serve(app, account, key, compute).await
    }

    async fn serve<F, Fut>(
        &self,
        app: &App,
        account: Option<trienkhai_core::ids::AccountId>,
        key: K,
        compute: F,
    ) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        let epoch = app.db.change_epoch().await?;
        let Some(epoch) = epoch else {
            return Ok(Arc::new(compute().await?));
        };
        if let Some(kept) = self.get(&key, epoch) {
            return Ok(kept);
        }
        let gate = self.gate(&key);
        if let (Some(grace), Some(account)) = (self.grace, account)
            && let Some(recent) = self.recent(&key, grace, app.last_write_of(account))
        {
            match gate.clone().try_lock_owned() {
                // Someone is computing the next answer: this one will do meanwhile.
                Err(_) => return Ok(recent),
                Ok(_turn) => return self.compute_and_keep(key, Some(epoch), compute).await,
            }
        }
        let _turn = gate.lock().await;
        // Whoever held the gate before may have kept the answer meanwhile; the epoch is read
        // again, before computing, for the same reason as above.
        let epoch = app.db.change_epoch().await?;
        if let Some(epoch) = epoch
            && let Some(kept) = self.get(&key, epoch)
        {
            return Ok(kept);
        }
        // Under writes the epoch has moved again while we waited: the answer just kept by the
        // one before us is recent, and computing another would queue every waiter behind one
        // computation each.
        if let (Some(grace), Some(account)) = (self.grace, account)
            && let Some(recent) = self.recent(&key, grace, app.last_write_of(account))
        {
            return Ok(recent);
        }
        self.compute_and_keep(key, epoch, compute).await
    }

    /// Computes the answer for `key` (the caller holds its gate), keeps it under `epoch` with
    /// the instant its computation started, and lets the gate go.
    async fn compute_and_keep<F, Fut>(
        &self,
        key: K,
        epoch: Option<u64>,
        compute: F,
    ) -> Result<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        let started = Instant::now();
        let answer = Arc::new(compute().await?);
        if let Some(epoch) = epoch {
            self.put_started(key.clone(), epoch, answer.clone(), started);
        }
        self.gates.lock().expect("gates lock").remove(&key);
        Ok(answer)
    }

    fn gate(&self, key: &K) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.gates.lock().expect("gates lock");
        if gates.len() >= self.capacity {
            // Gates left by computations that failed: waiting on an old one only costs a turn.
            gates.clear();
        }
        gates.entry(key.clone()).or_default().clone()
    }

    pub(crate) fn get(&self, key: &K, epoch: u64) -> Option<Arc<V>> {
        let entries = self.entries.lock().expect("served answers lock");
        match entries.get(key) {
            Some(k) if k.epoch == epoch && k.at.elapsed() < MAX_AGE => Some(k.answer.clone()),
            _ => None,
        }
    }

    /// The kept answer for `key` whatever its epoch, if it was kept less than `grace` ago and
    /// its computation started after `written` (the asker's last write). Counted from when it
    /// was kept, not started: under a deadline spike a province dashboard takes longer than the
    /// grace to compute, and counted from its start no answer would ever be recent enough.
    fn recent(&self, key: &K, grace: Duration, written: Option<Instant>) -> Option<Arc<V>> {
        let entries = self.entries.lock().expect("served answers lock");
        let k = entries.get(key)?;
        (k.at.elapsed() < grace && written.is_none_or(|w| k.started > w)).then(|| k.answer.clone())
    }

    pub(crate) fn put(&self, key: K, epoch: u64, answer: Arc<V>) {
        self.put_started(key, epoch, answer, Instant::now());
    }

    fn put_started(&self, key: K, epoch: u64, answer: Arc<V>, started: Instant) {
        let mut entries = self.entries.lock().expect("served answers lock");
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            // Answers read under an older epoch will never be served again.
            let newest = entries.values().map(|k| k.epoch).max().unwrap_or(epoch);
            entries.retain(|_, k| k.epoch >= newest.max(epoch) && k.at.elapsed() < MAX_AGE);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Kept {
                epoch,
                at: Instant::now(),
                started,
                answer,
            },
        );
    }

    pub(crate) fn forget(&self, key: &K) {
        self.entries
            .lock()
            .expect("served answers lock")
            .remove(key);
    }

    pub fn clear(&self) {
        self.entries.lock().expect("served answers lock").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_served_only_under_its_epoch_and_the_stale_go_first() {
        let served: Served<u32, &str> = Served::new(2);
        served.put(1, 7, Arc::new("một"));
        assert_eq!(served.get(&1, 7).as_deref(), Some(&"một"));
        assert!(served.get(&1, 8).is_none(), "the epoch moved");
        served.put(2, 8, Arc::new("hai"));
        // Full: the answer of epoch 7 is dropped, the current one stays.
        served.put(3, 8, Arc::new("ba"));
        assert!(served.get(&1, 7).is_none());
        assert_eq!(served.get(&2, 8).as_deref(), Some(&"hai"));
        assert_eq!(served.get(&3, 8).as_deref(), Some(&"ba"));
        // Full of current answers: all go.
        served.put(4, 8, Arc::new("bốn"));
        assert!(served.get(&2, 8).is_none());
        assert_eq!(served.get(&4, 8).as_deref(), Some(&"bốn"));
        // However quiet the database, an answer kept longer than the backstop is not served.
        let long_ago = Instant::now()
            .checked_sub(MAX_AGE + Duration::from_secs(1))
            .expect("an instant a minute ago");
        served.entries.lock().unwrap().get_mut(&4).unwrap().at = long_ago;
        assert!(served.get(&4, 8).is_none());
    }

    #[test]
    fn a_recent_answer_is_served_past_its_epoch_but_not_to_who_wrote_since() {
        let served: Served<u32, &str> = Served::new(8).with_grace(FIGURE_GRACE);
        let before = Instant::now();
        served.put(1, 7, Arc::new("một"));
        // The epoch moved (8): not current, but recent.
        assert!(served.get(&1, 8).is_none());
        assert_eq!(
            served.recent(&1, FIGURE_GRACE, None).as_deref(),
            Some(&"một")
        );
        // Who wrote before it was started sees it; who wrote after it was started does not.
        assert!(served.recent(&1, FIGURE_GRACE, Some(before)).is_some());
        assert!(
            served
                .recent(&1, FIGURE_GRACE, Some(Instant::now()))
                .is_none()
        );
        // Kept longer ago than the grace: not served.
        let old = Instant::now()
            .checked_sub(FIGURE_GRACE + Duration::from_secs(1))
            .expect("an instant seconds ago");
        served.entries.lock().unwrap().get_mut(&1).unwrap().at = old;
        assert!(served.recent(&1, FIGURE_GRACE, None).is_none());
    }
}
