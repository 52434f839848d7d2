//! The reader: partitions assigned directly, a bounded or open-ended read, and nothing ever
//! committed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use contrail_contracts::observe::ObservedRecord;
use rdkafka::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError as RdError;
use rdkafka::metadata::Metadata;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaErrorCode;

use crate::error::KafkaError;
use crate::profile::BrokerProfile;
use crate::record::observed;
use crate::start::{Start, Until};

/// The longest a single wait inside [`Reader::poll`] lasts, so the stop flag is seen quickly.
const SLICE: Duration = Duration::from_millis(100);

/// Which partitions of a topic to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub topic: String,
    /// `None`: every partition.
    pub partitions: Option<Vec<i32>>,
}

impl Selection {
    /// Every partition of `topic`.
    pub fn topic(topic: impl Into<String>) -> Selection {
        Selection {
            topic: topic.into(),
            partitions: None,
        }
    }

    /// Only these partitions of `topic`.
    pub fn partitions(
        topic: impl Into<String>,
        partitions: impl IntoIterator<Item = i32>,
    ) -> Selection {
        Selection {
            topic: topic.into(),
            partitions: Some(partitions.into_iter().collect()),
        }
    }
}

/// Where one assigned partition stands, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionProgress {
    pub topic: String,
    pub partition: i32,
    /// Where reading started.
    pub start: i64,
    /// The next offset to read.
    pub position: i64,
    /// With [`Until::End`]: the high watermark at assignment, where reading stops. With
    /// [`Until::Never`]: the highest high watermark known (at assignment, from
    /// [`Reader::refresh_watermarks`], or past the last record read).
    pub end: i64,
    /// Reading this partition is over (only with [`Until::End`]).
    pub done: bool,
}

impl PartitionProgress {
    /// Records between the position and the end: the high watermark minus the position.
    pub fn lag(&self) -> i64 {
        if self.done {
            0
        } else {
            (self.end - self.position).max(0)
        }
    }
}

/// What one [`Reader::poll`] brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Polled {
    Record(ObservedRecord),
    /// Nothing arrived within the timeout; partitions are still open.
    Idle,
    /// Every partition reached its end ([`Until::End`]), or nothing is assigned.
    Finished,
    /// The stop flag was raised.
    Stopped,
}

/// Errors librdkafka reports while it retries by itself: not fatal until they outlast the
/// timeout.
#[derive(Debug, Default)]
struct Trouble {
    /// When the first error since the last sign of progress came.
    since: Option<Instant>,
    last: Option<String>,
}

/// Collects librdkafka's error events (which it otherwise only logs) so that "unreachable"
/// can say why, and keeps librdkafka quiet.
#[derive(Debug, Default)]
struct ReaderContext {
    trouble: Mutex<Trouble>,
}

impl ReaderContext {
    fn trouble(&self) -> std::sync::MutexGuard<'_, Trouble> {
        self.trouble.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn note(&self, message: String) {
        let mut trouble = self.trouble();
        trouble.since.get_or_insert_with(Instant::now);
        trouble.last = Some(message);
    }

    fn clear(&self) {
        *self.trouble() = Trouble::default();
    }
}

impl ClientContext for ReaderContext {
    /// librdkafka's own words about a failed connection ("Connection refused", "SASL
    /// authentication error: …") are in its log lines: the last warning or worse is kept as
    /// the cause an unreachable broker is reported with.
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, _fac: &str, message: &str) {
        use rdkafka::config::RDKafkaLogLevel as Level;
        if matches!(
            level,
            Level::Emerg | Level::Alert | Level::Critical | Level::Error | Level::Warning
        ) {
            self.trouble().last = Some(message.to_owned());
        }
    }

    fn error(&self, error: RdError, reason: &str) {
        self.note(if reason.is_empty() {
            error.to_string()
        } else {
            reason.to_owned()
        });
    }
}

impl ConsumerContext for ReaderContext {}

/// Reads topics without joining a consumer group or committing anything.
///
/// Partitions are assigned directly (never subscribed) under a throwaway `group.id` with auto
/// commit and offset store off, and nothing calls commit: what consumer groups see never
/// changes. Isolation is librdkafka's default, `read_committed`, as consumers of transactional
/// topics use: a sample shows what those consumers see (a profile may set
/// `isolation.level: read_uncommitted` to see aborted records too).
///
/// Fetch sizes are librdkafka's defaults (`fetch.max.bytes` 50 MB, `max.partition.fetch.bytes`
/// 1 MB per partition): a record larger than those is still delivered whole, since the broker
/// always returns at least one batch; `receive.message.max.bytes` (100 MB) bounds one response
/// and may be raised in the profile for larger batches.
///
/// ```no_run
/// use std::time::Duration;
/// use contrail_kafka::{BrokerProfile, Polled, Reader, Selection, Start, Until};
///
/// let mut reader = Reader::connect(&BrokerProfile::new("localhost:9092"), Duration::from_secs(10))?;
/// reader.assign(&[Selection::topic("shop.orders")], Start::Earliest, Until::End)?;
/// for record in reader.records() {
///     let record = record?;
///     println!("{} {:?}", record.position(), record.value);
/// }
/// # Ok::<(), contrail_kafka::KafkaError>(())
/// ```
pub struct Reader {
    consumer: BaseConsumer<ReaderContext>,
    bootstrap: String,
    timeout: Duration,
    stop: Arc<AtomicBool>,
    partitions: Vec<PartitionProgress>,
    /// topic → partition → index in `partitions`.
    index: HashMap<String, HashMap<i32, usize>>,
    until: Until,
    open: usize,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("bootstrap", &self.bootstrap)
            .field("timeout", &self.timeout)
            .field("partitions", &self.partitions)
            .field("until", &self.until)
            .finish_non_exhaustive()
    }
}

impl Reader {
    /// Connects and checks that a broker answers a metadata request within `timeout`, which
    /// also bounds every later request to the broker (metadata, watermarks, offsets by time)
    /// and how long [`Reader::poll`] tolerates a broker that stopped answering.
    pub fn connect(profile: &BrokerProfile, timeout: Duration) -> Result<Reader, KafkaError> {
        let config = profile.client_config()?;
        let consumer: BaseConsumer<ReaderContext> = config
            .create_with_context(ReaderContext::default())
            .map_err(|e| match e {
                RdError::ClientConfig(_, message, key, _) => KafkaError::Setting { key, message },
                other => KafkaError::Setting {
                    key: String::new(),
                    message: other.to_string(),
                },
            })?;
        let reader = Reader {
            consumer,
            bootstrap: profile.bootstrap.clone(),
            timeout,
            stop: Arc::new(AtomicBool::new(false)),
            partitions: Vec::new(),
            index: HashMap::new(),
            until: Until::End,
            open: 0,
        };
        reader.metadata(None)?;
        Ok(reader)
    }

    /// The flag that stops reading: [`Reader::poll`] checks it between waits of at most
    /// 100 ms and answers [`Polled::Stopped`] once it is set. Hand it to a Ctrl-C handler.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// The partitions of `topic`, in order. A topic that does not exist is an error naming it
    /// and the existing topics with close names.
    pub fn partitions(&self, topic: &str) -> Result<Vec<i32>, KafkaError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let metadata = self.metadata(Some(topic))?;
            let found = metadata.topics().iter().find(|t| t.name() == topic);
            let error = found.and_then(|t| t.error()).map(RDKafkaErrorCode::from);
            match (found, error) {
                (Some(t), None) if !t.partitions().is_empty() => {
                    let mut ids: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
                    ids.sort_unstable();
                    return Ok(ids);
                }
                // Just created: leaders are being elected.
                (Some(_), Some(RDKafkaErrorCode::LeaderNotAvailable))
                    if Instant::now() < deadline =>
                {
                    std::thread::sleep(SLICE);
                }
                (Some(_), Some(code))
                    if code != RDKafkaErrorCode::UnknownTopicOrPartition
                        && code != RDKafkaErrorCode::UnknownTopic =>
                {
                    return Err(KafkaError::broker(
                        format!("reading the metadata of topic `{topic}`"),
                        RdError::MetadataFetch(code),
                    ));
                }
                _ => return Err(self.unknown_topic(topic)),
            }
        }
    }

    fn unknown_topic(&self, topic: &str) -> KafkaError {
        let names: Vec<String> = self
            .metadata(None)
            .map(|m| m.topics().iter().map(|t| t.name().to_owned()).collect())
            .unwrap_or_default();
        let similar = contrail_contracts::suggest::close_matches(
            topic,
            names
                .iter()
                .map(String::as_str)
                .filter(|n| !n.starts_with("__")),
            5,
        );
        KafkaError::UnknownTopic {
            topic: topic.to_owned(),
            bootstrap: self.bootstrap.clone(),
            similar: similar.into_iter().map(str::to_owned).collect(),
        }
    }

    fn metadata(&self, topic: Option<&str>) -> Result<Metadata, KafkaError> {
        self.consumer
            .fetch_metadata(topic, self.timeout)
            .map_err(|e| match e.rdkafka_error_code() {
                Some(
                    RDKafkaErrorCode::OperationTimedOut
                    | RDKafkaErrorCode::BrokerTransportFailure
                    | RDKafkaErrorCode::AllBrokersDown
                    | RDKafkaErrorCode::Resolve
                    | RDKafkaErrorCode::Authentication
                    | RDKafkaErrorCode::SaslAuthenticationFailed
                    | RDKafkaErrorCode::SSL,
                )
                | None => KafkaError::Unreachable {
                    bootstrap: self.bootstrap.clone(),
                    timeout: self.timeout,
                    cause: self.cause(&e),
                },
                Some(_) => KafkaError::broker("reading the cluster's metadata", e),
            })
    }

    /// Assigns the selected partitions at `start`, replacing any earlier assignment, and
    /// decides where each stops. A partition already at its end (empty, or `start` at or past
    /// the end with [`Until::End`]) is done at once and not fetched at all.
    pub fn assign(
        &mut self,
        selections: &[Selection],
        start: Start,
        until: Until,
    ) -> Result<(), KafkaError> {
        self.consumer
            .unassign()
            .map_err(|e| KafkaError::broker("releasing the previous assignment", e))?;
        self.partitions.clear();
        self.index.clear();
        self.until = until;
        for selection in selections {
            let existing = self.partitions(&selection.topic)?;
            let chosen = match &selection.partitions {
                None => existing.clone(),
                Some(wanted) => {
                    let mut chosen = Vec::new();
                    for &partition in wanted {
                        if !existing.contains(&partition) {
                            return Err(KafkaError::UnknownPartition {
                                topic: selection.topic.clone(),
                                partition,
                                partitions: existing,
                            });
                        }
                        if !chosen.contains(&partition) {
                            chosen.push(partition);
                        }
                    }
                    chosen
                }
            };
            for partition in chosen {
                let by_partition = self.index.entry(selection.topic.clone()).or_default();
                if by_partition.contains_key(&partition) {
                    continue;
                }
                let (low, high) = self
                    .consumer
                    .fetch_watermarks(&selection.topic, partition, self.timeout)
                    .map_err(|e| {
                        KafkaError::broker(
                            format!("reading the watermarks of {}/{partition}", selection.topic),
                            e,
                        )
                    })?;
                by_partition.insert(partition, self.partitions.len());
                self.partitions.push(PartitionProgress {
                    topic: selection.topic.clone(),
                    partition,
                    start: low,
                    position: low,
                    end: high,
                    done: false,
                });
            }
        }
        let starts = self.start_offsets(start)?;
        let mut assignment = TopicPartitionList::new();
        self.open = 0;
        for (p, start) in self.partitions.iter_mut().zip(starts) {
            p.start = start;
            p.position = start;
            p.done = until == Until::End && start >= p.end;
            if !p.done {
                self.open += 1;
                assignment
                    .add_partition_offset(&p.topic, p.partition, Offset::Offset(start))
                    .map_err(|e| KafkaError::broker("building the assignment", e))?;
            }
        }
        if assignment.count() > 0 {
            self.consumer
                .assign(&assignment)
                .map_err(|e| KafkaError::broker("assigning the partitions", e))?;
            // librdkafka keeps a partition paused across assignments: undo `finish` of an
            // earlier read.
            self.consumer
                .resume(&assignment)
                .map_err(|e| KafkaError::broker("resuming the partitions", e))?;
        }
        self.consumer.context().clear();
        Ok(())
    }

    /// Each partition's start offset, in `self.partitions`' order, within its watermarks.
    fn start_offsets(&self, start: Start) -> Result<Vec<i64>, KafkaError> {
        let low_of = |p: &PartitionProgress| p.start;
        match start {
            Start::Earliest => Ok(self.partitions.iter().map(low_of).collect()),
            Start::Latest => Ok(self.partitions.iter().map(|p| p.end).collect()),
            Start::Offset(offset) => Ok(self
                .partitions
                .iter()
                .map(|p| offset.clamp(low_of(p), p.end.max(low_of(p))))
                .collect()),
            Start::Time(ms) => {
                if self.partitions.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = TopicPartitionList::new();
                for p in &self.partitions {
                    query
                        .add_partition_offset(&p.topic, p.partition, Offset::Offset(ms))
                        .map_err(|e| {
                            KafkaError::broker("building the offsets-for-times query", e)
                        })?;
                }
                let found = self
                    .consumer
                    .offsets_for_times(query, self.timeout)
                    .map_err(|e| KafkaError::broker("looking up offsets by time", e))?;
                self.partitions
                    .iter()
                    .map(|p| {
                        let element = found.find_partition(&p.topic, p.partition);
                        let offset = match element {
                            Some(e) => {
                                e.error().map_err(|err| {
                                    KafkaError::broker(
                                        format!("looking up {}/{} by time", p.topic, p.partition),
                                        err,
                                    )
                                })?;
                                e.offset()
                            }
                            None => Offset::End,
                        };
                        // No record at or after the time: start at the end.
                        Ok(match offset {
                            Offset::Offset(n) => n.clamp(low_of(p), p.end.max(low_of(p))),
                            _ => p.end,
                        })
                    })
                    .collect()
            }
        }
    }

    /// Where each assigned partition stands.
    pub fn progress(&self) -> &[PartitionProgress] {
        &self.partitions
    }

    /// Asks the broker for each open partition's high watermark, for the lag of an
    /// open-ended read ([`Until::Never`]); with [`Until::End`] the ends are fixed and this
    /// does nothing. Blocks for up to the timeout per partition.
    pub fn refresh_watermarks(&mut self) -> Result<(), KafkaError> {
        if self.until == Until::End {
            return Ok(());
        }
        for p in &mut self.partitions {
            let (_, high) = self
                .consumer
                .fetch_watermarks(&p.topic, p.partition, self.timeout)
                .map_err(|e| {
                    KafkaError::broker(
                        format!("reading the watermarks of {}/{}", p.topic, p.partition),
                        e,
                    )
                })?;
            p.end = p.end.max(high);
        }
        Ok(())
    }

    /// Waits up to `timeout` for the next record.
    ///
    /// Transient broker trouble (a broker restarting, a leader moving) is retried by librdkafka
    /// and is not an error until no broker has answered for longer than the connect timeout;
    /// then it is [`KafkaError::Lost`]. Errors about the read itself (authorization, say) are
    /// returned at once.
    pub fn poll(&mut self, timeout: Duration) -> Result<Polled, KafkaError> {
        // No clock for a poll that does not wait, the common case while a batch fills: two
        // clock reads per record were a few percent of a sample's time.
        let deadline = (!timeout.is_zero()).then(|| Instant::now() + timeout);
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(Polled::Stopped);
            }
            if self.open == 0 {
                return Ok(Polled::Finished);
            }
            let wait = deadline.map_or(Duration::ZERO, |deadline| {
                deadline
                    .saturating_duration_since(Instant::now())
                    .min(SLICE)
            });
            match self.consumer.poll(wait) {
                Some(Ok(message)) => {
                    let record = observed(&message);
                    drop(message);
                    self.consumer.context().clear();
                    if self.advance(&record.topic, record.partition, record.offset + 1) {
                        return Ok(Polled::Record(record));
                    }
                }
                Some(Err(RdError::PartitionEOF(partition))) => {
                    self.consumer.context().clear();
                    self.reached_end(Some(partition))?;
                }
                Some(Err(e)) if transient(&e) => {
                    self.consumer.context().note(e.to_string());
                }
                Some(Err(e)) => return Err(KafkaError::broker("reading records", e)),
                None => {
                    if self.until == Until::End {
                        self.reached_end(None)?;
                    }
                    self.check_alive()?;
                }
            }
            if deadline.is_none_or(|deadline| Instant::now() >= deadline) {
                return Ok(Polled::Idle);
            }
        }
    }

    /// Records until every partition reached its end, the stop flag is set, or an error (the
    /// last item). With [`Until::Never`] it ends only when stopped.
    pub fn records(&mut self) -> Records<'_> {
        Records {
            reader: self,
            over: false,
        }
    }

    /// Moves a partition's position to `next` (the offset after a record read, or a position
    /// librdkafka reports) and marks the partition done at its end. Returns whether a record
    /// at `next - 1` belongs to the read: of an assigned partition not yet done, before its end.
    fn advance(&mut self, topic: &str, partition: i32, next: i64) -> bool {
        let Some(&i) = self.index.get(topic).and_then(|by| by.get(&partition)) else {
            return false;
        };
        let bounded = self.until == Until::End;
        let p = &mut self.partitions[i];
        if p.done {
            return false;
        }
        let inside = !bounded || next <= p.end;
        p.position = p.position.max(if bounded { next.min(p.end) } else { next });
        if !bounded {
            p.end = p.end.max(p.position);
        } else if p.position >= p.end {
            self.finish(i);
        }
        inside
    }

    fn finish(&mut self, i: usize) {
        let p = &mut self.partitions[i];
        if p.done {
            return;
        }
        p.done = true;
        p.position = p.position.max(p.end);
        self.open -= 1;
        let mut done = TopicPartitionList::new();
        if done
            .add_partition_offset(&p.topic, p.partition, Offset::Invalid)
            .is_ok()
        {
            // Stop fetching it; failing to only costs a few discarded records.
            let _ = self.consumer.pause(&done);
        }
    }

    /// After librdkafka reports the end of partition `eof` (or, with `None`, after an idle
    /// wait): compares positions with the ends. librdkafka's positions move past records
    /// consumers never see (transaction markers, aborted records), which a record count
    /// cannot. An end-of-partition event names the partition but not its topic; when only one
    /// open partition has that number it is that one's end.
    fn reached_end(&mut self, eof: Option<i32>) -> Result<(), KafkaError> {
        if self.until == Until::Never {
            return Ok(());
        }
        let positions = self
            .consumer
            .position()
            .map_err(|e| KafkaError::broker("reading the positions", e))?;
        for element in positions.elements() {
            if let Offset::Offset(next) = element.offset() {
                self.advance(element.topic(), element.partition(), next);
            }
        }
        if let Some(partition) = eof {
            let open: Vec<usize> = (0..self.partitions.len())
                .filter(|&i| !self.partitions[i].done && self.partitions[i].partition == partition)
                .collect();
            if let [only] = open[..] {
                self.finish(only);
            }
        }
        Ok(())
    }

    /// With librdkafka reporting errors and no progress for longer than the timeout, asks for
    /// metadata once: a broker that answers clears the trouble, one that does not is lost.
    fn check_alive(&self) -> Result<(), KafkaError> {
        let since = self.consumer.context().trouble().since;
        if since.is_none_or(|since| since.elapsed() < self.timeout) {
            return Ok(());
        }
        match self.consumer.fetch_metadata(None, self.timeout) {
            Ok(_) => {
                self.consumer.context().clear();
                Ok(())
            }
            Err(e) => Err(KafkaError::Lost {
                bootstrap: self.bootstrap.clone(),
                timeout: self.timeout,
                cause: self.cause(&e),
            }),
        }
    }

    /// What librdkafka last said went wrong, else `error`: the cause of an unreachable broker.
    fn cause(&self, error: &RdError) -> Option<String> {
        let last = self.consumer.context().trouble().last.clone();
        last.or_else(|| Some(error.to_string()))
    }
}

/// Errors librdkafka recovers from by itself.
fn transient(error: &RdError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::BrokerTransportFailure
                | RDKafkaErrorCode::AllBrokersDown
                | RDKafkaErrorCode::Resolve
                | RDKafkaErrorCode::OperationTimedOut
                | RDKafkaErrorCode::RequestTimedOut
                | RDKafkaErrorCode::NetworkException
                | RDKafkaErrorCode::NotLeaderForPartition
                | RDKafkaErrorCode::LeaderNotAvailable
                | RDKafkaErrorCode::FencedLeaderEpoch
                | RDKafkaErrorCode::UnknownLeaderEpoch
                | RDKafkaErrorCode::NotCoordinator
                | RDKafkaErrorCode::CoordinatorNotAvailable
        )
    )
}

/// The records of a [`Reader`], as an iterator; see [`Reader::records`].
#[derive(Debug)]
pub struct Records<'a> {
    reader: &'a mut Reader,
    over: bool,
}

impl Iterator for Records<'_> {
    type Item = Result<ObservedRecord, KafkaError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.over {
            match self.reader.poll(SLICE) {
                Ok(Polled::Record(record)) => return Some(Ok(record)),
                Ok(Polled::Idle) => {}
                Ok(Polled::Finished | Polled::Stopped) => self.over = true,
                Err(e) => {
                    self.over = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}
