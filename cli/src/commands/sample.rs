//! `contrail sample`: read records from live topics, decode them through the registry and check
//! each against its contract — without joining a consumer group or committing anything.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::SyncSender;
use std::time::Duration;

use anyhow::Context;
use contrail_contracts::observe::{
    Classifier, Decoded, DecodedRecord, DecodedValue, Decoder, Failure, Framing, ObservedRecord,
    Part, RecordCheck, SchemaPointer,
};
use contrail_kafka::{PartitionProgress, Polled, Reader, Selection, Start, Until};

use super::observe::{self, ConnectArgs, Progress, RegistrySource};
use super::sample_output::{Output, SampleFormat, Stopped, Summary, render};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  contrail sample examples/shop --brokers localhost:9092 --registry http://localhost:8081
  contrail sample --brokers staging --topic shop.orders --from -10m --limit 20
  contrail sample --brokers localhost:9092 --where /orderId=o-1001 --limit all --format ndjson")]
pub struct Args {
    /// The catalog directory (default: the nearest directory at or above the working
    /// directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// A topic to read (repeatable). Default: every topic the catalog declares.
    #[arg(long = "topic", short = 't', value_name = "TOPIC")]
    pub topics: Vec<String>,

    /// Only these partitions (repeatable), of every topic read.
    #[arg(long = "partition", short = 'p', value_name = "P")]
    pub partitions: Vec<i32>,

    /// Where each partition starts: `earliest`, `latest`, an offset, an RFC 3339 time
    /// (2026-12-01T09:00:00Z) or a duration back from now (-10m).
    #[arg(
        long,
        default_value = "earliest",
        value_name = "WHERE",
        allow_hyphen_values = true
    )]
    pub from: String,

    /// Stop after N records (those that pass the filters); `all` reads to the end.
    #[arg(long, default_value = "100", value_name = "N|all", value_parser = limit)]
    pub limit: Limit,

    /// Keep reading records as they are produced instead of stopping at the end of each
    /// partition (Ctrl-C stops and prints the summary).
    #[arg(long)]
    pub follow: bool,

    /// Only records with this key: its bytes, or its decoded value for a framed key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,

    /// Only records with this header (`NAME`) or header value (`NAME=VALUE`); repeatable,
    /// all must match.
    #[arg(long = "header", value_name = "NAME[=VALUE]")]
    pub headers: Vec<String>,

    /// Only records whose decoded value has VALUE at the JSON pointer (`/orderId=o-1`,
    /// `/total/amountMinor=2500`); repeatable, all must match.
    #[arg(long = "where", value_name = "/POINTER=VALUE", value_parser = where_clause)]
    pub wheres: Vec<Where>,

    /// Output format: `human`, `json` (one document), `ndjson` (one record per line, then the
    /// summary as the last line).
    #[arg(long, short = 'f', value_enum, default_value_t = SampleFormat::Human)]
    pub format: SampleFormat,
}

/// `--limit`: a number of records, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub Option<u64>);

fn limit(text: &str) -> Result<Limit, String> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(Limit(None));
    }
    match text.parse::<u64>() {
        Ok(0) => Err("0 reads nothing: write a number of records, or `all`".to_owned()),
        Ok(n) => Ok(Limit(Some(n))),
        Err(_) => Err(format!(
            "`{text}` is not a number of records: write 100, or `all`"
        )),
    }
}

/// `--where /pointer=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    pub pointer: String,
    pub value: String,
}

fn where_clause(text: &str) -> Result<Where, String> {
    let Some((pointer, value)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` needs `=`: write /POINTER=VALUE, as /orderId=o-1"
        ));
    };
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "`{pointer}` is not a JSON pointer: it starts with `/`, as /orderId or /total/amountMinor"
        ));
    }
    Ok(Where {
        pointer: pointer.to_owned(),
        value: value.to_owned(),
    })
}

/// `--header NAME[=VALUE]`.
struct HeaderFilter {
    name: String,
    value: Option<Vec<u8>>,
}

impl HeaderFilter {
    fn parse(text: &str) -> HeaderFilter {
        match text.split_once('=') {
            Some((name, value)) => HeaderFilter {
                name: name.to_owned(),
                value: Some(value.as_bytes().to_vec()),
            },
            None => HeaderFilter {
                name: text.to_owned(),
                value: None,
            },
        }
    }

    fn matches(&self, record: &ObservedRecord) -> bool {
        match &self.value {
            None => record.headers.iter().any(|h| h.key == self.name),
            Some(value) => record.header(&self.name) == Some(value.as_slice()),
        }
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = crate::catalog::resolve(args.path.as_deref())?;
    let loaded = super::load_noting_errors(&path)?;
    let catalog = &loaded.catalog;
    let topics = if args.topics.is_empty() {
        observe::catalog_topics(catalog)
    } else {
        args.topics.clone()
    };
    if topics.is_empty() {
        anyhow::bail!(
            "the catalog at {} declares no topics: name one with --topic",
            path.display()
        );
    }
    let start = Start::parse(&args.from, observe::now_ms()).context("--from")?;
    let profile = args.connect.profile(catalog)?;
    let source = args.connect.registry_source(catalog)?;
    let mut reader = Reader::connect(&profile, args.connect.timeout)?;
    let selections: Vec<Selection> = topics
        .iter()
        .map(|topic| {
            if args.partitions.is_empty() {
                Selection::topic(topic.clone())
            } else {
                Selection::partitions(topic.clone(), args.partitions.iter().copied())
            }
        })
        .collect();
    let until = if args.follow {
        Until::Never
    } else {
        Until::End
    };
    reader.assign(&selections, start, until)?;
    observe::stop_on_ctrl_c(reader.stop_flag());

    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let filtered = args.key.is_some() || !args.headers.is_empty() || !args.wheres.is_empty();
    let mut output = Output::new(
        std::io::BufWriter::new(stdout.lock()),
        args.format,
        filtered,
    );
    // One sampler per core, each with its own schema cache: records are independent, and
    // decoding and rendering them is most of a sample's time.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut samplers: Vec<Sampler<'_>> = (0..threads)
        .map(|_| Sampler {
            decoder: Decoder::new(source.clone()),
            classifier: Classifier::new(catalog),
            key: args.key.clone(),
            headers: args
                .headers
                .iter()
                .map(|h| HeaderFilter::parse(h))
                .collect(),
            wheres: args.wheres.clone(),
        })
        .collect();
    let mut summary = Summary::new(&topics);
    let mut progress = Progress::new();
    output.begin()?;
    let outcome = read(
        &mut reader,
        &mut samplers,
        &mut summary,
        &mut output,
        &mut progress,
        args.limit,
        terminal || args.follow,
        args.format,
    );
    progress.clear();
    let stopped = match &outcome {
        Ok(stopped) => *stopped,
        // What was read is still reported before the error.
        Err(_) => Stopped::Error,
    };
    output.finish(&summary, stopped)?;
    outcome?;
    Ok(ExitCode::SUCCESS)
}

/// The most records decoded and rendered at once: what arrives without waiting, up to this,
/// is split among the samplers (one per core) and written in the order it was read.
const BATCH: usize = 1024;

/// Below this many records per thread, starting threads costs more than it saves.
const MIN_PER_THREAD: usize = 64;

/// A record once its sampler is done with it: kept, with what the summary counts and its
/// rendered output; or left out by a filter.
type Processed = Option<(DecodedRecord, RecordCheck, Vec<u8>)>;

/// Records read without waiting, handed from the reading thread to the one that decodes and
/// writes them.
struct Batch {
    records: Vec<ObservedRecord>,
    /// Why reading ended after these records, if it did.
    stopped: Option<Stopped>,
    /// Where each partition stands after them, for the progress line.
    partitions: Vec<PartitionProgress>,
}

/// Reads until the end, the limit, Ctrl-C or an error. One thread reads while this one
/// decodes, checks and writes what was read before: on two cores, neither waits for the
/// other.
#[expect(
    clippy::too_many_arguments,
    reason = "the read loop borrows each piece of the command's state separately"
)]
fn read<W: Write>(
    reader: &mut Reader,
    samplers: &mut [Sampler<'_>],
    summary: &mut Summary,
    output: &mut Output<W>,
    progress: &mut Progress,
    limit: Limit,
    flush_each: bool,
    format: SampleFormat,
) -> anyhow::Result<Stopped> {
    let stop = reader.stop_flag();
    // Two batches in flight: enough to keep the reader busy, little enough to hold.
    let (sender, receiver) = std::sync::mpsc::sync_channel(2);
    std::thread::scope(|scope| {
        scope.spawn(move || read_batches(reader, &sender));
        let outcome = (|| {
            let mut shown: u64 = 0;
            for batch in &receiver {
                let batch: Batch = batch?;
                let processed = process(samplers, &batch.records, format);
                for (record, processed) in batch.records.iter().zip(processed) {
                    summary.read(&record.topic);
                    let Some((decoded, check, rendered)) =
                        processed.with_context(|| format!("decoding {}", record.position()))?
                    else {
                        continue;
                    };
                    summary.add(record, &decoded, &check);
                    progress.clear();
                    output.write_rendered(&rendered)?;
                    if flush_each {
                        output.flush()?;
                    }
                    shown += 1;
                    if limit.0.is_some_and(|n| shown >= n) {
                        return Ok(Stopped::Limit);
                    }
                }
                if let Some(stopped) = batch.stopped {
                    return Ok(stopped);
                }
                output.flush()?;
                progress.tick(summary.total_read(), &batch.partitions);
            }
            anyhow::bail!("the thread reading the topics stopped unexpectedly")
        })();
        // Whatever ended the writing (the limit, an error writing), reading ends too: the
        // reader sees the flag within its poll slice, and a send to the dropped receiver fails.
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(receiver);
        outcome
    })
}

/// The reading thread: batches of what arrives without waiting (the first record of each
/// may be waited for), until the end, Ctrl-C, an error (sent after the records before it) or
/// the receiver going away.
fn read_batches(reader: &mut Reader, sender: &SyncSender<anyhow::Result<Batch>>) {
    loop {
        let mut records = Vec::with_capacity(BATCH);
        let mut stopped = None;
        let mut failed = None;
        while records.len() < BATCH {
            let wait = if records.is_empty() {
                Duration::from_millis(250)
            } else {
                Duration::ZERO
            };
            match reader.poll(wait) {
                Ok(Polled::Record(record)) => records.push(record),
                Ok(Polled::Idle) => break,
                Ok(Polled::Finished) => {
                    stopped = Some(Stopped::End);
                    break;
                }
                Ok(Polled::Stopped) => {
                    stopped = Some(Stopped::Interrupted);
                    break;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let last = stopped.is_some() || failed.is_some();
        let batch = Batch {
            records,
            stopped,
            partitions: reader.progress().to_vec(),
        };
        if sender.send(Ok(batch)).is_err() {
            return;
        }
        if let Some(e) = failed {
            let _ = sender.send(Err(e.into()));
            return;
        }
        if last {
            return;
        }
    }
}

/// Samples `batch`, split in contiguous runs among `samplers` (each on a thread of its own when
/// the batch is large enough to be worth one), and gives the results in the batch's order.
fn process(
    samplers: &mut [Sampler<'_>],
    batch: &[ObservedRecord],
    format: SampleFormat,
) -> Vec<anyhow::Result<Processed>> {
    fn one(
        sampler: &mut Sampler<'_>,
        records: &[ObservedRecord],
        format: SampleFormat,
    ) -> Vec<anyhow::Result<Processed>> {
        records
            .iter()
            .map(|record| sampler.process(record, format))
            .collect()
    }
    let threads = samplers.len().min(batch.len() / MIN_PER_THREAD).max(1);
    if threads == 1 {
        return match samplers.first_mut() {
            Some(sampler) => one(sampler, batch, format),
            None => Vec::new(),
        };
    }
    let chunk = batch.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = samplers
            .iter_mut()
            .zip(batch.chunks(chunk))
            .map(|(sampler, records)| scope.spawn(move || one(sampler, records, format)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Filters, decodes and checks records.
struct Sampler<'c> {
    decoder: Decoder<RegistrySource>,
    classifier: Classifier<'c>,
    key: Option<String>,
    headers: Vec<HeaderFilter>,
    wheres: Vec<Where>,
}

impl Sampler<'_> {
    /// [`Sampler::sample`], then the record rendered in `format`.
    fn process(
        &mut self,
        record: &ObservedRecord,
        format: SampleFormat,
    ) -> anyhow::Result<Processed> {
        let Some((decoded, check)) = self.sample(record)? else {
            return Ok(None);
        };
        // Room for a typical record's line, so that it is not grown while written.
        let mut rendered = Vec::with_capacity(2048);
        render(format, &mut rendered, record, &decoded, &check)?;
        Ok(Some((decoded, check, rendered)))
    }

    /// The record decoded and checked, or `None` when a filter leaves it out. Filters on the
    /// raw record run first, so a needle in a large topic costs little.
    fn sample(
        &mut self,
        record: &ObservedRecord,
    ) -> Result<Option<(DecodedRecord, RecordCheck)>, contrail_contracts::observe::SourceError>
    {
        if !self.headers.iter().all(|h| h.matches(record)) {
            return Ok(None);
        }
        if let Some(wanted) = &self.key
            && record.key.as_deref() != Some(wanted.as_bytes())
            && !record.key.as_deref().is_some_and(maybe_framed)
        {
            return Ok(None);
        }
        let key = self
            .decoder
            .decode_part(record.key.as_deref(), &record.headers, Part::Key)?;
        if let Some(wanted) = &self.key
            && record.key.as_deref() != Some(wanted.as_bytes())
            && !json_equals(&key.value, None, wanted)
        {
            return Ok(None);
        }
        let value =
            self.decoder
                .decode_part(record.value.as_deref(), &record.headers, Part::Value)?;
        if !self
            .wheres
            .iter()
            .all(|w| json_equals(&value.value, Some(&w.pointer), &w.value))
        {
            return Ok(None);
        }
        let decoded = DecodedRecord { key, value };
        let check = self.classifier.classify(record, &decoded);
        Ok(Some((decoded, check)))
    }
}

/// Whether bytes could be a Confluent-framed key, which only decoding can compare.
fn maybe_framed(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0 | 1))
}

/// Whether the decoded value (at `pointer`) is `wanted`: a string equal to it, or any other
/// JSON value whose text is it (`2500`, `true`, `null`).
fn json_equals(value: &DecodedValue, pointer: Option<&str>, wanted: &str) -> bool {
    let found = match pointer {
        Some(pointer) => value.pointer(pointer),
        None => value.to_json(),
    };
    match found.as_deref() {
        Some(serde_json::Value::String(text)) => text == wanted,
        // Numbers, booleans and null by their JSON text.
        Some(other) => serde_json::to_string(other).is_ok_and(|text| text == wanted),
        None => false,
    }
}

/// The schema a key or value names, as people write it: `schema 7`, `schema GUID …`.
pub(crate) fn pointer_text(decoded: &Decoded) -> Option<String> {
    decoded.pointer.map(|p| match p {
        SchemaPointer::Id(id) => format!("schema {id}"),
        SchemaPointer::Guid(_) => format!("schema {p}"),
    })
}

/// `prefix`, `header` or `plain`.
pub(crate) fn framing_name(framing: Framing) -> &'static str {
    match framing {
        Framing::Plain => "plain",
        Framing::Prefix => "prefix",
        Framing::Header => "header",
    }
}

/// The failure as a summary kind: the problem kinds, then why contrail could not read it.
pub(crate) fn failure_name(failure: Failure) -> &'static str {
    match failure {
        Failure::WrongMagic => "wrong_magic",
        Failure::UnknownSchema => "unknown_schema_id",
        Failure::Truncated => "truncated",
        Failure::Unsupported => "unsupported_format",
        Failure::UnreadableSchema => "unreadable_schema",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_are_numbers_or_all() {
        assert_eq!(limit("all"), Ok(Limit(None)));
        assert_eq!(limit("25"), Ok(Limit(Some(25))));
        assert!(limit("0").expect_err("refused").contains("`all`"));
        assert!(limit("-3").expect_err("refused").contains("not a number"));
    }

    #[test]
    fn where_clauses_need_a_pointer_and_an_equals_sign() {
        assert_eq!(
            where_clause("/total/amountMinor=2500"),
            Ok(Where {
                pointer: "/total/amountMinor".to_owned(),
                value: "2500".to_owned()
            })
        );
        assert_eq!(
            where_clause("/a=b=c").map(|w| w.value),
            Ok("b=c".to_owned())
        );
        assert!(
            where_clause("orderId=o-1")
                .expect_err("refused")
                .contains("JSON pointer")
        );
        assert!(
            where_clause("/orderId")
                .expect_err("refused")
                .contains("needs `=`")
        );
    }

    #[test]
    fn decoded_values_compare_as_strings_or_json_text() {
        let value = DecodedValue::Json(json!({"orderId": "o-1", "total": {"amountMinor": 2500}}));
        assert!(json_equals(&value, Some("/orderId"), "o-1"));
        assert!(!json_equals(&value, Some("/orderId"), "\"o-1\""));
        assert!(json_equals(&value, Some("/total/amountMinor"), "2500"));
        assert!(!json_equals(&value, Some("/missing"), "2500"));
        assert!(!json_equals(&DecodedValue::Null, None, "null"));
        assert!(json_equals(&DecodedValue::Json(json!("k")), None, "k"));
    }

    fn record(headers: &[(&str, &[u8])]) -> ObservedRecord {
        ObservedRecord {
            topic: "t".to_owned(),
            partition: 0,
            offset: 0,
            timestamp_ms: None,
            key: None,
            value: None,
            headers: headers
                .iter()
                .map(|(k, v)| contrail_contracts::observe::ObservedHeader {
                    key: (*k).to_owned(),
                    value: Some(v.to_vec()),
                })
                .collect(),
        }
    }

    #[test]
    fn header_filters_match_presence_or_the_exact_value() {
        let r = record(&[("ce_type", b"OrderPlaced"), ("raw", &[0xff])]);
        assert!(HeaderFilter::parse("ce_type").matches(&r));
        assert!(HeaderFilter::parse("ce_type=OrderPlaced").matches(&r));
        assert!(!HeaderFilter::parse("ce_type=OrderShipped").matches(&r));
        assert!(!HeaderFilter::parse("missing").matches(&r));
        assert!(!HeaderFilter::parse("raw=x").matches(&r));
    }
}
