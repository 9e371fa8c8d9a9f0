//! ssekit against the published Rust SSE parsers, side by side.
//!
//! ```text
//! cargo run --release --manifest-path benches/compare/Cargo.toml            # 16 MiB, 5 rounds
//! cargo run --release --manifest-path benches/compare/Cargo.toml -- --mib 1 --rounds 1
//! cargo run --release --manifest-path benches/compare/Cargo.toml -- --filter llm,tiny --feeding chunks
//! ```
//!
//! It generates the five workloads of `benches/workloads/mod.rs` (the ones
//! the criterion benches use), cuts each three ways (realistic 1..=4096-byte
//! chunks, the whole buffer, one byte per chunk on a ~256 KiB prefix), and
//! pushes every cut through ssekit (`feed(&[u8])` and `feed_bytes(Bytes)`,
//! each with owned `next_event` and borrowed `next_event_ref` pulls),
//! through each peer (see `peers.rs` for the API driven) and through the
//! `limit`, a `memchr2` pass counting line ends.
//!
//! Every parser's events are read the way its users read them: data, id and
//! event type as the `&str` (or `String`) its public API gives, so that the
//! UTF-8 work a client pays is timed. Two more ssekit rows read the same
//! events as bytes; they are labelled diagnostics, show what reading text
//! costs, and are never ssekit's figure nor compared with a peer.
//!
//! First, one checking pass per parser: it must dispatch exactly the events
//! and data bytes the generator counted, else the report says it disagrees
//! and it is not timed; a pass over the time budget (`--timeout`) is
//! reported as too slow. That pass also counts heap allocations (calls to
//! `alloc` and `realloc` through a counting global allocator). Then
//! `--rounds` interleaved rounds: each round runs every parser once, round
//! robin, starting one parser later each round; a run repeats the pass
//! until it has taken 20 ms and keeps the mean. The report shows medians.
//!
//! Output: a Markdown report on stdout (progress on stderr). MB/s is 10^6
//! bytes of input per second.
//!
//! Options: `--mib N` (workload size, default 16), `--rounds N` (default
//! 5), `--filter llm,big,…` (workloads), `--feeding chunks,whole,1-byte`,
//! `--timeout SECS` (checking-pass budget, default 10).

mod peers;
#[allow(dead_code)] // Shared with benches/parse.rs, which uses other parts.
#[path = "../../workloads/mod.rs"]
mod workloads;

use bytes::Bytes;
use peers::{Budget, Contender, Kind, Outcome, Pull, Run};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};
use workloads::{Expected, Feeding, Workload, DEFAULT_MIB};

// ------------------------------------------------------------ allocations

/// Counts calls to `alloc` and `realloc` on this thread.
struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to `System`; the counter is a
// const-initialised thread-local `Cell`, so touching it never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|n| n.set(n.get() + 1));
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|n| n.set(n.get() + 1));
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|n| n.set(n.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCS.with(Cell::get)
}

// ------------------------------------------------------------ options

#[derive(Debug)]
struct Options {
    mib: usize,
    rounds: usize,
    workloads: Vec<Workload>,
    feedings: Vec<Feeding>,
    timeout: Duration,
    command: String,
}

const USAGE: &str = "\
usage: cargo run --release --manifest-path benches/compare/Cargo.toml -- [OPTIONS]

  --mib N               workload size in MiB (default 16)
  --rounds N            interleaved timing rounds; the report shows medians (default 5)
  --filter W[,W...]     workloads: llm, anthropic, big, multiline, tiny (default all)
  --feeding F[,F...]    feedings: chunks, whole, 1-byte (default all)
  --timeout SECS        budget of a parser's checking pass; over it, the parser is
                        reported as too slow for that cell (default 10)
  -h, --help            this text";

fn parse_options() -> Result<Options, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = Options {
        mib: DEFAULT_MIB,
        rounds: 5,
        workloads: Workload::ALL.to_vec(),
        feedings: Feeding::ALL.to_vec(),
        timeout: Duration::from_secs(10),
        command: String::from("cargo run --release --manifest-path benches/compare/Cargo.toml"),
    };
    if !args.is_empty() {
        options.command = format!("{} -- {}", options.command, args.join(" "));
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value =
            inline.or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |value: &str| -> Result<usize, String> {
            value.parse().map_err(|_| format!("{flag}: {value:?} is not a number"))
        };
        match flag.as_str() {
            "--mib" => options.mib = number(&value)?.max(1),
            "--rounds" => options.rounds = number(&value)?.max(1),
            "--timeout" => options.timeout = Duration::from_secs(number(&value)? as u64),
            "--filter" => {
                options.workloads = value
                    .split(',')
                    .map(|name| {
                        Workload::from_name(name.trim())
                            .ok_or_else(|| format!("--filter: no workload {name:?}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--feeding" => {
                options.feedings = value
                    .split(',')
                    .map(|name| {
                        Feeding::ALL
                            .into_iter()
                            .find(|f| f.name() == name.trim())
                            .ok_or_else(|| format!("--feeding: no feeding {name:?}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

// ------------------------------------------------------------ measuring

/// A parser's result in one cell (workload × feeding).
#[derive(Clone, Debug)]
enum Status {
    /// Median seconds per pass, and allocations in the checking pass.
    Timed {
        secs: f64,
        allocs: u64,
    },
    Disagrees(Outcome),
    TooSlow,
}

#[derive(Debug)]
struct CellResult {
    workload: Workload,
    feeding: Feeding,
    input_len: usize,
    expected: Expected,
    statuses: Vec<Status>,
}

/// The input a contender takes, made before the clock starts.
enum Prepared<'a> {
    Slices(&'a [&'a [u8]]),
    Bytes(Vec<Bytes>),
}

fn prepare<'a>(run: Run, slices: &'a [&'a [u8]], bytes: &[Bytes]) -> Prepared<'a> {
    match run {
        Run::Slices(_) => Prepared::Slices(slices),
        Run::Bytes(_) => Prepared::Bytes(bytes.to_vec()),
    }
}

fn execute(run: Run, input: Prepared<'_>, budget: &Budget) -> Outcome {
    match (run, input) {
        (Run::Slices(f), Prepared::Slices(chunks)) => f(chunks, budget),
        (Run::Bytes(f), Prepared::Bytes(chunks)) => f(chunks, budget),
        _ => unreachable!("prepared for another kind of run"),
    }
}

/// Each timed sample repeats the pass until it has taken this long.
const MIN_SAMPLE: Duration = Duration::from_millis(20);

fn measure_cell(
    contenders: &[Contender],
    generated: &workloads::Generated,
    shared: &Bytes,
    feeding: Feeding,
    options: &Options,
) -> CellResult {
    let input = feeding.input(generated);
    let expected = feeding.expected(generated);
    let slices = feeding.split(input);
    let bytes = feeding.split_bytes(&shared.slice(..input.len()));
    let label = format!("{} / {}", generated.workload.name(), feeding.name());

    // The checking pass: right answer, allocations, and how many passes
    // make a sample.
    let mut statuses = Vec::with_capacity(contenders.len());
    let mut reps = vec![0usize; contenders.len()];
    for (i, contender) in contenders.iter().enumerate() {
        eprintln!("{label}: checking {} ({})", contender.name, contender.api);
        let prepared = prepare(contender.run, &slices, &bytes);
        let budget = Budget::new(Some(Instant::now() + options.timeout));
        let before = allocations();
        let start = Instant::now();
        let outcome = execute(contender.run, prepared, &budget);
        let elapsed = start.elapsed();
        let allocs = allocations() - before;
        statuses.push(if budget.expired() {
            Status::TooSlow
        } else if contender.kind != Kind::Limit
            && (outcome.tally != expected || outcome.errors != 0)
        {
            Status::Disagrees(outcome)
        } else {
            let per = elapsed.as_secs_f64().max(1e-9);
            reps[i] = ((MIN_SAMPLE.as_secs_f64() / per).ceil() as usize).clamp(1, 10_000);
            Status::Timed { secs: f64::NAN, allocs }
        });
    }

    // Interleaved rounds.
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let none = Budget::new(None);
    for round in 0..options.rounds {
        eprintln!("{label}: round {}/{}", round + 1, options.rounds);
        for k in 0..contenders.len() {
            let i = (k + round) % contenders.len();
            if reps[i] == 0 {
                continue;
            }
            let run = contenders[i].run;
            let mut total = Duration::ZERO;
            for _ in 0..reps[i] {
                let prepared = prepare(run, &slices, &bytes);
                let start = Instant::now();
                black_box(execute(run, prepared, &none));
                total += start.elapsed();
            }
            samples[i].push(total.as_secs_f64() / reps[i] as f64);
        }
    }
    for (status, samples) in statuses.iter_mut().zip(&mut samples) {
        if let Status::Timed { secs, .. } = status {
            *secs = median(samples);
        }
    }
    CellResult { workload: generated.workload, feeding, input_len: input.len(), expected, statuses }
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

// ------------------------------------------------------------ report

/// The version of `name` in this crate's lock file.
fn version(name: &str) -> &'static str {
    const LOCK: &str = include_str!("../Cargo.lock");
    let needle = format!("name = \"{name}\"\nversion = \"");
    LOCK.find(&needle)
        .and_then(|at| {
            let rest = &LOCK[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .unwrap_or("?")
}

fn display_name(contender: &Contender) -> String {
    let ssekit = |pull: Pull| format!("`{}` + `{}`", contender.label, pull.call());
    match contender.kind {
        Kind::Limit => String::from("`limit`"),
        Kind::Ssekit(pull) => {
            format!("**ssekit {}** {}, `&str`", version(contender.name), ssekit(pull))
        }
        Kind::SsekitBytes(pull) => {
            format!("ssekit {} {}, bytes (diagnostic)", version(contender.name), ssekit(pull))
        }
        Kind::Peer => format!("{} {}", contender.name, version(contender.name)),
    }
}

fn mb_per_s(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / secs / 1e6
}

fn fmt_mbps(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn fmt_rate(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

fn fmt_ratio(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.1}×")
    } else {
        format!("{v:.2}×")
    }
}

fn fmt_allocs(allocs: u64, events: u64) -> String {
    if events == 0 {
        return String::from("–");
    }
    let v = allocs as f64 / events as f64;
    if v == 0.0 {
        String::from("0")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / f64::from(1 << 20))
}

/// MB/s of a timed status.
fn speed(cell: &CellResult, status: &Status) -> Option<f64> {
    match status {
        Status::Timed { secs, .. } => Some(mb_per_s(cell.input_len, *secs)),
        _ => None,
    }
}

/// The issue-13 target for ssekit's owned events read as `&str`, as a
/// ratio to the fastest peer: one byte per chunk is a torture test (0.75×),
/// `big` is bounded by copying and scanning (1.0×), the rest 1.5×.
fn target(workload: Workload, feeding: Feeding) -> f64 {
    match (workload, feeding) {
        (_, Feeding::OneByte) => 0.75,
        (Workload::Big, _) => 1.0,
        _ => 1.5,
    }
}

/// MB/s of the contender of `kind` fed by `label`.
fn speed_of(contenders: &[Contender], cell: &CellResult, kind: Kind, label: &str) -> Option<f64> {
    contenders
        .iter()
        .zip(&cell.statuses)
        .find(|(c, _)| c.kind == kind && c.label == label)
        .and_then(|(_, s)| speed(cell, s))
}

/// Index and MB/s of the fastest timed contender of `kind`.
fn fastest(contenders: &[Contender], cell: &CellResult, kind: Kind) -> Option<(usize, f64)> {
    contenders
        .iter()
        .zip(&cell.statuses)
        .enumerate()
        .filter(|(_, (c, _))| c.kind == kind)
        .filter_map(|(i, (_, s))| speed(cell, s).map(|v| (i, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim())
        })
        .unwrap_or("unknown CPU");
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let avx2 = cpuinfo
        .lines()
        .any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "avx2"));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{model}, {cpus} logical CPUs, AVX2 {}; {} {}; load average at start {}",
        if avx2 { "yes" } else { "no" },
        std::env::consts::OS,
        kernel.trim(),
        if load.is_empty() { String::from("?") } else { load.join(" ") },
    )
}

fn report(
    options: &Options,
    contenders: &[Contender],
    cells: &[CellResult],
    started: &str,
) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "## ssekit and the published Rust SSE parsers\n");
    let _ = writeln!(w, "- command: `{}`", options.command);
    let _ = writeln!(w, "- machine: {started}");
    let _ = writeln!(
        w,
        "- compiler: {}, release profile with fat LTO and one codegen unit",
        env!("COMPARE_RUSTC")
    );
    let features = if cfg!(feature = "simd-utf8") {
        "`simd-utf8` (UTF-8 checked by simdutf8, `--features simd-utf8`)"
    } else {
        "default (UTF-8 checked by the standard library)"
    };
    let _ = writeln!(w, "- ssekit features: {features}");
    let _ = writeln!(
        w,
        "- method: workloads of {} MiB from `benches/workloads/mod.rs`; every event read the way \
         its parser's users read it: data, id and event type as the `&str` the public API gives \
         (ssekit: `Event::data().as_str()` etc. on owned events, `EventRef::data()` etc. on \
         borrowed ones; peers: their `String`/`&str` fields), each string's pointer passed to \
         `black_box` and its length tallied; every parser checked to dispatch the generator's \
         event count and data bytes before it is timed; {} interleaved round(s), medians; one \
         thread; MB/s = 10^6 input bytes per second; allocs/event = calls to `alloc`/`realloc` \
         in one whole pass (parser construction included) ÷ events",
        options.mib, options.rounds
    );
    let _ = writeln!(w);

    let dash = || String::from("–");
    let cellv = |v: Option<f64>| v.map_or_else(dash, fmt_mbps);
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => fmt_ratio(a / b),
        _ => dash(),
    };
    let yes_no = |ok: Option<bool>| match ok {
        Some(true) => String::from("yes"),
        Some(false) => String::from("**no**"),
        None => dash(),
    };

    let _ = writeln!(w, "### Summary: ssekit, events read as `&str`, against the fastest peer\n");
    let _ = writeln!(
        w,
        "Owned = best of `feed` / `feed_bytes` with `next_event`; borrowed = best of the two \
         with `next_event_ref`; the push path is in brackets. Target: issue 13's bound on \
         owned ÷ peer; borrowed must not be slower than owned.\n"
    );
    let _ = writeln!(
        w,
        "| workload | feeding | owned `&str` MB/s | borrowed `&str` MB/s | fastest peer | peer MB/s | owned ÷ peer | borrowed ÷ peer | borrowed ÷ owned | target owned ÷ peer | owned meets it | borrowed ≥ owned | allocs/event owned | allocs/event borrowed | allocs/event peer |"
    );
    let _ = writeln!(w, "|---|---|--:|--:|---|--:|--:|--:|--:|--:|:-:|:-:|--:|--:|--:|");
    for cell in cells {
        let owned = fastest(contenders, cell, Kind::Ssekit(Pull::Owned));
        let borrowed = fastest(contenders, cell, Kind::Ssekit(Pull::Borrowed));
        let peer = fastest(contenders, cell, Kind::Peer);
        let v = |x: Option<(usize, f64)>| x.map(|p| p.1);
        let allocs = |i: Option<(usize, f64)>| match i.map(|(i, _)| &cell.statuses[i]) {
            Some(Status::Timed { allocs, .. }) => fmt_allocs(*allocs, cell.expected.events),
            _ => dash(),
        };
        let labelled = |x: Option<(usize, f64)>| match x {
            Some((i, v)) => format!("{} (`{}`)", fmt_mbps(v), contenders[i].label),
            None => dash(),
        };
        let goal = target(cell.workload, cell.feeding);
        let meets = v(owned).zip(v(peer)).map(|(o, p)| o / p >= goal);
        let not_slower = v(borrowed).zip(v(owned)).map(|(b, o)| b >= o);
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | ≥ {} | {} | {} | {} | {} | {} |",
            cell.workload.name(),
            cell.feeding.name(),
            labelled(owned),
            labelled(borrowed),
            peer.map_or("–", |(i, _)| contenders[i].name),
            cellv(v(peer)),
            ratio(v(owned), v(peer)),
            ratio(v(borrowed), v(peer)),
            ratio(v(borrowed), v(owned)),
            fmt_ratio(goal),
            yes_no(meets),
            yes_no(not_slower),
            allocs(owned),
            allocs(borrowed),
            allocs(peer),
        );
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "### Diagnostics: ssekit's events read as bytes, and the `limit`\n");
    let _ = writeln!(
        w,
        "Not ssekit's figures and not compared with any peer: the same `feed_bytes` passes \
         reading `as_bytes()` / `data_bytes()` instead of `&str`, to show what reading the \
         text costs (`&str` ÷ bytes, same push path), and the `memchr2` floor.\n"
    );
    let _ = writeln!(
        w,
        "| workload | feeding | owned bytes MB/s | owned `&str` ÷ bytes | borrowed bytes MB/s | borrowed `&str` ÷ bytes | `limit` MB/s | owned `&str` ÷ `limit` |"
    );
    let _ = writeln!(w, "|---|---|--:|--:|--:|--:|--:|--:|");
    for cell in cells {
        let at = |kind: Kind| speed_of(contenders, cell, kind, "feed_bytes");
        let owned_bytes = at(Kind::SsekitBytes(Pull::Owned));
        let borrowed_bytes = at(Kind::SsekitBytes(Pull::Borrowed));
        let owned = fastest(contenders, cell, Kind::Ssekit(Pull::Owned)).map(|p| p.1);
        let limit = fastest(contenders, cell, Kind::Limit).map(|p| p.1);
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell.workload.name(),
            cell.feeding.name(),
            cellv(owned_bytes),
            ratio(at(Kind::Ssekit(Pull::Owned)), owned_bytes),
            cellv(borrowed_bytes),
            ratio(at(Kind::Ssekit(Pull::Borrowed)), borrowed_bytes),
            cellv(limit),
            ratio(owned, limit),
        );
    }
    let _ = writeln!(w);

    for cell in cells {
        let _ = writeln!(
            w,
            "### {} — {}: {}, {} events, {} of data\n",
            cell.workload.name(),
            cell.feeding.describe(),
            mib(cell.input_len),
            cell.expected.events,
            mib(cell.expected.data_bytes as usize),
        );
        let _ =
            writeln!(w, "| parser | MB/s | events/s | ÷ fastest peer | ÷ `limit` | allocs/event |");
        let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|");
        let peer = fastest(contenders, cell, Kind::Peer).map(|p| p.1);
        let limit = fastest(contenders, cell, Kind::Limit).map(|p| p.1);
        for (contender, status) in contenders.iter().zip(&cell.statuses) {
            let name = display_name(contender);
            match status {
                Status::Timed { secs, allocs } => {
                    let v = mb_per_s(cell.input_len, *secs);
                    let ratio = |base: Option<f64>| {
                        base.map_or_else(|| String::from("–"), |b| fmt_ratio(v / b))
                    };
                    let (events, allocs) = if contender.kind == Kind::Limit {
                        (String::from("–"), String::from("–"))
                    } else {
                        (
                            fmt_rate(cell.expected.events as f64 / secs),
                            fmt_allocs(*allocs, cell.expected.events),
                        )
                    };
                    let _ = writeln!(
                        w,
                        "| {name} | {} | {events} | {} | {} | {allocs} |",
                        fmt_mbps(v),
                        // A diagnostic is never set against a peer.
                        if matches!(contender.kind, Kind::SsekitBytes(_)) {
                            String::from("–")
                        } else {
                            ratio(peer)
                        },
                        ratio(limit),
                    );
                }
                Status::Disagrees(outcome) => {
                    let _ = writeln!(
                        w,
                        "| {name} | **disagrees**: {} events, {} data bytes, {} errors (expected {} events, {} data bytes); not timed | | | | |",
                        outcome.tally.events,
                        outcome.tally.data_bytes,
                        outcome.errors,
                        cell.expected.events,
                        cell.expected.data_bytes,
                    );
                }
                Status::TooSlow => {
                    let _ = writeln!(
                        w,
                        "| {name} | **too slow**: one pass took over {} s (under {} MB/s); not timed | | | | |",
                        options.timeout.as_secs(),
                        fmt_mbps(mb_per_s(cell.input_len, options.timeout.as_secs_f64())),
                    );
                }
            }
        }
        let _ = writeln!(w);
    }

    let _ = writeln!(w, "### How each parser is driven\n");
    let _ = writeln!(w, "| parser | API |");
    let _ = writeln!(w, "|---|---|");
    for contender in contenders {
        let _ = writeln!(w, "| {} | {} |", display_name(contender), contender.api);
    }
    out
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return;
            }
            eprintln!("{message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let started = machine();
    let contenders = peers::contenders();
    let mut cells = Vec::new();
    for &workload in &options.workloads {
        eprintln!("generating {} ({} MiB)", workload.name(), options.mib);
        let generated = workload.generate(options.mib << 20);
        let shared = Bytes::copy_from_slice(&generated.bytes);
        for &feeding in &options.feedings {
            cells.push(measure_cell(&contenders, &generated, &shared, feeding, &options));
        }
    }
    print!("{}", report(&options, &contenders, &cells, &started));
}
