import v8 from 'node:v8';

/**
 * Growth of V8's old-generation limit after each full garbage collection, in percent of the live
 * heap. V8 picks a factor of up to 4 by itself, so under load the heap, and the RSS with it, grew
 * to about three times that of a bare undici proxy before the next full collection. Measured with
 * `npm run bench -- --quick` on a 2-core AMD EPYC VM with Node.js 20.20: with 50, the peak RSS of
 * the `hot` scenario fell from 373 MB to 210 MB, and requests per second stayed within the
 * run-to-run noise. Lower values cost throughput: in interleaved runs of that scenario, 20 gave
 * 171 MB and about 15% fewer requests per second.
 */
const HEAP_GROWING_PERCENT = 50;
const FLAG = '--heap-growing-percent';

/**
 * Caps V8's heap growth for the gateway process, unless `node` was started with its own
 * `--heap-growing-percent`, which then wins. The flag is read at every full collection, so it
 * takes effect although the heap is already set up. Only `main.ts` calls this, so processes that
 * embed the gateway keep their own settings.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  // V8 accepts its flags with underscores as well as hyphens.
  const flags = execArgv.map((argument) => argument.replaceAll('_', '-'));
  if (flags.some((flag) => flag === FLAG || flag.startsWith(`${FLAG}=`))) return;
  v8.setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
}
