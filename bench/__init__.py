"""Benchmarks of the store on synthetic libraries (`python -m bench.store_bench`)."""
