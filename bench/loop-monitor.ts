// Preloaded into the server under test (node --import): records its event-loop delay and writes
// the percentiles to BENCH_LOOP_FILE on SIGUSR2, then starts a fresh histogram.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  writeFileSync(process.env.BENCH_LOOP_FILE!, JSON.stringify({ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) }));
  histogram.reset();
});
