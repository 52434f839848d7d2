//! `contrail trace`: read the catalog's topics, follow each correlation id across them, and
//! report flows, hop latencies, broken chains, undeclared edges and problem records.
//!
//! The definitions and the JSON are issue 12's, implemented by
//! [`contrail_contracts::observe::FlowAssembler`]; this command reads, decodes, classifies and
//! writes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use contrail_contracts::observe::{
    Classifier, Decoder, FlowAssembler, FlowRecord, KeepFlows, ObservedRecord, TraceOptions,
};
use contrail_kafka::{Polled, Reader, Selection, Start, Until};

use super::observe::{self, ConnectArgs, Progress, RegistrySource};
use super::trace_output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// Edge latencies, broken chains, undeclared edges and problems; a timeline with
    /// `--correlation-id`.
    Human,
    /// The report: record counts, flows, edges (docs/trace.md).
    Json,
    /// OTLP/JSON `ExportTraceServiceRequest`s, one per line (at most 10,000 spans each): one
    /// trace per flow, one span per record.
    Otlp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FlowsArg {
    /// Every flow.
    All,
    /// Only flows with a broken chain.
    Broken,
    /// No flows: counts and edges only.
    None,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  contrail trace examples/shop --brokers localhost:9092 --registry http://localhost:8081
  contrail trace --brokers staging --from -1h --correlation-id c-1001
  contrail trace --brokers staging --from latest --follow --window 10m
  contrail trace --brokers localhost:9092 --format otlp > flows.jsonl")]
pub struct Args {
    /// The catalog directory (default: the nearest directory at or above the working
    /// directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Where each partition starts: `earliest`, `latest`, an offset, an RFC 3339 time
    /// (2026-12-01T09:00:00Z) or a duration back from now (-1h).
    #[arg(
        long,
        default_value = "earliest",
        value_name = "WHERE",
        allow_hyphen_values = true
    )]
    pub from: String,

    /// Where reading stops: `end` (each partition's high watermark at start), or a duration
    /// of reading (`30s`: whatever arrives within it).
    #[arg(long, default_value = "end", value_name = "end|DURATION", value_parser = until, conflicts_with = "follow")]
    pub until: UntilArg,

    /// How old a record must be, relative to the newest record read, before a missing
    /// follow-up counts as a broken chain.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = observe::duration)]
    pub broken_after: Duration,

    /// Only the flow of this correlation id; human output shows it as a timeline.
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<String>,

    /// Keep reading new records, printing a rolling summary every 10 seconds, until Ctrl-C.
    #[arg(long)]
    pub follow: bool,

    /// With `--follow`: flows whose newest record is older than this are closed and evicted
    /// (their counts and latencies stay), so memory stays bounded.
    #[arg(long, default_value = "10m", value_name = "DURATION", value_parser = observe::duration, requires = "follow")]
    pub window: Duration,

    /// Which flows the JSON report lists (counts and edges always cover all of them).
    /// Default: `all` for JSON and OTLP, `broken` for human output.
    #[arg(long, value_enum, value_name = "WHICH")]
    pub flows: Option<FlowsArg>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TraceFormat::Human)]
    pub format: TraceFormat,
}

/// `--until`: the end of each partition, or a duration of reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UntilArg {
    End,
    For(Duration),
}

fn until(text: &str) -> Result<UntilArg, String> {
    if text.eq_ignore_ascii_case("end") {
        return Ok(UntilArg::End);
    }
    observe::duration(text).map(UntilArg::For)
}

/// How often `--follow` prints its rolling summary.
const ROLLING_SUMMARY: Duration = Duration::from_secs(10);

/// Spans per OTLP request line.
const OTLP_BATCH_SPANS: usize = 10_000;

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = crate::catalog::resolve(args.path.as_deref())?;
    let loaded = super::load_noting_errors(&path)?;
    let catalog = &loaded.catalog;
    let topics = observe::catalog_topics(catalog);
    if topics.is_empty() {
        anyhow::bail!(
            "the catalog at {} declares no topics, so there is nothing to trace",
            path.display()
        );
    }
    let start = Start::parse(&args.from, observe::now_ms()).context("--from")?;
    let profile = args.connect.profile(catalog)?;
    let source = args.connect.registry_source(catalog)?;
    let mut reader = Reader::connect(&profile, args.connect.timeout)?;
    let selections: Vec<Selection> = topics.iter().cloned().map(Selection::topic).collect();
    let (until, deadline) = match (args.follow, args.until) {
        (true, _) => (Until::Never, None),
        (false, UntilArg::End) => (Until::End, None),
        (false, UntilArg::For(d)) => (Until::Never, Some(Instant::now() + d)),
    };
    reader.assign(&selections, start, until)?;
    observe::stop_on_ctrl_c(reader.stop_flag());

    let keep = match args.flows {
        Some(FlowsArg::All) => KeepFlows::All,
        Some(FlowsArg::Broken) => KeepFlows::Broken,
        Some(FlowsArg::None) => KeepFlows::None,
        None if args.format == TraceFormat::Human => KeepFlows::Broken,
        None => KeepFlows::All,
    };
    let options = TraceOptions {
        broken_after_ms: millis(args.broken_after),
        window_ms: args.follow.then(|| millis(args.window)),
        keep,
    };
    let graph = catalog.graph();
    let mut tracer = Tracer {
        decoder: Decoder::new(source),
        classifier: Classifier::new(catalog),
        assembler: FlowAssembler::new(catalog, &graph, options),
        only: args.correlation_id.clone(),
        read: 0,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut progress = Progress::new();
    let rolling = args.follow.then_some(args.format);
    let outcome = read(
        &mut reader,
        &mut tracer,
        &mut progress,
        deadline,
        rolling,
        &mut out,
    );
    progress.clear();
    let interrupted = matches!(outcome, Ok(true));
    // What was read is reported even when reading failed; the error follows.
    match args.format {
        TraceFormat::Human => {
            trace_output::human(&mut out, &tracer.assembler, args.correlation_id.as_deref())?
        }
        TraceFormat::Json => {
            serde_json::to_writer(&mut out, &tracer.assembler.report_streaming())
                .context("writing the report")?;
            out.write_all(b"\n")?;
        }
        TraceFormat::Otlp => {
            for request in contrail_contracts::observe::to_otlp_batches(
                &tracer.assembler,
                "contrail",
                OTLP_BATCH_SPANS,
            ) {
                serde_json::to_writer(&mut out, &request).context("writing OTLP")?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush().context("writing the report")?;
    if interrupted {
        eprintln!("stopped by Ctrl-C: the report covers what was read until then");
    }
    outcome?;
    Ok(ExitCode::SUCCESS)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Reads until the end, the deadline, Ctrl-C (`Ok(true)`) or an error.
fn read(
    reader: &mut Reader,
    tracer: &mut Tracer<'_>,
    progress: &mut Progress,
    deadline: Option<Instant>,
    rolling: Option<TraceFormat>,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let mut last_summary = Instant::now();
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(false);
        }
        match reader.poll(Duration::from_millis(250))? {
            Polled::Record(record) => tracer
                .add(&record)
                .with_context(|| format!("decoding {}", record.position()))?,
            Polled::Idle => {}
            Polled::Finished => return Ok(false),
            Polled::Stopped => return Ok(true),
        }
        progress.tick(tracer.read, reader.progress());
        if let Some(format) = rolling
            && last_summary.elapsed() >= ROLLING_SUMMARY
        {
            last_summary = Instant::now();
            progress.clear();
            trace_output::rolling(out, &tracer.assembler, format)?;
            out.flush()?;
        }
    }
}

/// Decodes, classifies and assembles records.
struct Tracer<'c> {
    decoder: Decoder<RegistrySource>,
    classifier: Classifier<'c>,
    assembler: FlowAssembler,
    /// `--correlation-id`: the only flow kept.
    only: Option<String>,
    read: u64,
}

impl Tracer<'_> {
    fn add(
        &mut self,
        record: &ObservedRecord,
    ) -> Result<(), contrail_contracts::observe::SourceError> {
        self.read += 1;
        let decoded = self.decoder.decode(record)?;
        let check = self.classifier.classify(record, &decoded);
        if let Some(problem) = check.problem {
            self.assembler
                .problem(problem, &record.topic, record.partition, record.offset);
            return Ok(());
        }
        let (Some(event), Some(correlation_id)) = (check.event, check.correlation_id) else {
            self.assembler.skip();
            return Ok(());
        };
        if self
            .only
            .as_ref()
            .is_some_and(|only| *only != correlation_id)
        {
            // Not this flow; but "broken" is judged against the newest record read.
            if let Some(timestamp_ms) = record.timestamp_ms {
                self.assembler.saw(timestamp_ms);
            }
            return Ok(());
        }
        let Some(timestamp_ms) = record.timestamp_ms else {
            // A flow is ordered by timestamp; a record without one cannot be placed.
            self.assembler.skip();
            return Ok(());
        };
        let key = match decoded.key.value.to_json().as_deref() {
            Some(serde_json::Value::String(text)) => Some(text.clone()),
            Some(other) => Some(other.to_string()),
            None => None,
        };
        self.assembler.push(FlowRecord {
            event,
            correlation_id,
            topic: record.topic.clone(),
            partition: record.partition,
            offset: record.offset,
            timestamp_ms,
            key,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_is_end_or_a_duration() {
        assert_eq!(until("end"), Ok(UntilArg::End));
        assert_eq!(until("30s"), Ok(UntilArg::For(Duration::from_secs(30))));
        assert!(until("soon").is_err());
    }
}
