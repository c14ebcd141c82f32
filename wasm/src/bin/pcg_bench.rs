//! Native timing of the same PCG kernel the WebAssembly backend runs.
//!
//! Usage: `pcg_bench SYSTEM [--f32] [--tolerance T] [--max-iterations N] [--matvecs N]
//! [--solution OUT]`. SYSTEM is the little-endian file written by the TypeScript side:
//! magic `VPHK`, u32 version 1, u32 block rows, u32 blocks, then row offsets (rows + 1 u32),
//! column indices (blocks u32), values (9 * blocks f64), right-hand side (3 * rows f64).
//! Prints one JSON object: sizes, whether the true residual met the tolerance within the
//! iteration limit, iterations, true relative residual, the solve's wall time, and milliseconds
//! per iteration and per product alone, in wall time and in thread CPU time. `--solution`
//! writes x as raw f64.

use std::time::Instant;

#[repr(C)]
struct Timespec {
    seconds: i64,
    nanoseconds: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
}

/// CPU time of this thread in ms (CLOCK_THREAD_CPUTIME_ID): on a shared, busy machine it
/// counts the kernel's own work where wall time also counts the waits for a core.
fn thread_cpu_ms() -> f64 {
    let mut t = Timespec { seconds: 0, nanoseconds: 0 };
    // Safety: clock_gettime writes one Timespec; clock 3 is CLOCK_THREAD_CPUTIME_ID on Linux.
    unsafe { clock_gettime(3, &mut t) };
    t.seconds as f64 * 1e3 + t.nanoseconds as f64 * 1e-6
}
use vph_kernel::kernel::Kernel;
use vph_kernel::pcg;

struct Options {
    path: String,
    matrix_f32: bool,
    tolerance: f64,
    max_iterations: u32,
    matvecs: u32,
    solution: Option<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        path: String::new(),
        matrix_f32: false,
        tolerance: 1e-8,
        max_iterations: 20000,
        matvecs: 20,
        solution: None,
    };
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{} needs a value", name));
        match a.as_str() {
            "--f32" => o.matrix_f32 = true,
            "--tolerance" => o.tolerance = value(&a)?.parse().map_err(|_| "bad --tolerance")?,
            "--max-iterations" => {
                o.max_iterations = value(&a)?.parse().map_err(|_| "bad --max-iterations")?
            }
            "--matvecs" => o.matvecs = value(&a)?.parse().map_err(|_| "bad --matvecs")?,
            "--solution" => o.solution = Some(value(&a)?),
            _ if o.path.is_empty() => o.path = a,
            _ => return Err(format!("unexpected argument {}", a)),
        }
    }
    if o.path.is_empty() {
        return Err("usage: pcg_bench SYSTEM [--f32] [--tolerance T] ...".into());
    }
    Ok(o)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn read_system(o: &Options) -> Result<Kernel, String> {
    let bytes = std::fs::read(&o.path).map_err(|e| format!("{}: {}", o.path, e))?;
    if bytes.len() < 16 || &bytes[0..4] != b"VPHK" || u32_at(&bytes, 4) != 1 {
        return Err(format!("{}: not a VPHK version 1 system file", o.path));
    }
    let rows = u32_at(&bytes, 8) as usize;
    let blocks = u32_at(&bytes, 12) as usize;
    let expected = 16 + 4 * (rows + 1) + 4 * blocks + 72 * blocks + 24 * rows;
    if bytes.len() != expected {
        return Err(format!("{}: {} bytes, expected {}", o.path, bytes.len(), expected));
    }

    let mut k = Kernel::new(rows, 0, rows, blocks, o.matrix_f32).ok_or("out of memory")?;
    let mut at = 16;
    for v in k.row_offsets.iter_mut().chain(k.col_indices.iter_mut()) {
        *v = u32_at(&bytes, at);
        at += 4;
    }
    for v in k.values.iter_mut().chain(k.rhs.iter_mut()) {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        *v = f64::from_le_bytes(b);
        at += 8;
    }
    k.prepare().map_err(|e| format!("{}: matrix refused: {:?}", o.path, e))?;
    Ok(k)
}

/// Solves with restarts from the true residual (at most 5, as the reference); returns the
/// true relative residual and whether it met the tolerance within the iteration limit.
fn solve(k: &mut Kernel, o: &Options) -> Result<(f64, bool), String> {
    pcg::start(k);
    for _ in 0..=5 {
        let left = o.max_iterations.saturating_sub(k.iteration);
        let status = pcg::run(k, left, o.tolerance, u32::MAX);
        if status < 0 {
            return Err(format!("PCG failed ({}) at iteration {}", status, k.iteration));
        }
        let residual = pcg::true_residual(k);
        if residual <= o.tolerance || status == pcg::RUNNING {
            return Ok((residual, residual <= o.tolerance));
        }
        pcg::restart(k);
    }
    Err(format!("certificate missed after 5 restarts, {} iterations", k.iteration))
}

fn main() {
    let o = parse_options().unwrap_or_else(|e| {
        eprintln!("pcg_bench: {}", e);
        std::process::exit(1);
    });
    let mut k = read_system(&o).unwrap_or_else(|e| {
        eprintln!("pcg_bench: {}", e);
        std::process::exit(1);
    });

    let t0 = Instant::now();
    let c0 = thread_cpu_ms();
    let (residual, converged) = solve(&mut k, &o).unwrap_or_else(|e| {
        eprintln!("pcg_bench: {}", e);
        std::process::exit(2);
    });
    let solve_ms = t0.elapsed().as_secs_f64() * 1e3;
    let solve_cpu_ms = thread_cpu_ms() - c0;
    let iterations = k.iteration;

    let t1 = Instant::now();
    let c1 = thread_cpu_ms();
    let mut sink = 0.0;
    for _ in 0..o.matvecs {
        sink += k.matvec();
    }
    let matvecs = o.matvecs.max(1) as f64;
    let matvec_ms = t1.elapsed().as_secs_f64() * 1e3 / matvecs;
    let matvec_cpu_ms = (thread_cpu_ms() - c1) / matvecs;

    if let Some(path) = &o.solution {
        let bytes: Vec<u8> = k.x.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(path, bytes).unwrap_or_else(|e| {
            eprintln!("pcg_bench: {}: {}", path, e);
            std::process::exit(1);
        });
    }
    println!(
        "{{\"blockRows\":{},\"blocks\":{},\"precision\":\"{}\",\"converged\":{},\"iterations\":{},\
         \"relativeResidual\":{:e},\"solveMs\":{:.3},\"msPerIteration\":{:.4},\
         \"cpuMsPerIteration\":{:.4},\"matvecMs\":{:.4},\"matvecCpuMs\":{:.4},\
         \"checksum\":{:e}}}",
        k.global_rows,
        k.col_indices.len(),
        if o.matrix_f32 { "f32" } else { "f64" },
        converged,
        iterations,
        residual,
        solve_ms,
        solve_ms / iterations.max(1) as f64,
        solve_cpu_ms / iterations.max(1) as f64,
        matvec_ms,
        matvec_cpu_ms,
        sink
    );
}
