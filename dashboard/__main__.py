from dashboard.cli import main

# Guarded: the worker processes `--dask local` starts (multiprocessing "spawn") import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
