//! Native bandwidth probe: each of `threads` threads copies its own array of `bytes` bytes
//! (f64 values) into another with `copy_from_slice` (a memcpy), all threads started together;
//! prints one JSON line with the best round time in milliseconds.
//!
//! Usage: copy_probe <bytes per thread> <threads> <repeats>

use std::env;
use std::sync::Barrier;
use std::time::Instant;

fn main() {
    let args: Vec<usize> = env::args()
        .skip(1)
        .map(|a| a.parse().expect("copy_probe: arguments are integers"))
        .collect();
    if args.len() != 3 {
        eprintln!("usage: copy_probe <bytes per thread> <threads> <repeats>");
        std::process::exit(1);
    }
    let (bytes, threads, repeats) = (args[0], args[1], args[2]);
    let n = bytes / 8;
    let barrier = Barrier::new(threads + 1);
    let mut best = f64::INFINITY;

    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let source: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
                let mut target = vec![0.0f64; n];
                target.copy_from_slice(&source);
                for _ in 0..=repeats {
                    barrier.wait();
                    target.copy_from_slice(&source);
                    barrier.wait();
                }
                assert!(target[n - 1] == source[n - 1], "copy_probe: copy did not happen");
            });
        }
        for round in 0..=repeats {
            barrier.wait();
            let start = Instant::now();
            barrier.wait();
            let ms = start.elapsed().as_secs_f64() * 1e3;
            if round > 0 && ms < best {
                best = ms;
            }
        }
    });

    println!(
        "{{\"bytesPerThread\": {}, \"threads\": {}, \"bestMs\": {}}}",
        8 * n,
        threads,
        best
    );
}
