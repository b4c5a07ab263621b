"""The benchmarks behind ``lmsim bench``, one module per mode."""
