from . import mfg_bench_intake
